using CreditCheck.Adapters.Approval;
using CreditCheck.Adapters.Procurement;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Adapters.Tests.Text;

/// <summary>A Redis namespace that holds only some of its catalog's lists: the adapters' "nothing found" names the
/// lists acting here that it does not hold (<see cref="CreditDecision.ListsNotHeld"/>), so a clerk does not read
/// 未发现 as covering a list no one loaded.</summary>
public sealed class ListsNotHeldTextTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string MarketViolations = "“市场监督管理严重违法失信名单”";
    private const string ProcurementViolations = "“政府采购严重违法失信行为记录名单”";

    [Fact]
    public async Task CleanApplicantAndSupplier_InANamespaceHoldingOnlyTheDebtorsList_AreToldWhichListsWereNotCovered()
    {
        await using var harness = await RedisAdapterHarness.CreateAsync(redis.Server);
        await harness.ListAsync(Ids.Company(1, prefix: 6), "debtors");
        var provider = await harness.StartAsync(b => b.AddApprovalAdapter().AddProcurementAdapter());
        var clean = Ids.Company(2, prefix: 6);

        var route = await provider.GetRequiredService<ApprovalAdapter>().RouteAsync(new ApprovalApplication { ApplicationId = "N1", MatterCode = "XK-1", Enterprise = clean });
        var screening = await provider.GetRequiredService<ProcurementAdapter>().ScreenAsync(new ProcurementProject
        {
            ProjectId = "CG-2026-160", Stage = ProcurementStage.BidOpening, Suppliers = [Supplier.Of("示例供应商", clean)],
        });
        var supplier = screening.Suppliers[0];
        var record = supplier.Evidence.ToText();

        Assert.Equal(ApprovalRoute.Standard, route.Route);
        Assert.Contains(route.Decisions[0].Decision.ListsNotHeld, l => l.Code == "market-violations");
        Assert.StartsWith("未发现影响办理的信用记录（未覆盖", route.Reasons[0].Text, StringComparison.Ordinal);
        Assert.Contains(MarketViolations, route.Reasons[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("本系统未载入上述名单数据，如需请另行核查），按一般程序办理", route.Reasons[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("“失信被执行人名单”", route.Reasons[0].Text, StringComparison.Ordinal); // held: not named

        Assert.Equal(SupplierStatus.Eligible, supplier.Status);
        Assert.Contains(ProcurementViolations, supplier.Reasons[0].Text, StringComparison.Ordinal);
        Assert.Contains("查询结论：未发现拒绝参与的信用记录（未覆盖", record, StringComparison.Ordinal);
        Assert.Contains(ProcurementViolations, record, StringComparison.Ordinal);

        // The list imported (empty as it is): the namespace holds it, and the clerk's words no longer name it.
        await harness.WaitForAsync((await harness.Publisher.ImportListAsync("procurement-violations", [], Stores.ImportMode.Replace)).Sequence);
        var after = (await provider.GetRequiredService<ProcurementAdapter>().ScreenAsync(new ProcurementProject
        {
            ProjectId = "CG-2026-161", Stage = ProcurementStage.BidOpening, Suppliers = [Supplier.Of("示例供应商", clean)],
        })).Suppliers[0];

        Assert.DoesNotContain(ProcurementViolations, after.Reasons[0].Text, StringComparison.Ordinal);
    }
    [Fact]
    public async Task UnderTheReviewPolicy_CleanApplicantAndSupplier_AreReviewed_NamingTheListsNotLoaded_NotAsDataUnavailable()
    {
        await using var harness = await RedisAdapterHarness.CreateAsync(redis.Server);
        await harness.ListAsync(Ids.Company(3, prefix: 6), "debtors");
        var provider = await harness.StartAsync(b => b.AddApprovalAdapter().AddProcurementAdapter(), o => o.OnListsNotHeld = ListsNotHeldPolicy.Review);
        var clean = Ids.Company(4, prefix: 6);

        var route = await provider.GetRequiredService<ApprovalAdapter>().RouteAsync(new ApprovalApplication { ApplicationId = "N2", MatterCode = "XK-1", Enterprise = clean });
        var supplier = (await provider.GetRequiredService<ProcurementAdapter>().ScreenAsync(new ProcurementProject
        {
            ProjectId = "CG-2026-162", Stage = ProcurementStage.BidOpening, Suppliers = [Supplier.Of("示例供应商", clean)],
        })).Suppliers[0];

        Assert.NotEqual(ApprovalRoute.Standard, route.Route);
        var reason = Assert.Single(route.Reasons, r => r.Text.Contains("未能全部核查", StringComparison.Ordinal)).Text;
        Assert.Contains($"本系统未载入{MarketViolations}", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("暂时无法读取", reason, StringComparison.Ordinal);
        Assert.True(supplier.RequiresReview);
        Assert.Contains(supplier.Reasons, r => r.Text.StartsWith("示例供应商的信用记录未能全部核查（本系统未载入", StringComparison.Ordinal) && r.Text.Contains(ProcurementViolations, StringComparison.Ordinal));
    }
}
