using System.Security.Cryptography;
using System.Text;
using CreditCheck.Adapters.Supervision;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CreditCheck.Adapters.Tests.Supervision;

/// <summary>A generated population of 20,000 enterprises: 10% rated A (公共信用综合评价), 10% D, the rest B, and 40 of the A-rated on
/// the 失信被执行人名单; planned on the embedded store with the default catalog.</summary>
public sealed class SupervisionPlannerTests : IAsyncLifetime
{
    private const int Size = 20_000;
    private static readonly InspectionTask Task42 = new() { BaseRatio = 0.1, Seed = 42, TaskReference = "SJ-2026-001" };
    private readonly AdapterHarness _harness = AdapterHarness.Create(b => b.AddSupervisionAdapter(), CreditCatalog.Default);
    private readonly List<SubjectId> _population = [.. Enumerable.Range(0, Size).Select(i => Ids.Company(i, prefix: 3))];

    public async ValueTask InitializeAsync()
    {
        var results = _population.Select((s, i) => new ListRecord(s, new ListEntry
        {
            EntryId = $"r-{i}",
            ListCode = "public-credit-rating",
            SubjectKind = SubjectKind.LegalEntity,
            ValidFrom = AdapterHarness.Now.AddMonths(-2),
            Level = (i % 10) switch { 0 => "A", 1 => "D", _ => "B" },
        }));
        await _harness.Publisher.ImportListAsync("public-credit-rating", results, ImportMode.Replace);
        foreach (var i in Enumerable.Range(0, Size).Where(i => i % 500 == 10))
        {
            await _harness.ListAsync(_population[i], "court-dishonest-debtors");
        }
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private async Task<(InspectionPlan Plan, List<InspectionAssignment> Assignments)> PlanAsync(InspectionTask task, IEnumerable<SubjectId> population, SupervisionPlanner? planner = null)
    {
        var assignments = new List<InspectionAssignment>();
        var plan = await (planner ?? _harness.Get<SupervisionPlanner>()).PlanAsync(task, population.ToAsyncEnumerable(), (a, _) =>
        {
            assignments.Add(a);
            return ValueTask.CompletedTask;
        });
        return (plan, assignments);
    }

    private static HashSet<string> Drawn(List<InspectionAssignment> assignments) => [.. assignments.Where(a => a.Drawn).Select(a => a.Subject.Value)];

    [Fact]
    public async Task Plan_SameSeedAndPopulation_DrawsTheSameSampleInAnyOrderAndBatching()
    {
        var shuffled = _population.OrderBy(s => s.Value.GetHashCode(StringComparison.Ordinal)).ToList();
        var smallBatches = new SupervisionPlanner(
            _harness.Get<ICreditChecker>(), _harness.Get<ICreditStore>(), Options.Create(new SupervisionOptions { BatchSize = 37 }), Options.Create(new CreditCheckOptions()), TimeProvider.System);

        var first = await PlanAsync(Task42, _population);
        var second = await PlanAsync(Task42, shuffled, smallBatches);

        Assert.Equal(Drawn(first.Assignments), Drawn(second.Assignments));
        Assert.Equal(first.Plan.Groups, second.Plan.Groups);
        Assert.Equal(first.Plan.Drawn, Drawn(first.Assignments).Count);
    }

    [Fact]
    public async Task Plan_AnotherSeed_DrawsAnotherSample()
    {
        var first = await PlanAsync(Task42, _population);
        var other = await PlanAsync(Task42 with { Seed = 43 }, _population);

        var a = Drawn(first.Assignments);
        var b = Drawn(other.Assignments);
        Assert.NotEqual(a, b);
        Assert.True(a.Intersect(b).Count() < a.Count / 2, $"{a.Intersect(b).Count()} of {a.Count} drawn by both seeds");
    }

    [Fact]
    public async Task Plan_RatiosByTier_FollowTheCatalogAndTheDrawRatesLieWithinTolerance()
    {
        var (plan, assignments) = await PlanAsync(Task42, _population);

        var groups = plan.Groups.ToDictionary(g => g.Tier);
        Assert.Equal((2_000 - 40, 0.05), (groups[InspectionTier.Reduced].Population, groups[InspectionTier.Reduced].Ratio)); // the listed lose their A's reduction
        Assert.Equal(0.1, groups[InspectionTier.Regular].Ratio);
        Assert.Equal(0.2, groups[InspectionTier.Increased].Ratio, 10);
        Assert.Equal((40, 1.0, 40L), (groups[InspectionTier.Always].Population, groups[InspectionTier.Always].Ratio, groups[InspectionTier.Always].Drawn));
        foreach (var group in plan.Groups.Where(g => g.Tier != InspectionTier.Always))
        {
            var expected = group.Population * group.Ratio;
            var sigma = Math.Sqrt(expected * (1 - group.Ratio));
            Assert.InRange(group.Drawn, expected - (5 * sigma), expected + (5 * sigma));
        }

        Assert.Equal(Size, plan.Population);
        Assert.Equal(plan.Groups.Sum(g => g.Drawn), plan.Drawn);
        Assert.Equal("2026.12.7", plan.CatalogVersion);
        Assert.Contains("国办发〔2019〕35号", plan.RatioBasis, StringComparison.Ordinal);
        Assert.All(assignments, a => Assert.Equal(a.Draw < a.Ratio, a.Drawn));
    }

    [Fact]
    public async Task Plan_EverySubject_CarriesItsReasonWithTheMeasureAndBasisThatSetIt()
    {
        var (_, assignments) = await PlanAsync(Task42, _population);

        var listed = assignments[10];
        Assert.Equal((InspectionTier.Always, true), (listed.Tier, listed.Drawn));
        Assert.Contains("失信被执行人名单", listed.Reason, StringComparison.Ordinal);
        var top = assignments[20];
        Assert.Equal(InspectionTier.Reduced, top.Tier);
        Assert.Equal("降低抽查比例和频次：公共信用综合评价A级（信用较好）（国办发〔2019〕35号（对信用较好、风险较低的市场主体，可合理降低抽查比例和频次）；“双随机、一公开”监管相关规定）", top.Reason);
        Assert.Equal(["public-credit-rating:A"], top.Ratings);
        var low = assignments[11];
        Assert.Equal(InspectionTier.Increased, low.Tier);
        Assert.StartsWith("纳入重点监管，提高抽查比例和频次：公共信用综合评价D级", low.Reason, StringComparison.Ordinal);
        Assert.Equal("常规抽查（公共信用综合评价B级）", assignments[12].Reason);
        Assert.All(assignments, a => Assert.NotEqual(Guid.Empty, a.CheckId));
    }

    [Fact]
    public async Task Plan_SubjectGivenTwice_IsPlannedOnceAndCounted()
    {
        var (plan, assignments) = await PlanAsync(Task42, _population.Take(100).Concat(_population.Take(3)));

        Assert.Equal((100, 3), (plan.Population, plan.Duplicates));
        Assert.Equal(100, assignments.Count);
    }

    [Fact]
    public void DrawValue_IsTheDocumentedSha256FractionAnyoneCanRecompute()
    {
        var subject = Ids.Company(5, prefix: 3);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"42:{subject.Value}"));
        var expected = (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) / (double)(1UL << 53);

        Assert.Equal(expected, SupervisionPlanner.DrawValue(42, subject));
        Assert.InRange(SupervisionPlanner.DrawValue(42, subject), 0, 1);
    }

    [Fact]
    public async Task Plan_BaseRatioOutOfRange_IsRefusedNamingIt()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PlanAsync(Task42 with { BaseRatio = 1.5 }, _population.Take(1)));

        Assert.Contains("1.5", error.Message, StringComparison.Ordinal);
    }
}
