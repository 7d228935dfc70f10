namespace CreditCheck.Adapters.Tests.Support;

/// <summary>The real checker, counting the calls an adapter makes (to prove it batches).</summary>
internal sealed class CountingChecker(ICreditChecker inner) : ICreditChecker
{
    public int SingleCalls { get; private set; }

    public List<int> BatchSizes { get; } = [];

    public ValueTask<CreditDecision> CheckAsync(CheckRequest request, CancellationToken cancellationToken = default)
    {
        SingleCalls++;
        return inner.CheckAsync(request, cancellationToken);
    }

    public ValueTask<IReadOnlyList<CreditDecision>> CheckManyAsync(IReadOnlyList<CheckRequest> requests, CancellationToken cancellationToken = default)
    {
        BatchSizes.Add(requests.Count);
        return inner.CheckManyAsync(requests, cancellationToken);
    }
}
