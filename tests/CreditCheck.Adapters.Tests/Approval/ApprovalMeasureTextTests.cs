using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck.Adapters.Tests.Approval;

/// <summary>On the shipped catalog: every measure applied to the applicant is shown with its basis and reported as the
/// route used it; a benefit is said to be earned by what earned it; and no "无失信记录" beside a record shown (found by
/// an outside-in review, 2026-12).</summary>
public sealed class ApprovalMeasureTextTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(
        b => b.AddApprovalAdapter(o =>
        {
            o.Matters["CZ-001"] = new MatterSettings { Scenario = "fiscal-funds", Name = "财政资金项目申报" };
            o.Matters["ZZ-001"] = new MatterSettings { Scenario = "qualification", Name = "资质审核" };
            o.Matters["PY-001"] = new MatterSettings { Scenario = "awards", Name = "评先评优" };
            o.Matters["XF-001"] = new MatterSettings { Scenario = "public-service.consumption", Name = "高消费事项" };
            o.Matters["XK-052"] = new MatterSettings { Scenario = "licensing", Name = "建筑工程施工许可" };
        }),
        CreditCatalog.Default);

    private ApprovalAdapter Adapter => _harness.Get<ApprovalAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ApprovalApplication Application(SubjectId? enterprise, string matter, SubjectId? person = null, SubjectId? representative = null) => new()
    {
        ApplicationId = "BJ-2026-0301",
        MatterCode = matter,
        Enterprise = enterprise,
        Person = person,
        LegalRepresentative = representative,
    };

    private static string Basis(string measure) => CreditCatalog.Default.Measures.Single(m => m.Code == measure).LegalBasis;

    [Fact]
    public async Task RouteAsync_RedListedOnFiscalFunds_ShowsTheFiscalPriorityWithItsBasisAndReportsItExecuted()
    {
        var company = Ids.Company(301);
        await _harness.ListAsync(company, "tax-grade-a");
        await _harness.ListAsync(company, "contract-honoring");

        var result = await Adapter.RouteAsync(Application(company, "CZ-001"));
        var records = await Adapter.ReportAsync(result, ApprovalHandling.Followed());

        Assert.Equal(ApprovalRoute.Standard, result.Route);
        var shown = Assert.Single(result.Reasons, r => r.MeasureCode == "fiscal-priority");
        Assert.Equal("申请单位列入纳税信用A级纳税人、守合同重信用企业：财政资金、项目申报同等条件下优先", shown.Text);
        Assert.Equal(Basis("fiscal-priority"), shown.LegalBasis);
        Assert.Contains("财政资金、项目申报同等条件下优先", result.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Reasons, r => r.Text.Contains("不适用联合奖惩措施", StringComparison.Ordinal));
        var record = Assert.Single(records);
        Assert.Equal(("fiscal-priority", ExecutionResult.Executed), (record.MeasureCode, record.Result));
    }

    [Fact]
    public async Task RouteAsync_BenefitEarnedByAGrade_NamesTheGrade()
    {
        var company = Ids.Company(302);
        await _harness.Publisher.UpsertAsync(new ListRecord(company, new ListEntry
        {
            EntryId = "tcr-302",
            ListCode = "tax-credit-rating",
            SubjectKind = SubjectKind.LegalEntity,
            Level = "A",
            ValidFrom = AdapterHarness.Now.AddMonths(-6),
            ValidUntil = AdapterHarness.Now.AddMonths(6),
        }));

        var result = await Adapter.RouteAsync(Application(company, "XK-052"));

        var green = Assert.Single(result.Reasons, r => r.MeasureCode == "green-channel");
        Assert.Equal("申请单位纳税信用评价A级：行政审批绿色通道", green.Text);
        Assert.DoesNotContain(result.Reasons, r => r.Text.Contains("无失信记录", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("abnormal-operations", EntryStatus.Active, 12)]   // a sector list outside its sector
    [InlineData("court-dishonest-debtors", EntryStatus.Repaired, 12)]
    [InlineData("court-dishonest-debtors", EntryStatus.Active, -1)] // expired
    public async Task RouteAsync_RecordShownThatDoesNotActHere_NeverSaysNoRecord(string list, EntryStatus status, int monthsLeft)
    {
        var company = Ids.Company(303);
        await _harness.ListAsync(company, list, status, from: AdapterHarness.Now.AddYears(-2), until: AdapterHarness.Now.AddMonths(monthsLeft));

        var tolerant = await Adapter.RouteAsync(Application(company, "XK-052") with { MissingMaterials = ["施工合同"] });
        var commitment = await Adapter.RouteAsync(Application(company, "XK-052") with { OffersCommitment = true });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, tolerant.Route);
        Assert.StartsWith("申请单位所列名单记录在本事项不适用联合奖惩措施：容缺受理，施工合同须于", tolerant.Reasons[0].Text, StringComparison.Ordinal);
        Assert.Equal(ApprovalRoute.Commitment, commitment.Route);
        Assert.All(tolerant.Reasons.Concat(commitment.Reasons), r => Assert.DoesNotContain("无失信记录", r.Text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ZZ-001", "优先办理")]
    [InlineData("PY-001", "评先评优优先")]
    public async Task RouteAsync_PriorityOutsideApprovalMatters_NamesTheMeasureNotTheGreenChannel(string matter, string measure)
    {
        var company = Ids.Company(304);
        await _harness.ListAsync(company, "tax-grade-a");

        var result = await Adapter.RouteAsync(Application(company, matter));

        Assert.NotEqual(ApprovalRoute.GreenChannel, result.Route);
        Assert.False(result.Priority);
        Assert.DoesNotContain("绿色通道", result.Summary, StringComparison.Ordinal);
        Assert.Contains(measure, result.Summary, StringComparison.Ordinal);
        Assert.Contains(result.Reasons, r => r.Text == $"申请单位列入纳税信用A级纳税人：{measure}");
    }

    [Fact]
    public async Task RouteAsync_PersonLinkedToAListedEnterpriseOnHighConsumption_SummarySaysOnlyWhatIsVoided()
    {
        var person = Ids.Person(305);
        await _harness.ListAsync(person, "court-dishonest-debtors", related: new RelatedParty("示例失信建设工程有限公司", null, RelatedRole.LegalRepresentative));

        var result = await Adapter.RouteAsync(Application(null, "XF-001", person: person) with { MissingMaterials = ["收入证明"] });

        Assert.Equal(ApprovalRoute.StrictReview, result.Route);
        Assert.Equal("从严审核：申请人为列入失信被执行人名单的“示例失信建设工程有限公司”的法定代表人（本人未列入），相关措施及于本人，须提交全部材料，不适用容缺受理。", result.Summary);
    }

    [Fact]
    public async Task ReportAsync_CommitmentOfTheEnterpriseUsed_TheRepresentativesOwnCommitmentNotExecuted()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(306), "XK-052", representative: Ids.Person(306)) with { OffersCommitment = true });

        var records = await Adapter.ReportAsync(result, ApprovalHandling.Followed());

        Assert.Equal(ApprovalRoute.Commitment, result.Route);
        var enterprise = result.Decisions[0].Decision.CheckId;
        var representative = result.Decisions[1].Decision.CheckId;
        Assert.Equal(ExecutionResult.Executed, records.Single(r => r.CheckId == enterprise && r.MeasureCode == "commitment-approval").Result);
        var notUsed = records.Single(r => r.CheckId == representative && r.MeasureCode == "commitment-approval");
        Assert.Equal(ExecutionResult.NotExecuted, notUsed.Result);
        Assert.Equal("激励措施按申请单位适用，本次未对法定代表人适用", notUsed.Reason);
    }
}
