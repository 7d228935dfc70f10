using CreditCheck.Adapters.Supervision;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Supervision;

/// <summary>The plan's reasons (plan.csv's reason column) in Chinese only (found by review: a degraded check put the
/// English DegradedReason there, an unreadable entry its English reason).</summary>
public sealed class SupervisionClerkTextTests : IAsyncDisposable
{
    private static readonly InspectionTask Task = new() { BaseRatio = 0.1, Seed = 7, TaskReference = "SJ-2026-009" };
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddSupervisionAdapter(), CreditCatalog.Default);

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private async Task<InspectionAssignment> PlanOneAsync(ICreditChecker checker)
    {
        var planner = new SupervisionPlanner(checker, _harness.Get<ICreditStore>(), Options.Create(new SupervisionOptions()), Options.Create(new CreditCheckOptions()), _harness.Time);
        var assignments = new List<InspectionAssignment>();
        await planner.PlanAsync(Task, new[] { Ids.Company(71) }.ToAsyncEnumerable(), (a, _) =>
        {
            assignments.Add(a);
            return ValueTask.CompletedTask;
        });
        return Assert.Single(assignments);
    }

    [Fact]
    public async Task Plan_StoreUnavailable_ReasonInChinese()
    {
        var assignment = await PlanOneAsync(new UnavailableChecker(_harness.Get<ICreditChecker>()));

        Assert.Equal(InspectionTier.Increased, assignment.Tier);
        Assert.Equal("信用数据无法完整读取（名单数据暂时无法读取），按提高抽查处理，待人工核实", assignment.Reason);
        UnavailableChecker.AssertChineseOnly(assignment.Reason);
    }

    [Fact]
    public async Task Plan_LastKnownData_ReasonSaysAsOfWhenInChinese()
    {
        var assignment = await PlanOneAsync(new RewritingChecker(_harness.Get<ICreditChecker>(), RewritingChecker.LastKnown));

        Assert.Equal("信用数据无法完整读取（名单数据未能更新，按最近一次同步的数据（截至2026-11-22 09:30）核查），按提高抽查处理，待人工核实", assignment.Reason);
    }

    [Fact]
    public async Task Plan_UnreadableEntry_ReasonInChinese()
    {
        var assignment = await PlanOneAsync(new RewritingChecker(_harness.Get<ICreditChecker>(), RewritingChecker.WithUnreadable));

        Assert.Equal("信用数据无法完整读取（1条名单记录无法读取），按提高抽查处理，待人工核实", assignment.Reason);
    }
}
