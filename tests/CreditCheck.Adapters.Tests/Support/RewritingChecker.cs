namespace CreditCheck.Adapters.Tests.Support;

/// <summary>The real checker, each decision rewritten: e.g. answered from the last known data (<see cref="LastKnown"/>)
/// or with an entry the store could not read (<see cref="WithUnreadable"/>).</summary>
internal sealed class RewritingChecker(ICreditChecker inner, Func<CheckRequest, CreditDecision, CreditDecision> rewrite) : ICreditChecker
{
    /// <summary>How old the last known data is in <see cref="LastKnown"/>: 30 minutes before <see cref="AdapterHarness.Now"/>
    /// (10:00 China Standard Time), so synced at 09:30.</summary>
    public static readonly TimeSpan Age = TimeSpan.FromMinutes(30);

    public async ValueTask<CreditDecision> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default) =>
        rewrite(request, await inner.CheckAsync(request, cancellationToken));

    public async ValueTask<IReadOnlyList<CreditDecision>> CheckManyAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default)
    {
        var decisions = await inner.CheckManyAsync(requests, cancellationToken);
        return requests.Zip(decisions, rewrite).ToList();
    }

    /// <summary>The decision as the checker makes it under <see cref="UnavailablePolicy.LastKnown"/> with the store
    /// down: the same facts, from the last known data, degraded with an English reason.</summary>
    public static CreditDecision LastKnown(CheckRequest request, CreditDecision real) => new(request)
    {
        CheckId = real.CheckId,
        ResolvedScenario = real.ResolvedScenario,
        Outcome = real.Outcome,
        MatchedEntries = real.MatchedEntries,
        AppliedMeasures = real.AppliedMeasures,
        VoidedMeasures = real.VoidedMeasures,
        UnreadableEntries = real.UnreadableEntries,
        CatalogVersion = real.CatalogVersion,
        Sequence = real.Sequence,
        DataAge = Age,
        EvaluatedAt = real.EvaluatedAt,
        Path = DecisionPath.LastKnown,
        DegradedReason = "Redis unreachable for 30 min (RedisConnectionException)",
    };

    /// <summary>The decision as the checker makes it under <see cref="UnavailablePolicy.FailOpen"/> with the store down:
    /// Clear, nothing read, degraded with an English reason.</summary>
    public static CreditDecision FailOpen(CheckRequest request, CreditDecision real) =>
        PolicyApplied(request, real, DecisionOutcome.Clear,
            "Redis could not answer (RedisConnectionException: No connection is active/available to service this operation) Policy FailOpen applied.");

    /// <summary>The decision as the checker makes it when the store cannot answer and a policy decides: nothing read, the
    /// policy's outcome, degraded with <paramref name="reason"/> (<see cref="UnavailableChecker"/> uses it for FailClosed).</summary>
    public static CreditDecision PolicyApplied(CheckRequest request, CreditDecision real, DecisionOutcome outcome, string reason) => new(request)
    {
        CheckId = real.CheckId,
        ResolvedScenario = real.ResolvedScenario,
        Outcome = outcome,
        MatchedEntries = [],
        AppliedMeasures = [],
        VoidedMeasures = [],
        UnreadableEntries = [],
        CatalogVersion = real.CatalogVersion,
        Sequence = real.Sequence,
        DataAge = TimeSpan.Zero,
        EvaluatedAt = real.EvaluatedAt,
        Path = DecisionPath.Policy,
        DegradedReason = reason,
    };

    /// <summary>A rewrite applied to one subject's decisions only (e.g. one consortium member's), the others as made.</summary>
    public static Func<CheckRequest, CreditDecision, CreditDecision> Only(SubjectId subject, Func<CheckRequest, CreditDecision, CreditDecision> rewrite) =>
        (request, real) => request.Subject == subject ? rewrite(request, real) : real;

    /// <summary>The decision with one entry the store could not read, its reason in English as the stores give it.</summary>
    public static CreditDecision WithUnreadable(CheckRequest request, CreditDecision real) => new(request)
    {
        CheckId = real.CheckId,
        ResolvedScenario = real.ResolvedScenario,
        Outcome = DecisionOutcome.Review,
        MatchedEntries = real.MatchedEntries,
        AppliedMeasures = [],
        VoidedMeasures = [],
        UnreadableEntries = [new UnreadableEntry("debtors:d-9", "invalid JSON at byte 3")],
        CatalogVersion = real.CatalogVersion,
        Sequence = real.Sequence,
        DataAge = real.DataAge,
        EvaluatedAt = real.EvaluatedAt,
        Path = real.Path,
    };
}
