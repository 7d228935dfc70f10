using CreditCheck.Catalog;
using ServiceHall;

namespace CreditCheck.ServiceHall.Tests;

/// <summary>The 核查结论 of a clean answer as it is known (found by review: an answer from the last known data, the
/// store down, read "无失信记录，可适用便利措施" as if current). No page: the wording alone.</summary>
public sealed class HallTextTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 0, 0, TimeSpan.FromHours(8));

    private static CreditDecision Clean(DecisionOutcome outcome, DecisionPath path, string? degradedReason, TimeSpan age, IReadOnlyList<CreditList>? listsNotHeld = null) =>
        new(new CheckRequest(SubjectId.Parse("91110108MAWUCQ148A", SubjectKind.LegalEntity), "licensing"))
        {
            CheckId = Guid.CreateVersion7(),
            ResolvedScenario = CreditCatalog.Default.Scenarios.First(s => s.Code == "licensing"),
            Outcome = outcome,
            MatchedEntries = [],
            AppliedMeasures = [],
            VoidedMeasures = [],
            UnreadableEntries = [],
            CatalogVersion = "test",
            Sequence = 1,
            DataAge = age,
            EvaluatedAt = At,
            Path = path,
            DegradedReason = degradedReason,
            ListsNotHeld = listsNotHeld ?? [],
        };

    [Fact]
    public void Conclusion_CleanFromTheLastKnownData_SaysAsOfWhen()
    {
        var decision = Clean(DecisionOutcome.Benefit, DecisionPath.LastKnown, "Redis unreachable", TimeSpan.FromMinutes(30));

        Assert.Equal("按最近一次同步的数据（截至2026-12-07 09:30）未发现失信记录，可适用便利措施", HallText.Conclusion(decision));
    }

    [Fact]
    public void Conclusion_ClearFromTheLastKnownData_SaysAsOfWhen()
    {
        var decision = Clean(DecisionOutcome.Clear, DecisionPath.LastKnown, "Redis unreachable", TimeSpan.FromMinutes(30));

        Assert.Equal("按最近一次同步的数据（截至2026-12-07 09:30）未发现影响办理的记录", HallText.Conclusion(decision));
    }

    [Fact]
    public void Conclusion_ClearByThePolicyWithoutACheck_DoesNotSayNothingWasFound()
    {
        var decision = Clean(DecisionOutcome.Clear, DecisionPath.Policy, "Redis down. Policy FailOpen applied.", TimeSpan.Zero);

        Assert.Equal("核查未能完成，按正常程序办理", HallText.Conclusion(decision));
    }

    [Theory]
    [InlineData(DecisionOutcome.Benefit, "已载入的名单中无失信记录，可适用便利措施（未覆盖“经营异常名录”：本系统未载入上述名单数据，如需请另行核查）")]
    [InlineData(DecisionOutcome.Clear, "未发现影响办理的记录（未覆盖“经营异常名录”：本系统未载入上述名单数据，如需请另行核查）")]
    public void Conclusion_CleanFromAStoreNotHoldingAListActingHere_NamesTheListNotCovered(DecisionOutcome outcome, string expected)
    {
        var decision = Clean(outcome, DecisionPath.Store, null, TimeSpan.Zero, [CreditCatalog.Default.FindList("abnormal-operations")!]);

        Assert.Equal(expected, HallText.Conclusion(decision));
    }

    [Fact]
    public void Conclusion_CleanFromCurrentData_NoRecord()
    {
        var decision = Clean(DecisionOutcome.Benefit, DecisionPath.Embedded, null, TimeSpan.Zero);

        Assert.Equal("无失信记录，可适用便利措施", HallText.Conclusion(decision));
    }
}
