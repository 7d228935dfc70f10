using CreditCheck.Adapters.Bidding;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Bidding;

/// <summary>Consortium bidders (联合体, 《中华人民共和国招标投标法》第三十一条): every member checked, a disqualified member
/// disqualifies the consortium, a flagged one flags it, and its credit points are one member's as the tender documents
/// choose.</summary>
public sealed class BiddingConsortiumTests : IAsyncDisposable
{
    private const string Section31 = "；依照招标投标法第三十一条，联合体各方均应当具备规定的相应资格条件，该联合体投标应予否决";

    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddBiddingAdapter());

    private BiddingAdapter Adapter => _harness.Get<BiddingAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static Tender Tender(CreditScoringRules? scoring, params Bidder[] bidders) => new()
    {
        TenderId = "ZB-2026-061",
        Name = "示例综合管廊工程施工招标",
        Bidders = bidders,
        Scoring = scoring,
        Operator = "李某",
    };

    private static CreditScoringRules Rules(ConsortiumScoring? consortium = null)
    {
        var rules = new CreditScoringRules();
        rules.PointsPerList["grade-a"] = 2;
        rules.PointsPerList["aeo"] = 1.5m;
        if (consortium is { } scoring)
        {
            rules.ConsortiumScoring = scoring;
        }

        return rules;
    }

    private static Bidder Consortium(SubjectId lead, SubjectId member) =>
        Bidder.Consortium("示例联合体", [new BidderMember("示例牵头公司", lead), new BidderMember("示例成员公司", member)]);

    private async Task<BidderQualification> QualifyOneAsync(Bidder bidder, CreditScoringRules? rules = null) =>
        (await Adapter.QualifyAsync(Tender(rules, bidder))).Bidders[0];

    [Fact]
    public async Task QualifyAsync_ConsortiumWithARestrictedMember_DisqualifiedNamingTheMemberAndWhyItBindsTheConsortium()
    {
        var member = Ids.Company(102);
        await _harness.ListAsync(member, "wage-arrears");

        var consortium = await QualifyOneAsync(Consortium(Ids.Company(101), member));

        Assert.Equal(BidderStatus.Disqualified, consortium.Status);
        Assert.True(consortium.Bidder.IsConsortium);
        Assert.Equal(
            new BidderReason("联合体成员“示例成员公司”列入拖欠农民工工资失信联合惩戒对象名单：限制参与招标投标" + Section31, "保障农民工工资支付条例", "bidding-disqualification"),
            consortium.Reasons[0]);
        Assert.Equal([BidderStatus.Qualified, BidderStatus.Disqualified], consortium.Members.Select(m => m.Status));
        Assert.Same(consortium.Members[1].Decision, consortium.Decision);
        Assert.Equal(0, consortium.CreditScore);
    }

    [Fact]
    public async Task QualifyAsync_ConsortiumAllClean_QualifiedSayingSoForEveryMemberAndEachChecked()
    {
        var lead = Ids.Company(103);
        var member = Ids.Company(104);

        var consortium = await QualifyOneAsync(Consortium(lead, member));

        Assert.Equal(BidderStatus.Qualified, consortium.Status);
        Assert.Equal(new BidderReason("联合体各成员均未发现限制投标的信用记录", "招标投标法实施条例"), consortium.Reasons[0]);
        Assert.Equal([lead.Masked, member.Masked], consortium.Members.Select(m => m.Decision.Subject));
        Assert.Equal(["示例牵头公司", "示例成员公司"], consortium.Members.Select(m => m.Member.Name));
        Assert.All(consortium.Members, m => Assert.Equal("ZB-2026-061", m.Decision.TransactionReference));
    }

    [Fact]
    public async Task QualifyAsync_ConsortiumWithAWatchListedMember_FlaggedForReviewNamingTheMember()
    {
        var member = Ids.Company(106);
        await _harness.ListAsync(member, "abnormal");

        var consortium = await QualifyOneAsync(Consortium(Ids.Company(105), member));

        Assert.Equal(BidderStatus.FlaggedForReview, consortium.Status);
        Assert.Equal(new BidderReason("联合体成员“示例成员公司”列入经营异常名录，需核查", "企业信息公示暂行条例"), consortium.Reasons[0]);
        Assert.Same(consortium.Members[1].Decision, consortium.Decision);
    }

    [Fact]
    public async Task QualifyAsync_ConsortiumWithAWatchListedAndARestrictedMember_DisqualifiedTheRestrictionFirst()
    {
        var watched = Ids.Company(107);
        var restricted = Ids.Company(108);
        await _harness.ListAsync(watched, "abnormal");
        await _harness.ListAsync(restricted, "debtors");

        var consortium = await QualifyOneAsync(Consortium(watched, restricted));

        Assert.Equal(BidderStatus.Disqualified, consortium.Status);
        Assert.Equal("联合体成员“示例成员公司”列入失信被执行人名单：限制失信被执行人参与招标投标" + Section31, consortium.Reasons[0].Text);
        Assert.Equal("法〔2016〕285号", consortium.Reasons[0].LegalBasis);
        Assert.Contains(consortium.Reasons, r => r.Text == "联合体成员“示例牵头公司”列入经营异常名录，需核查");
    }

    [Theory]
    [InlineData(null, 2, "联合体信用加分 2 分（招标文件规定按各成员中的最低得分计：示例牵头公司 3.5 分，示例成员公司 2 分）")]
    [InlineData(ConsortiumScoring.LowestMember, 2, "联合体信用加分 2 分（招标文件规定按各成员中的最低得分计：示例牵头公司 3.5 分，示例成员公司 2 分）")]
    [InlineData(ConsortiumScoring.LeadMember, 3.5, "联合体信用加分 3.5 分（招标文件规定按牵头人“示例牵头公司”的得分计：示例牵头公司 3.5 分，示例成员公司 2 分）")]
    public async Task QualifyAsync_RedListedMembers_ScoresThePointsTheTendersConsortiumRulePicks(ConsortiumScoring? scoring, decimal expected, string reason)
    {
        var lead = Ids.Company(109);
        var member = Ids.Company(110);
        await _harness.ListAsync(lead, "grade-a");
        await _harness.ListAsync(lead, "aeo");
        await _harness.ListAsync(member, "grade-a");

        var consortium = await QualifyOneAsync(Consortium(lead, member), Rules(scoring));

        Assert.Equal(BidderStatus.Qualified, consortium.Status);
        Assert.Equal(expected, consortium.CreditScore);
        Assert.Equal([3.5m, 2m], consortium.Members.Select(m => m.CreditScore));
        Assert.Equal(expected, consortium.ScoreItems.Sum(i => i.Points));
        Assert.Contains(new BidderReason(reason, "地方招标投标信用评价应用规定", "bidding-credit-bonus"), consortium.Reasons);
        Assert.Contains(consortium.Reasons, r => r.Text == "联合体成员“示例牵头公司”信用加分 3.5 分（纳税信用A级纳税人 2 分，海关高级认证企业 1.5 分）");
        Assert.Contains(consortium.Reasons, r => r.Text == "联合体成员“示例成员公司”信用加分 2 分（纳税信用A级纳税人 2 分）");
    }

    [Fact]
    public async Task QualifyAsync_RedListedLeadAndAMemberOnNoList_LowestMemberScoresNothingLeadMemberTheLeads()
    {
        var lead = Ids.Company(111);
        await _harness.ListAsync(lead, "grade-a");
        var bidder = Consortium(lead, Ids.Company(112));

        var lowest = await QualifyOneAsync(bidder, Rules());
        var byLead = await QualifyOneAsync(bidder, Rules(ConsortiumScoring.LeadMember));

        Assert.Equal(0, lowest.CreditScore);
        Assert.Empty(lowest.ScoreItems);
        Assert.Same(lowest.Members[1].Decision, lowest.Decision);
        Assert.Contains(lowest.Reasons, r => r.Text == "联合体信用加分 0 分（招标文件规定按各成员中的最低得分计：示例牵头公司 2 分，示例成员公司 0 分）");
        Assert.Equal(2, byLead.CreditScore);
        Assert.Equal("grade-a", Assert.Single(byLead.ScoreItems).ListCode);
        Assert.Same(byLead.Members[0].Decision, byLead.Decision);
    }

    [Fact]
    public async Task QualifyAsync_RedListedLeadAndARestrictedMember_ScoresNothingAndTheBenefitsAreNoReason()
    {
        var lead = Ids.Company(113);
        var member = Ids.Company(114);
        await _harness.ListAsync(lead, "grade-a");
        await _harness.ListAsync(member, "wage-arrears");

        var consortium = await QualifyOneAsync(Consortium(lead, member), Rules(ConsortiumScoring.LeadMember));

        Assert.Equal(BidderStatus.Disqualified, consortium.Status);
        Assert.Equal(0, consortium.CreditScore);
        Assert.Empty(consortium.ScoreItems);
        Assert.Equal(2, consortium.Members[0].CreditScore); // the lead's own, not the consortium's
        Assert.Contains(new BidderReason("该联合体投标应予否决，不计信用加分", null, "bidding-credit-bonus"), consortium.Reasons);
        Assert.DoesNotContain(consortium.Reasons, r => r.Text.Contains("按招标文件规定适用", StringComparison.Ordinal) || r.Text.Contains("信用加分 2 分", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QualifyAsync_SingleBiddersAndAConsortium_OneBatchInOrder()
    {
        var counting = new CountingChecker(_harness.Get<ICreditChecker>());
        var adapter = new BiddingAdapter(counting, Options.Create(new BiddingOptions()), Options.Create(new CreditCheckOptions()));
        var restricted = Ids.Company(117);
        await _harness.ListAsync(restricted, "wage-arrears");
        var consortium = Bidder.Consortium("示例联合体", [new BidderMember("甲", Ids.Company(116)), new BidderMember("乙", restricted), new BidderMember("丙", Ids.Company(118))]);

        var result = await adapter.QualifyAsync(Tender(null, new Bidder("单独投标人", Ids.Company(115)), consortium, new Bidder("另一投标人", Ids.Company(119))));

        Assert.Equal([5], counting.BatchSizes);
        Assert.Equal(["单独投标人", "示例联合体", "另一投标人"], result.Bidders.Select(b => b.Bidder.Name));
        Assert.Equal([1, 3, 1], result.Bidders.Select(b => b.Members.Count));
        Assert.Equal([BidderStatus.Qualified, BidderStatus.Disqualified, BidderStatus.Qualified], result.Bidders.Select(b => b.Status));
        Assert.Equal(restricted.Masked, result.Bidders[1].Decision.Subject);
        Assert.Equal(Ids.Company(119).Masked, result.Bidders[2].Decision.Subject);
    }

    [Fact]
    public async Task QualifyAsync_SingleBidder_ItsOneMemberIsItself()
    {
        var subject = Ids.Company(120);
        var bidder = new Bidder("示例投标人", subject, "T-07");

        var result = await QualifyOneAsync(bidder);

        Assert.False(bidder.IsConsortium);
        Assert.Equal(new BidderMember("示例投标人", subject), Assert.Single(bidder.Members));
        var check = Assert.Single(result.Members);
        Assert.Equal((bidder.Members[0], BidderStatus.Qualified, 0m), (check.Member, check.Status, check.CreditScore));
        Assert.Same(result.Decision, check.Decision);
        Assert.Equal(new BidderReason("未发现限制投标的信用记录", "招标投标法实施条例"), result.Reasons[0]);
    }

    [Fact]
    public void Consortium_Built_ItsSubjectIsTheLeadsAndItCannotBeSetApart()
    {
        var lead = Ids.Company(121);
        var consortium = Consortium(lead, Ids.Company(122));

        Assert.Equal(lead, consortium.Subject);
        Assert.Equal(consortium, Consortium(lead, Ids.Company(122)));
        Assert.NotEqual(consortium, Consortium(lead, Ids.Company(123)));
        Assert.Equal(consortium, consortium with { Name = "示例联合体" });
        Assert.Throws<InvalidOperationException>(() => consortium with { Subject = Ids.Company(123) });
        Assert.Equal($"Bidder {{ Name = 示例联合体, Subject = {lead.Masked}, BidderId = , Members = [示例牵头公司 {lead.Masked}, 示例成员公司 {Ids.Company(122).Masked}] }}", consortium.ToString());
        Assert.Equal($"Bidder {{ Name = 示例投标人, Subject = {lead.Masked}, BidderId = T-1 }}", new Bidder("示例投标人", lead, "T-1").ToString());
    }

    [Fact]
    public void Consortium_SameMemberTwice_ArgumentExceptionNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => Bidder.Consortium("示例联合体",
            [new BidderMember("甲公司", Ids.Company(1)), new BidderMember("乙公司", Ids.Company(2)), new BidderMember("甲公司（重复）", Ids.Company(1))]));

        Assert.Contains("Consortium '示例联合体': members 1 (甲公司) and 3 (甲公司（重复）) are the same subject", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consortium_OneMember_ArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => Bidder.Consortium("示例联合体", [new BidderMember("甲公司", Ids.Company(1))]));

        Assert.Contains("has 1 member(s); a consortium has at least two", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_AnEnterpriseAloneAndInAConsortium_ArgumentExceptionNamingBothPlaces()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(Tender(null,
            new Bidder("甲公司", Ids.Company(1)),
            Bidder.Consortium("联合体", [new BidderMember("乙公司", Ids.Company(2)), new BidderMember("甲公司", Ids.Company(1))]))));

        Assert.Contains($"甲公司 ({Ids.Company(1).Masked}) takes part as bidder 1 (甲公司) and again as member 2 of bidder 2 (consortium 联合体)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_AnEnterpriseByItsCodeAloneAndByItsOrganizationCodeInAConsortium_ArgumentExceptionNamingBothPlaces()
    {
        // Found from outside: 91310115768487450W alone and 76848745-0 (the 组织机构代码 it embeds) in a consortium took part twice.
        var uscc = SubjectId.Parse("91310115768487450W", SubjectKind.LegalEntity);
        var organization = SubjectId.Parse("76848745-0", SubjectKind.LegalEntity);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(Tender(null,
            new Bidder("甲公司", uscc),
            Bidder.Consortium("联合体", [new BidderMember("甲公司（组织机构代码）", organization), new BidderMember("乙公司", Ids.Company(2))]))));

        Assert.Contains($"甲公司 ({uscc.Masked}) and 甲公司（组织机构代码） ({organization.Masked}) are the same enterprise", error.Message, StringComparison.Ordinal);
        Assert.Contains("as bidder 1 (甲公司) and again as member 1 of bidder 2 (consortium 联合体)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_TwoBiddersOneByItsOrganizationCode_ArgumentExceptionNamingBoth()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(Tender(null,
            new Bidder("甲公司", SubjectId.Parse("MAK50F914", SubjectKind.LegalEntity)),
            new Bidder("乙公司", Ids.Company(2)),
            new Bidder("甲公司（新代码）", SubjectId.Parse("91510104MAK50F914T", SubjectKind.LegalEntity)))));

        Assert.Contains("bidders 1 (甲公司) and 3 (甲公司（新代码）) are the same enterprise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consortium_SameMemberByBothCodes_ArgumentExceptionNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => Bidder.Consortium("示例联合体",
            [new BidderMember("甲公司", SubjectId.Parse("91510104MAK50F914T", SubjectKind.LegalEntity)), new BidderMember("甲公司（旧代码）", SubjectId.Parse("MAK50F914", SubjectKind.LegalEntity))]));

        Assert.Contains("Consortium '示例联合体': members 1 (甲公司) and 2 (甲公司（旧代码）) are the same enterprise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_AnEnterpriseInTwoConsortia_ArgumentExceptionNamingBothPlaces()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(Tender(null,
            Bidder.Consortium("联合体A", [new BidderMember("甲公司", Ids.Company(1)), new BidderMember("乙公司", Ids.Company(2))]),
            new Bidder("丙公司", Ids.Company(3)),
            Bidder.Consortium("联合体B", [new BidderMember("丁公司", Ids.Company(4)), new BidderMember("乙公司", Ids.Company(2))]))));

        Assert.Contains("takes part as member 2 of bidder 1 (consortium 联合体A) and again as member 2 of bidder 3 (consortium 联合体B)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_ConsortiumMemberWithoutIdentifier_ArgumentExceptionNamingIt()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(Tender(null,
            new Bidder("B1", Ids.Company(1)), Bidder.Consortium("联合体", [new BidderMember("甲", Ids.Company(2)), new BidderMember("乙", default)]))));

        Assert.Contains("bidder 2 (联合体), member 2, needs a name and an identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_UnknownConsortiumScoring_ArgumentExceptionSayingWhatIsAllowed()
    {
        var rules = Rules((ConsortiumScoring)9);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(Tender(rules, new Bidder("B", Ids.Company(1)))));

        Assert.Contains("ConsortiumScoring is 9; use LowestMember or LeadMember.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBiddingAdapter_FromConfiguration_BindsConsortiumScoring()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CreditCheck:Bidding:DefaultScoring:PointsPerList:grade-a"] = "2",
            ["CreditCheck:Bidding:DefaultScoring:ConsortiumScoring"] = "LeadMember",
        }).Build();
        await using var harness = AdapterHarness.Create(b => b.AddBiddingAdapter(configuration.GetSection(BiddingOptions.SectionName)));
        var lead = Ids.Company(124);
        await harness.ListAsync(lead, "grade-a");

        var result = await harness.Get<BiddingAdapter>().QualifyAsync(Tender(null, Consortium(lead, Ids.Company(125))));

        Assert.Equal(ConsortiumScoring.LeadMember, result.Scoring.ConsortiumScoring);
        Assert.Equal(2, result.Bidders[0].CreditScore);
    }

    [Fact]
    public async Task ReportAsync_DisqualifiedConsortium_OneReportPerMemberSayingTheConsortiumWasDisqualified()
    {
        await _harness.StartAsync();
        var lead = Ids.Company(126);
        var member = Ids.Company(127);
        await _harness.ListAsync(lead, "grade-a");
        await _harness.ListAsync(member, "wage-arrears");
        var qualification = await Adapter.QualifyAsync(Tender(Rules(), Consortium(lead, member)));

        var records = await Adapter.ReportAsync(qualification, new BiddingFeedback { AppliedBenefits = new HashSet<string>(["deposit-reduction"]) });

        Assert.Equal(
            [
                ("示例牵头公司", lead.Value, "bidding-credit-bonus", ExecutionResult.NotExecuted, null, "已否决该联合体投标"),
                ("示例牵头公司", lead.Value, "deposit-reduction", ExecutionResult.NotExecuted, null, "已否决该联合体投标"),
                ("示例成员公司", member.Value, "bidding-disqualification", ExecutionResult.Executed, "已否决该联合体投标", null),
            ],
            records.Select(r => (r.SubjectName, r.SubjectCode, r.MeasureCode, r.Result, r.ResultText, r.Reason)));
        Assert.All(records, r => Assert.Equal(("ZB-2026-061", "示例综合管廊工程施工招标", "李某"), (r.ItemCode, r.ItemName, r.Operator)));
        Assert.Equal(3, (await _harness.DeliveredAsync(3)).Count);
    }

    [Theory]
    [InlineData(ConsortiumScoring.LowestMember, "招标文件规定联合体按各成员中的最低得分计信用加分，未按该成员得分计", "联合体信用加分 2 分")]
    [InlineData(ConsortiumScoring.LeadMember, "联合体信用加分 3.5 分", "招标文件规定联合体按牵头人的得分计信用加分，未按该成员得分计")]
    public async Task ReportAsync_QualifiedConsortium_TheBonusExecutedOnceForTheScoredMember(ConsortiumScoring scoring, string leadText, string memberText)
    {
        var lead = Ids.Company(128);
        var member = Ids.Company(129);
        await _harness.ListAsync(lead, "grade-a");
        await _harness.ListAsync(lead, "aeo");
        await _harness.ListAsync(member, "grade-a");
        var qualification = await Adapter.QualifyAsync(Tender(Rules(scoring), Consortium(lead, member)));

        var records = (await Adapter.ReportAsync(qualification)).Where(r => r.MeasureCode == "bidding-credit-bonus").ToList();

        Assert.Equal(["示例牵头公司", "示例成员公司"], records.Select(r => r.SubjectName));
        var executed = scoring == ConsortiumScoring.LeadMember ? 0 : 1;
        Assert.Equal([ExecutionResult.Executed, ExecutionResult.NotExecuted], new[] { records[executed].Result, records[1 - executed].Result });
        Assert.Equal([leadText, memberText], records.Select(r => r.ResultText ?? r.Reason));
    }

    [Fact]
    public async Task ReportAsync_CleanConsortium_OneNothingToExecuteRecordPerMemberUnderItsName()
    {
        var qualification = await Adapter.QualifyAsync(Tender(null, Consortium(Ids.Company(131), Ids.Company(132))));

        var records = await Adapter.ReportAsync(qualification);

        Assert.Equal(
            [("示例牵头公司", Ids.Company(131).Value, ExecutionResult.NothingToExecute), ("示例成员公司", Ids.Company(132).Value, ExecutionResult.NothingToExecute)],
            records.Select(r => (r.SubjectName, r.SubjectCode, r.Result)));
    }

    [Fact]
    public async Task ReadmeConsortiumSnippet_AsWritten_QualifiesTheConsortiumMemberByMember()
    {
        var bidding = Adapter;
        var lead = Ids.Company(133);
        var member = Ids.Company(134);
        await _harness.ListAsync(member, "abnormal");
        Console.Lines.Clear();
        {
            // README "Adapters", bidding, consortium (as written there).
            var rules = new CreditScoringRules { ConsortiumScoring = ConsortiumScoring.LowestMember };   // 招标文件的规定
            rules.PointsPerList["tax-grade-a"] = 2;
            var consortium = Bidder.Consortium("示例联合体",
                [new BidderMember("示例牵头企业有限公司", lead), new BidderMember("示例成员企业有限公司", member)]);
            var result = await bidding.QualifyAsync(new Tender { TenderId = "ZB-2026-061", Bidders = [consortium], Scoring = rules });
            var b = result.Bidders[0];
            Console.WriteLine($"{b.Bidder.Name}: {b.Status}, 信用加分 {b.CreditScore} — {b.Reasons[0].Text}");
            foreach (var m in b.Members) Console.WriteLine($"  {m.Member.Name}: {m.Status}, {m.CreditScore} 分");
        }

        Assert.Equal(
            ["示例联合体: FlaggedForReview, 信用加分 0 — 联合体成员“示例成员企业有限公司”列入经营异常名录，需核查", "  示例牵头企业有限公司: Qualified, 0 分", "  示例成员企业有限公司: FlaggedForReview, 0 分"],
            Console.Lines);
    }

    /// <summary>Takes the README snippet's lines, leaving the process's console alone (tests run in parallel).</summary>
    private static class Console
    {
        public static List<string> Lines { get; } = [];

        public static void WriteLine(string line) => Lines.Add(line);
    }
}
