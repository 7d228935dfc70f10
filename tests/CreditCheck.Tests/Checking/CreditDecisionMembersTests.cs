using CreditCheck.Catalog;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Checking;

/// <summary>A decision a host makes through the public constructor owns its members: each reads back what was
/// set, and the defaults are empty, not null.</summary>
public sealed class CreditDecisionMembersTests
{
    [Fact]
    public void SeldomSetMembers_ReadBackWhatWasSet()
    {
        var voided = new[] { new AppliedMeasure { Measure = Measure(), TriggeredBy = [], VoidReason = "失信", VoidReasonEnglish = "listed" } };
        var decision = Make(d => new CreditDecision(d.Request)
        {
            CheckId = d.CheckId, ResolvedScenario = d.ResolvedScenario, Outcome = d.Outcome, MatchedEntries = d.MatchedEntries,
            AppliedMeasures = d.AppliedMeasures, UnreadableEntries = d.UnreadableEntries, CatalogVersion = d.CatalogVersion, Sequence = d.Sequence,
            DataAge = d.DataAge, EvaluatedAt = d.EvaluatedAt, Path = d.Path,
            VoidedMeasures = voided,
            PlatformRequestId = "req-1",
            DegradedReason = "the store could not answer",
        });

        Assert.Same(voided, decision.VoidedMeasures);
        Assert.Equal("req-1", decision.PlatformRequestId);
        Assert.Equal("the store could not answer", decision.DegradedReason);
        Assert.True(decision.IsDegraded);
        Assert.Empty(decision.Ratings);
        Assert.Same(decision.Explanation, decision.Explanation);
        Assert.Same(decision.ExplanationEnglish, decision.ExplanationEnglish);
    }

    [Fact]
    public void Unset_AreEmptyOrNull_AndExplanationsStillComposed()
    {
        var decision = Make(d => d);

        Assert.Empty(decision.VoidedMeasures);
        Assert.Empty(decision.Ratings);
        Assert.Null(decision.PlatformRequestId);
        Assert.Null(decision.DegradedReason);
        Assert.False(decision.IsDegraded);
        Assert.False(string.IsNullOrEmpty(decision.Explanation));
        Assert.Contains(decision.ExplanationEnglish, decision.ToString(), StringComparison.Ordinal);
    }

    private static CreditDecision Make(Func<CreditDecision, CreditDecision> rebuild)
    {
        var harness = new CheckerHarness();
        var clean = harness.Checker.CheckAsync(new CheckRequest(Subjects.Alibaba, "procurement")).AsTask().GetAwaiter().GetResult();
        return rebuild(clean);
    }

    private static Measure Measure() => TestCatalog.Create().Measures[0];
}
