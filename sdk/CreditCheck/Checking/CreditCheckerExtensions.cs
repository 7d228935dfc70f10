namespace CreditCheck;

/// <summary>Conveniences over <see cref="ICreditChecker"/>.</summary>
public static class CreditCheckerExtensions
{
    /// <summary>Checks any number of requests in batches of at most <paramref name="batchSize"/> (use
    /// <see cref="CreditCheckOptions.MaxBatchSize"/>): one <see cref="ICreditChecker.CheckManyAsync"/> call
    /// each, decisions in request order.</summary>
    /// <param name="checker">The checker.</param>
    /// <param name="requests">The requests; any number.</param>
    /// <param name="batchSize">The most requests per call; at least 1.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>One decision per request, in order.</returns>
    public static async ValueTask<IReadOnlyList<CreditDecision>> CheckInBatchesAsync(
        this ICreditChecker checker, IReadOnlyList<CheckRequest> requests, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (requests.Count <= batchSize)
        {
            return await checker.CheckManyAsync(requests, cancellationToken).ConfigureAwait(false);
        }

        var decisions = new List<CreditDecision>(requests.Count);
        for (var start = 0; start < requests.Count; start += batchSize)
        {
            var chunk = requests.Skip(start).Take(batchSize).ToArray();
            decisions.AddRange(await checker.CheckManyAsync(chunk, cancellationToken).ConfigureAwait(false));
        }

        return decisions;
    }
}
