namespace CreditCheck.Adapters.Tests.Support;

/// <summary>The real checker's scenario and ids, answered as the checker answers when the store cannot: Review,
/// degraded, with the English reason a Redis outage gives (exception text and all).</summary>
internal sealed class UnavailableChecker(ICreditChecker inner) : ICreditChecker
{
    public const string Reason = "Redis could not answer (RedisConnectionException: No connection is active/available to service this operation: HMGET cc:samples:s:1; IOCP: (Busy=0,Free=1000,Min=2,Max=1000)) Policy FailClosed applied.";

    /// <summary>Asserts a text for a clerk says nothing in English (no Latin letter at all).</summary>
    public static void AssertChineseOnly(string text) => Assert.DoesNotMatch("[A-Za-z]", text);

    public async ValueTask<CreditDecision> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default) =>
        Degrade(request, await inner.CheckAsync(request, cancellationToken));

    public async ValueTask<IReadOnlyList<CreditDecision>> CheckManyAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default)
    {
        var decisions = await inner.CheckManyAsync(requests, cancellationToken);
        return requests.Zip(decisions, Degrade).ToList();
    }

    private static CreditDecision Degrade(CheckRequest request, CreditDecision real) => new(request)
    {
        CheckId = real.CheckId,
        ResolvedScenario = real.ResolvedScenario,
        Outcome = DecisionOutcome.Review,
        MatchedEntries = [],
        AppliedMeasures = [],
        VoidedMeasures = [],
        UnreadableEntries = [],
        CatalogVersion = real.CatalogVersion,
        Sequence = real.Sequence,
        DataAge = TimeSpan.Zero,
        EvaluatedAt = real.EvaluatedAt,
        Path = DecisionPath.Policy,
        DegradedReason = Reason,
    };
}
