using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Approval;

public sealed class ApprovalFeedbackTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Handled = AdapterHarness.Now.AddMinutes(5);
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddApprovalAdapter(o => o.Matters["DJ-001"] = new MatterSettings { Scenario = "market-access.registration" }));

    private ApprovalAdapter Adapter => _harness.Get<ApprovalAdapter>();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ApprovalApplication Application(SubjectId enterprise, string matter = "XK-001", SubjectId? representative = null) => new()
    {
        ApplicationId = "BJ-2026-0042",
        MatterCode = matter,
        MatterName = "食品经营许可",
        Enterprise = enterprise,
        LegalRepresentative = representative,
        Department = "市政务服务中心",
        Operator = "窗口01",
    };

    [Fact]
    public async Task ReportAsync_FollowedTolerantAcceptance_UsedBenefitsExecutedTheUnusedOneNotAndDelivered()
    {
        await _harness.StartAsync();
        var company = Ids.Company(1);
        await _harness.ListAsync(company, "grade-a");
        var result = await Adapter.RouteAsync(Application(company) with { MissingMaterials = ["健康证明"] });

        var records = await Adapter.ReportAsync(result, ApprovalHandling.Followed("已容缺受理") with { District = "330106", ExecutedAt = Handled });

        Assert.Equal(ApprovalRoute.TolerantAcceptance, result.Route);
        var byMeasure = records.ToDictionary(r => r.MeasureCode!);
        Assert.Equal(["green-channel", "priority-handling", "tolerant-acceptance", "commitment-approval"], records.Select(r => r.MeasureCode));
        Assert.All(["green-channel", "priority-handling", "tolerant-acceptance"], code =>
        {
            Assert.Equal(ExecutionResult.Executed, byMeasure[code].Result);
            Assert.Equal("已容缺受理", byMeasure[code].ResultText);
        });
        Assert.Equal(ExecutionResult.NotExecuted, byMeasure["commitment-approval"].Result);
        Assert.Equal("本次按“容缺受理”办理，未适用该激励措施", byMeasure["commitment-approval"].Reason);
        Assert.All(records, r =>
        {
            Assert.Equal(result.Decisions[0].Decision.CheckId, r.CheckId);
            Assert.Equal("XK-001", r.ItemCode);
            Assert.Equal("食品经营许可", r.ItemName);
            Assert.Equal("BJ-2026-0042", r.TransactionReference);
            Assert.Equal("市政务服务中心", r.Department);
            Assert.Equal("窗口01", r.Operator);
            Assert.Equal("330106", r.District);
            Assert.Equal(Handled, r.ExecutedAt);
            Assert.Equal(company.Value, r.SubjectCode);
        });
        Assert.Equal(records.Select(r => r.Key).Order(StringComparer.Ordinal), (await _harness.DeliveredAsync(4)).Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReportAsync_CleanApplicationWithRepresentative_OneCheckedRecordPerParty()
    {
        var representative = Ids.Person(2);
        var result = await Adapter.RouteAsync(Application(Ids.Company(2), representative: representative));

        var records = await Adapter.ReportAsync(result, ApprovalHandling.Followed());

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(ExecutionResult.NothingToExecute, r.Result));
        Assert.Equal(result.CheckIds, records.Select(r => r.CheckId));
        Assert.Equal(representative.Masked, records[1].SubjectCode);
    }

    [Fact]
    public async Task ReportAsync_CleanApplicationWithNames_EachPartysRecordCarriesTheNameTheHostGave()
    {
        var result = await Adapter.RouteAsync(Application(Ids.Company(3), representative: Ids.Person(3)) with
        {
            EnterpriseName = "示例餐饮管理有限公司", LegalRepresentativeName = "张三",
        });

        var records = await Adapter.ReportAsync(result, ApprovalHandling.Followed());

        Assert.Equal(["示例餐饮管理有限公司", "张三"], records.Select(r => r.SubjectName));
    }

    [Fact]
    public async Task ReportAsync_RefusedRegistrationFollowed_TheBarOnTheRepresentativeExecuted()
    {
        var representative = Ids.Person(3);
        await _harness.ListAsync(representative, "market-violations", related: new RelatedParty("示例违法企业有限公司", null, RelatedRole.LegalRepresentative));
        var result = await Adapter.RouteAsync(Application(Ids.Company(3), "DJ-001", representative));

        var records = await Adapter.ReportAsync(result, ApprovalHandling.Followed("不予登记"));

        Assert.Equal(ApprovalRoute.Refused, result.Route);
        Assert.Equal(ExecutionResult.NothingToExecute, records[0].Result);
        Assert.Equal(("legal-representative-restriction", ExecutionResult.Executed, "不予登记"), (records[1].MeasureCode, records[1].Result, records[1].ResultText));
        Assert.Equal(["market-violations"], records[1].Lists);
    }

    [Fact]
    public async Task ReportAsync_Overridden_EveryMeasureOverriddenWithWhoAndWhy()
    {
        var company = Ids.Company(4);
        await _harness.ListAsync(company, "debtors");
        var result = await Adapter.RouteAsync(Application(company));

        var records = await Adapter.ReportAsync(result, ApprovalHandling.Overridden("科长王某", "法院已出具履行完毕证明，待名单更新"));

        Assert.Equal(["no-commitment", "no-tolerant-acceptance", "strict-review"], records.Select(r => r.MeasureCode));
        Assert.All(records, r =>
        {
            Assert.Equal(ExecutionResult.Overridden, r.Result);
            Assert.Equal("科长王某", r.OverriddenBy);
            Assert.Equal("法院已出具履行完毕证明，待名单更新", r.Reason);
        });
    }

    [Fact]
    public async Task ReportAsync_NotFollowed_EveryMeasureNotExecutedWithTheReason()
    {
        var company = Ids.Company(5);
        await _harness.ListAsync(company, "grade-a");
        var result = await Adapter.RouteAsync(Application(company));

        var records = await Adapter.ReportAsync(result, ApprovalHandling.NotFollowed("申请人撤回申请") with { Operator = "窗口07" });

        Assert.NotEmpty(records);
        Assert.All(records, r =>
        {
            Assert.Equal(ExecutionResult.NotExecuted, r.Result);
            Assert.Equal("申请人撤回申请", r.Reason);
            Assert.Equal("窗口07", r.Operator);
        });
    }

    [Fact]
    public void ApprovalHandling_MissingReasonOrWho_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ApprovalHandling.NotFollowed(" "));
        Assert.Throws<ArgumentException>(() => ApprovalHandling.Overridden("", "理由"));
        Assert.Throws<ArgumentException>(() => ApprovalHandling.Overridden("科长", ""));
    }

    [Fact]
    public async Task ReportAsync_AdapterBuiltWithoutFeedback_SaysWhatIsMissing()
    {
        var adapter = new ApprovalAdapter(_harness.Get<ICreditChecker>(), Options.Create(new ApprovalOptions()), [], Options.Create(new CreditCheckOptions()));
        var result = await adapter.RouteAsync(Application(Ids.Company(6)));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await adapter.ReportAsync(result, ApprovalHandling.Followed()));

        Assert.Contains("No ICreditFeedback is registered", error.Message, StringComparison.Ordinal);
    }
}
