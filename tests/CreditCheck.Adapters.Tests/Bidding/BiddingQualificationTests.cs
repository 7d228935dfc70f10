using CreditCheck.Adapters.Bidding;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Bidding;

public sealed class BiddingQualificationTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddBiddingAdapter());

    private BiddingAdapter Adapter => _harness.Get<BiddingAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static CreditScoringRules Rules(decimal? cap = null, params (string List, decimal Points)[] points)
    {
        var rules = new CreditScoringRules { Cap = cap };
        foreach (var (list, value) in points)
        {
            rules.PointsPerList[list] = value;
        }

        return rules;
    }

    private static Tender Tender(CreditScoringRules? scoring, params Bidder[] bidders) => new()
    {
        TenderId = "ZB-2026-031",
        Name = "示例道路改造工程施工招标",
        Bidders = bidders,
        Scoring = scoring,
        Operator = "李某",
    };

    private async Task<BidderQualification> QualifyOneAsync(SubjectId subject, CreditScoringRules? rules = null) =>
        (await Adapter.QualifyAsync(Tender(rules, new Bidder("示例投标人", subject)))).Bidders[0];

    [Fact]
    public async Task QualifyAsync_CleanBidder_QualifiedWithoutPointsOnTheStagesBasis()
    {
        var bidder = await QualifyOneAsync(Ids.Company(1), Rules(3, ("grade-a", 2)));

        Assert.Equal(BidderStatus.Qualified, bidder.Status);
        Assert.Equal(0, bidder.CreditScore);
        Assert.Empty(bidder.ScoreItems);
        Assert.Equal(new BidderReason("未发现限制投标的信用记录", "招标投标法实施条例"), bidder.Reasons[0]);
        Assert.Equal("bidding.qualification", bidder.Decision.ResolvedScenario.Code);
        Assert.Equal("ZB-2026-031", bidder.Decision.TransactionReference);
    }

    [Theory]
    [InlineData("wage-arrears", "bidding-disqualification", "保障农民工工资支付条例")]
    [InlineData("debtors", "bidding-debtor-restriction", "法〔2016〕285号")]
    public async Task QualifyAsync_BiddingRestricted_DisqualifiedWithTheLegalBasis(string list, string measure, string basis)
    {
        var subject = Ids.Company(2);
        await _harness.ListAsync(subject, list);

        var bidder = await QualifyOneAsync(subject);

        Assert.Equal(BidderStatus.Disqualified, bidder.Status);
        Assert.Equal(measure, bidder.Reasons[0].MeasureCode);
        Assert.Equal(basis, bidder.Reasons[0].LegalBasis);
        Assert.StartsWith("示例投标人列入", bidder.Reasons[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_WatchListed_FlaggedForReviewOnTheListsBasis()
    {
        var subject = Ids.Company(3);
        await _harness.ListAsync(subject, "abnormal");

        var bidder = await QualifyOneAsync(subject);

        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Equal(new BidderReason("示例投标人列入经营异常名录，需核查", "企业信息公示暂行条例"), bidder.Reasons[0]);
    }

    [Fact]
    public async Task QualifyAsync_RestrictionUnderObjection_StillDisqualifiedAndSaysTheObjectionIsPending()
    {
        var subject = Ids.Company(15);
        await _harness.ListAsync(subject, "wage-arrears", EntryStatus.UnderObjection);

        var bidder = await QualifyOneAsync(subject);

        Assert.Equal(BidderStatus.Disqualified, bidder.Status);
        Assert.Contains(bidder.Reasons, r => r.Text == "示例投标人的名单记录异议处理中，措施照常适用，以认定部门核查结论为准");
    }

    [Fact]
    public async Task QualifyAsync_RedListed_EarnsTheTendersPointsForTheList()
    {
        var subject = Ids.Company(4);
        var entry = await _harness.ListAsync(subject, "grade-a");

        var bidder = await QualifyOneAsync(subject, Rules(null, ("grade-a", 2), ("aeo", 1)));

        Assert.Equal(BidderStatus.Qualified, bidder.Status);
        Assert.Equal(2, bidder.CreditScore);
        var item = Assert.Single(bidder.ScoreItems);
        Assert.Equal(("grade-a", "纳税信用A级纳税人", 2m), (item.ListCode, item.ListName, item.Points));
        Assert.Equal([entry.EntryId], item.EntryIds);
        Assert.Contains(new BidderReason("信用加分 2 分（纳税信用A级纳税人 2 分）", "地方招标投标信用评价应用规定", "bidding-credit-bonus"), bidder.Reasons);
    }

    [Fact]
    public async Task QualifyAsync_SeveralRedLists_SummedAndCapped()
    {
        var subject = Ids.Company(5);
        await _harness.ListAsync(subject, "grade-a");
        await _harness.ListAsync(subject, "aeo");

        var bidder = await QualifyOneAsync(subject, Rules(3, ("grade-a", 2), ("aeo", 1.5m)));

        Assert.Equal(3, bidder.CreditScore);
        Assert.True(bidder.Capped);
        Assert.Equal([2m, 1.5m], bidder.ScoreItems.Select(i => i.Points));
        Assert.Contains(bidder.Reasons, r => r.Text == "信用加分 3 分（纳税信用A级纳税人 2 分，海关高级认证企业 1.5 分，合计 3.5 分，按上限 3 分计）");
    }

    [Fact]
    public async Task QualifyAsync_TwoEntriesOnOneList_CountedOnce()
    {
        var subject = Ids.Company(6);
        await _harness.ListAsync(subject, "grade-a");
        await _harness.ListAsync(subject, "grade-a");

        var bidder = await QualifyOneAsync(subject, Rules(null, ("grade-a", 2)));

        Assert.Equal(2, bidder.CreditScore);
        Assert.Equal(2, Assert.Single(bidder.ScoreItems).EntryIds.Count);
    }

    [Fact]
    public async Task QualifyAsync_RedListNotInTheTendersRules_NoPointsAndSaysSo()
    {
        var subject = Ids.Company(7);
        await _harness.ListAsync(subject, "aeo");

        var bidder = await QualifyOneAsync(subject, Rules(null, ("grade-a", 2)));

        Assert.Equal(0, bidder.CreditScore);
        Assert.Contains(bidder.Reasons, r => r.Text == "示例投标人列入海关高级认证企业，但招标文件未对这些名单规定信用加分");
    }

    [Fact]
    public async Task QualifyAsync_RedAndRestricted_DisqualifiedAndThePunishmentVoidsThePoints()
    {
        var subject = Ids.Company(8);
        await _harness.ListAsync(subject, "grade-a");
        await _harness.ListAsync(subject, "wage-arrears");

        var bidder = await QualifyOneAsync(subject, Rules(null, ("grade-a", 2)));

        Assert.Equal(BidderStatus.Disqualified, bidder.Status);
        Assert.Equal(0, bidder.CreditScore);
        Assert.Contains(bidder.Reasons, r => r.MeasureCode == "bidding-credit-bonus" && r.Text.StartsWith("不予信用加分：", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QualifyAsync_RedAndWatchListed_FlaggedAndWithoutPoints()
    {
        var subject = Ids.Company(9);
        await _harness.ListAsync(subject, "grade-a");
        await _harness.ListAsync(subject, "abnormal");

        var bidder = await QualifyOneAsync(subject, Rules(null, ("grade-a", 2)));

        Assert.Equal(BidderStatus.FlaggedForReview, bidder.Status);
        Assert.Equal(0, bidder.CreditScore);
        Assert.Contains(bidder.Reasons, r => r.Text.StartsWith("不予信用加分：", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QualifyAsync_OtherBenefit_ShownForTheTenderToApply()
    {
        var subject = Ids.Company(10);
        await _harness.ListAsync(subject, "grade-a");

        var bidder = await QualifyOneAsync(subject);

        Assert.Contains(bidder.Reasons, r => r.MeasureCode == "deposit-reduction" && r.Text == "示例投标人列入纳税信用A级纳税人：减免投标保证金，按招标文件规定适用");
    }

    [Fact]
    public async Task QualifyAsync_TenderWithoutRules_OptionsDefaultScoring()
    {
        await using var harness = AdapterHarness.Create(b => b.AddBiddingAdapter(o =>
        {
            o.DefaultScoring.PointsPerList["grade-a"] = 1;
            o.DefaultScoring.Cap = 5;
        }));
        var subject = Ids.Company(11);
        await harness.ListAsync(subject, "grade-a");
        var adapter = harness.Get<BiddingAdapter>();

        var byDefault = await adapter.QualifyAsync(Tender(null, new Bidder("B", subject)));
        var byTender = await adapter.QualifyAsync(Tender(Rules(null, ("grade-a", 4)), new Bidder("B", subject)));

        Assert.Equal(1, byDefault.Bidders[0].CreditScore);
        Assert.Equal(4, byTender.Bidders[0].CreditScore);
        Assert.Same(byTender.Tender.Scoring, byTender.Scoring);
    }

    [Fact]
    public async Task QualifyAsync_EvaluationStage_ChecksTheEvaluationScenario()
    {
        var result = await Adapter.QualifyAsync(Tender(null, new Bidder("B", Ids.Company(12))) with { Stage = BiddingStage.Evaluation });

        Assert.Equal("bidding.evaluation", result.Scenario);
        Assert.Equal("bidding.evaluation", result.Bidders[0].Decision.ResolvedScenario.Code);
    }

    [Fact]
    public async Task QualifyAsync_ManyBidders_OneBatchInOrder()
    {
        var counting = new CountingChecker(_harness.Get<ICreditChecker>());
        var adapter = new BiddingAdapter(counting, Options.Create(new BiddingOptions()), Options.Create(new CreditCheckOptions()));
        var restricted = Ids.Company(13);
        await _harness.ListAsync(restricted, "wage-arrears");
        var bidders = Enumerable.Range(0, 30).Select(i => new Bidder($"B{i}", Ids.Company(400 + i))).Append(new Bidder("欠薪企业", restricted)).ToArray();

        var result = await adapter.QualifyAsync(Tender(null, bidders));

        Assert.Equal([31], counting.BatchSizes);
        Assert.Equal(bidders.Select(b => b.Name), result.Bidders.Select(b => b.Bidder.Name));
        Assert.Equal(["欠薪企业"], result.Disqualified.Select(b => b.Bidder.Name));
        Assert.Equal(30, result.QualifiedOutright.Count());
    }

    [Fact]
    public async Task QualifyAsync_InvalidTenderRules_ArgumentExceptionListsEachProblem()
    {
        var rules = Rules(-1, ("grade-a", -2));
        rules.BonusMeasure = "";

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(Tender(rules, new Bidder("B", Ids.Company(1)))));

        Assert.Contains("Tender ZB-2026-031: the scoring rules are invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cap is -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("PointsPerList:grade-a is -2", error.Message, StringComparison.Ordinal);
        Assert.Contains("BonusMeasure is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_BidderWithoutIdentifier_ArgumentExceptionNamingIt()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(Tender(null, new Bidder("B1", Ids.Company(1)), new Bidder("B2", default))));

        Assert.Contains("bidder 2 (B2) needs a name and an identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualifyAsync_SameBidderTwice_ArgumentExceptionNamingBoth()
    {
        // Found from outside: the bidder was checked twice, and its credit points and their feedback counted twice.
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Adapter.QualifyAsync(
            Tender(null, new Bidder("B1", Ids.Company(1)), new Bidder("B2", Ids.Company(2)), new Bidder("B1 again", Ids.Company(1)))));

        Assert.Contains("bidders 1 (B1) and 3 (B1 again) are the same subject", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddBiddingAdapter_InvalidOptions_NamesEachProblem()
    {
        await using var harness = AdapterHarness.Create(b => b.AddBiddingAdapter(o =>
        {
            o.StageScenarios.Remove(BiddingStage.Award);
            o.DefaultScoring.Cap = -1;
        }));

        var error = Assert.Throws<OptionsValidationException>(() => harness.Get<BiddingAdapter>());

        Assert.Contains("CreditCheck:Bidding:StageScenarios has no scenario for Award.", error.Failures);
        Assert.Contains("CreditCheck:Bidding:DefaultScoring:Cap is -1; it must be zero or more, or unset for no cap.", error.Failures);
    }

    [Fact]
    public async Task AddBiddingAdapter_FromConfiguration_BindsDefaultScoring()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CreditCheck:Bidding:DefaultScoring:PointsPerList:grade-a"] = "2.5",
            ["CreditCheck:Bidding:DefaultScoring:Cap"] = "2",
        }).Build();
        await using var harness = AdapterHarness.Create(b => b.AddBiddingAdapter(configuration.GetSection(BiddingOptions.SectionName)));
        var subject = Ids.Company(14);
        await harness.ListAsync(subject, "grade-a");

        var result = await harness.Get<BiddingAdapter>().QualifyAsync(Tender(null, new Bidder("B", subject)));

        Assert.Equal(2, result.Bidders[0].CreditScore);
        Assert.True(result.Bidders[0].Capped);
    }

    [Fact]
    public async Task QualifyAsync_CleanWatchListedAndRestricted_QualifiedOutrightExcludesTheFlagged()
    {
        var watched = Ids.Company(54);
        var restricted = Ids.Company(55);
        await _harness.ListAsync(watched, "abnormal");
        await _harness.ListAsync(restricted, "wage-arrears");

        var result = await Adapter.QualifyAsync(Tender(null,
            new Bidder("清白企业", Ids.Company(53)), new Bidder("异常企业", watched), new Bidder("欠薪企业", restricted)));

        Assert.Equal(["清白企业"], result.QualifiedOutright.Select(b => b.Bidder.Name));
        Assert.Equal(["异常企业"], result.FlaggedForReview.Select(b => b.Bidder.Name));
        Assert.Equal(["清白企业", "异常企业"], result.NotDisqualified.Select(b => b.Bidder.Name));
        Assert.Equal(["欠薪企业"], result.Disqualified.Select(b => b.Bidder.Name));
    }

    [Fact]
    public void Qualified_IsObsoleteAndNamesTheMembersToUseInstead()
    {
        var obsolete = typeof(TenderQualification).GetProperty("Qualified")!
            .GetCustomAttributes(typeof(ObsoleteAttribute), false).Cast<ObsoleteAttribute>().Single();

        Assert.Contains("QualifiedOutright", obsolete.Message, StringComparison.Ordinal);
        Assert.Contains("FlaggedForReview", obsolete.Message, StringComparison.Ordinal);
    }
}
