using System.Text.Json;
using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Procurement;

/// <summary>A check that could not be made on current data (<see cref="CreditDecision.IsDegraded"/>) keeps the supplier
/// eligible but flagged, whatever the policy answered, and the kept query record (财库〔2016〕125号) says a person must
/// check (found from outside: a FailOpen or last-known Clear was eligible with no review, its record under "说明：").</summary>
public sealed class ProcurementDegradedTests : IAsyncDisposable
{
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddProcurementAdapter());

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static ProcurementProject Project(params Supplier[] suppliers) => new()
    {
        ProjectId = "CG-2026-191", Stage = ProcurementStage.BidOpening, Suppliers = suppliers,
    };

    private ProcurementAdapter Adapter(Func<CheckRequest, CreditDecision, CreditDecision> rewrite) => new(
        new RewritingChecker(_harness.Get<ICreditChecker>(), rewrite), Options.Create(new ProcurementOptions()), Options.Create(new CreditCheckOptions()), _harness.Time);

    [Fact]
    public async Task ScreenAsync_StoreUnavailableUnderFailOpen_EligibleRequiresReviewAndTheRecordSaysSo()
    {
        var supplier = (await Adapter(RewritingChecker.FailOpen).ScreenAsync(Project(Supplier.Of("示例供应商", Ids.Company(911))))).Suppliers[0];
        var text = supplier.Evidence.ToText().ReplaceLineEndings("\n");

        Assert.Equal(DecisionOutcome.Clear, supplier.Checks[0].Decision.Outcome);
        Assert.Equal(SupplierStatus.Eligible, supplier.Status);
        Assert.True(supplier.RequiresReview);
        Assert.Equal("示例供应商的信用记录未能按最新数据查询（名单数据暂时无法读取），需人工核查后再定", supplier.Reasons[0].Text);
        Assert.Contains("查询结论：可参与，需人工核查\n", text, StringComparison.Ordinal);
        Assert.Contains("\n需人工核查的事项：\n  1. 示例供应商的信用记录未能按最新数据查询", text, StringComparison.Ordinal);
        Assert.DoesNotContain("说明：", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(supplier.Evidence.ToJson());
        Assert.True(json.RootElement.GetProperty("requiresReview").GetBoolean());
        Assert.Equal("可参与，需人工核查", json.RootElement.GetProperty("conclusion").GetString());
    }

    [Fact]
    public async Task ScreenAsync_SupplierByOrganizationCodeUnderFailOpen_RequiresReview()
    {
        // The real engine: an older code that finds nothing is a degraded Clear under FailOpen.
        await using var harness = AdapterHarness.Create(b => b.AddProcurementAdapter(), checkOptions: o => o.OnUnavailable = UnavailablePolicy.FailOpen);
        var code = Ids.Company(912).EmbeddedOrganizationCode!.Value;

        var supplier = (await harness.Get<ProcurementAdapter>().ScreenAsync(Project(Supplier.Of("示例供应商", code)))).Suppliers[0];

        Assert.Equal((DecisionOutcome.Clear, true), (supplier.Checks[0].Decision.Outcome, supplier.Checks[0].Decision.IsDegraded));
        Assert.Equal((SupplierStatus.Eligible, true), (supplier.Status, supplier.RequiresReview));
    }

    [Fact]
    public async Task ScreenAsync_CleanSupplierFromTheLastKnownData_RequiresReviewAndSaysWhatTheLastKnownDataShowed()
    {
        var screening = await Adapter(RewritingChecker.LastKnown).ScreenAsync(Project(Supplier.Of("示例供应商", Ids.Company(913))));
        var supplier = screening.Suppliers[0];

        Assert.Equal((SupplierStatus.Eligible, true), (supplier.Status, supplier.RequiresReview));
        Assert.Equal("示例供应商的信用记录未能按最新数据查询（名单数据未能更新，按最近一次同步的数据（截至2026-11-22 09:30）核查），需人工核查后再定", supplier.Reasons[0].Text);
        Assert.Equal("按最近一次同步的数据（截至2026-11-22 09:30）未发现拒绝参与政府采购活动的信用记录", supplier.Reasons[1].Text);
        Assert.Contains("查询结论：可参与，需人工核查", supplier.Evidence.ToText(), StringComparison.Ordinal);
        Assert.Contains("其中需人工核查 1 家", screening.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenAsync_DebtorFromTheLastKnownData_StillExcluded()
    {
        var debtor = Ids.Company(914);
        await _harness.ListAsync(debtor, "debtors");

        var supplier = (await Adapter(RewritingChecker.LastKnown).ScreenAsync(Project(Supplier.Of("示例供应商", debtor)))).Suppliers[0];

        Assert.Equal((SupplierStatus.Excluded, false), (supplier.Status, supplier.RequiresReview));
    }

    [Fact]
    public async Task ScreenAsync_ConsortiumWithOneMemberUnread_RequiresReviewNamingThatMember()
    {
        var member = Ids.Company(916);
        var consortium = Supplier.Consortium("示例联合体", [new SupplierMember("示例牵头公司", Ids.Company(915)), new SupplierMember("示例成员公司", member)]);

        var supplier = (await Adapter(RewritingChecker.Only(member, RewritingChecker.FailOpen)).ScreenAsync(Project(consortium))).Suppliers[0];

        Assert.Equal((SupplierStatus.Eligible, true), (supplier.Status, supplier.RequiresReview));
        Assert.Equal("示例成员公司的信用记录未能按最新数据查询（名单数据暂时无法读取），需人工核查后再定", supplier.Reasons[0].Text);
        Assert.DoesNotContain(supplier.Reasons, r => r.Text.Contains("均未发现", StringComparison.Ordinal));
    }
}
