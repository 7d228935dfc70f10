namespace CreditCheck.Stores;

/// <summary>Reads delivered feedback back, for statistics and reports (the operator tool's
/// <c>feedback export</c> and <c>report</c>).</summary>
public interface IFeedbackReader
{
    /// <summary>The records executed in <c>[since, until)</c> (by <see cref="FeedbackRecord.ExecutedAt"/>),
    /// each <see cref="FeedbackRecord.Key"/> once (the first delivered), in delivery order.</summary>
    /// <param name="since">Inclusive start.</param>
    /// <param name="until">Exclusive end.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <returns>The records, streamed.</returns>
    IAsyncEnumerable<FeedbackRecord> ReadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);
}
