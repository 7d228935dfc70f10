using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Bidding;
using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;

namespace CreditCheck.Adapters.Tests.Text;

/// <summary>A measure voided because of several lists names every one of them, in the decision's void reason and in
/// what each adapter shows (found by review: only the first list found was named).</summary>
public sealed class VoidReasonListsTests : IAsyncDisposable
{
    private const string Debtors = "失信被执行人名单";
    private const string MarketViolations = "市场监督管理严重违法失信名单";

    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b
        .AddApprovalAdapter(o => o.Matters["XK-OPEN"] = new MatterSettings { Name = "告知承诺事项", Commitment = FacilitationEligibility.NoAdverseRecord, TolerantAcceptance = FacilitationEligibility.NoAdverseRecord })
        .AddBiddingAdapter()
        .AddProcurementAdapter());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ApprovalApplication Application(SubjectId? enterprise, SubjectId? person = null) => new()
    {
        ApplicationId = "BJ-2026-0301",
        MatterCode = "XK-OPEN",
        Enterprise = enterprise,
        Person = person,
        Department = "市政务服务中心",
        Operator = "窗口01",
    };

    [Fact]
    public async Task RouteAsync_RedListedOnTwoPunishmentLists_VoidReasonAndSummaryNameBothLists()
    {
        var company = Ids.Company(501);
        await _harness.ListAsync(company, "grade-a");
        await _harness.ListAsync(company, "debtors");
        await _harness.ListAsync(company, "market-violations");

        var result = await _harness.Get<ApprovalAdapter>().RouteAsync(Application(company) with { OffersCommitment = true });

        var voided = Assert.Single(result.Decisions[0].Decision.VoidedMeasures, m => m.Measure.Code == "commitment-approval");
        Assert.Contains(Debtors, voided.VoidReason, StringComparison.Ordinal);
        Assert.Contains(MarketViolations, voided.VoidReason, StringComparison.Ordinal);
        Assert.Contains("debtors", voided.VoidReasonEnglish, StringComparison.Ordinal);
        Assert.Contains("market-violations", voided.VoidReasonEnglish, StringComparison.Ordinal);
        var reason = Assert.Single(result.Reasons, r => r.MeasureCode == "commitment-approval");
        Assert.Contains($"{Debtors}、{MarketViolations}", reason.Text, StringComparison.Ordinal);
        Assert.Equal($"从严审核：申请单位列入{Debtors}、{MarketViolations}，须提交全部材料，不适用容缺受理和告知承诺。", result.Summary);
    }

    [Fact]
    public async Task RouteAsync_PersonLinkedToEnterprisesOnTwoLists_VoidReasonNamesBothLists()
    {
        // The test catalog with 从严审核 reaching related persons and 容缺受理 for everyone in good standing.
        var catalog = CreditCatalog.Parse(AdapterCatalog.Json
            .Replace("\"scenarios\": [\"licensing.*\"], \"legalBasis\": \"国发〔2016〕33号\",", "\"scenarios\": [\"licensing.*\"], \"legalBasis\": \"国发〔2016〕33号\", \"reachesRelatedPersons\": true,", StringComparison.Ordinal)
            .Replace("\"measures\": [", """
                "measures": [
                  { "code": "good-standing-tolerant", "name": "容缺受理（无失信记录）", "kind": "Benefit", "effect": "TolerantAcceptance", "lists": [],
                    "scenarios": ["licensing.*"], "legalBasis": "地方容缺受理规定", "appliesInGoodStanding": true },
                """, StringComparison.Ordinal));
        await using var harness = AdapterHarness.Create(b => b.AddApprovalAdapter(), catalog);
        var person = Ids.Person(502);
        await harness.ListAsync(person, "debtors", related: new RelatedParty("示例失信建设工程有限公司", null, RelatedRole.LegalRepresentative));
        await harness.ListAsync(person, "market-violations", related: new RelatedParty("示例违法贸易有限公司", null, RelatedRole.PrincipalPerson));

        var result = await harness.Get<ApprovalAdapter>().RouteAsync(Application(null, person) with { MatterCode = "XK-001", MissingMaterials = ["收入证明"] });

        var voided = Assert.Single(result.Decisions[0].Decision.VoidedMeasures, m => m.Measure.Code == "good-standing-tolerant");
        Assert.StartsWith($"所关联企业存在失信记录（{Debtors}、{MarketViolations}），相关措施及于本人", voided.VoidReason, StringComparison.Ordinal);
        Assert.Contains(result.Reasons, r => r.MeasureCode == "good-standing-tolerant" && r.Text.Contains($"{Debtors}、{MarketViolations}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QualifyAsync_RedListedBidderOnTwoRestrictingLists_PointsVoidedNamingBothLists()
    {
        var company = Ids.Company(503);
        await _harness.ListAsync(company, "grade-a");
        await _harness.ListAsync(company, "wage-arrears");
        await _harness.ListAsync(company, "debtors");
        var rules = new CreditScoringRules { PointsPerList = { ["grade-a"] = 2 } };

        var result = await _harness.Get<BiddingAdapter>().QualifyAsync(new Tender
        {
            TenderId = "ZB-2026-301", Name = "示例道路改造工程施工招标", Bidders = [new Bidder("示例投标人", company)], Scoring = rules,
        });

        var bonus = Assert.Single(result.Bidders[0].Reasons, r => r.MeasureCode == "bidding-credit-bonus" && r.Text.StartsWith("不予信用加分：", StringComparison.Ordinal));
        Assert.Contains("拖欠农民工工资失信联合惩戒对象名单", bonus.Text, StringComparison.Ordinal);
        Assert.Contains(Debtors, bonus.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_EntriesUnderObjectionOnTwoLists_SuspensionNamesBothLists()
    {
        var catalog = CreditCatalog.Parse(AdapterCatalog.Json.Replace("\"version\": \"adapters-1\",", "\"version\": \"adapters-1\", \"policy\": { \"objectionSuspendsMeasures\": true },", StringComparison.Ordinal));
        await using var harness = AdapterHarness.Create(b => b.AddProcurementAdapter(), catalog);
        var company = Ids.Company(504);
        await harness.ListAsync(company, "debtors", EntryStatus.UnderObjection);
        await harness.ListAsync(company, "procurement-violations", EntryStatus.UnderObjection);

        var screening = await harness.Get<ProcurementAdapter>().ScreenAsync(new ProcurementProject
        {
            ProjectId = "CG-2026-301", ProjectName = "示例办公设备采购项目", Stage = ProcurementStage.BidOpening,
            Suppliers = [Supplier.Of("示例异议供应商", company, "BM-301")],
        });

        var decision = screening.Suppliers[0].Checks[0].Decision;
        var refusal = Assert.Single(decision.VoidedMeasures, m => m.Measure.Code == "procurement-refusal");
        Assert.Contains(Debtors, refusal.VoidReason, StringComparison.Ordinal);
        Assert.Contains("政府采购严重违法失信行为记录名单", refusal.VoidReason, StringComparison.Ordinal);
        Assert.Contains("异议核查期间暂停适用", refusal.VoidReason, StringComparison.Ordinal);
        var text = screening.Suppliers[0].Evidence.ToText();
        Assert.Contains(refusal.VoidReason!, text, StringComparison.Ordinal);

        // Suspended, so the objection note does not say the measures still apply (AdapterText.Objection).
        Assert.Contains(screening.Suppliers[0].Reasons, r => r.Text == "示例异议供应商的名单记录异议核查中，措施暂停适用，以认定部门核查结论为准");
        Assert.DoesNotContain(screening.Suppliers[0].Reasons, r => r.Text.Contains("措施照常适用", StringComparison.Ordinal));
    }
}
