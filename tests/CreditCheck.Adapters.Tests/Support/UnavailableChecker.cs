namespace CreditCheck.Adapters.Tests.Support;

/// <summary>The real checker's scenario and ids, answered as the checker answers when the store cannot: Review,
/// degraded, with the English reason a Redis outage gives (exception text and all).</summary>
internal sealed class UnavailableChecker(ICreditChecker inner) : ICreditChecker
{
    public const string Reason = "Redis could not answer (RedisConnectionException: No connection is active/available to service this operation: HMGET cc:samples:s:1; IOCP: (Busy=0,Free=1000,Min=2,Max=1000)) Policy FailClosed applied.";

    /// <summary>Asserts a text for a clerk says nothing in English (no Latin letter at all).</summary>
    public static void AssertChineseOnly(string text) => Assert.DoesNotMatch("[A-Za-z]", text);

    private readonly RewritingChecker _checker = new(inner, (request, real) => RewritingChecker.PolicyApplied(request, real, DecisionOutcome.Review, Reason));

    public ValueTask<CreditDecision> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default) =>
        _checker.CheckAsync(request, cancellationToken);

    public ValueTask<IReadOnlyList<CreditDecision>> CheckManyAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default) =>
        _checker.CheckManyAsync(requests, cancellationToken);
}
