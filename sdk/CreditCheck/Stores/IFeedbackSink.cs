namespace CreditCheck.Stores;

/// <summary>Where delivered feedback goes: the store's side of feedback (in memory, a Redis stream, a
/// platform). <see cref="CreditFeedback"/> calls it from one delivery loop at a time; a store registers
/// its sink as <c>IFeedbackSink</c> in the container.</summary>
public interface IFeedbackSink
{
    /// <summary>Names the destination in logs and errors, e.g. "redis namespace 'zhejiang'".</summary>
    string Name { get; }

    /// <summary>Writes a batch. Throws when the store cannot take it; the batch is then retried whole,
    /// so a store may see a record more than once (always with the same <see cref="FeedbackRecord.Key"/>):
    /// a sink stores by key or its reader drops repeats.</summary>
    /// <param name="records">The records, in the order they were acknowledged.</param>
    /// <param name="cancellationToken">Cancels the write; the batch is then retried.</param>
    /// <returns>Completes once the store holds every record.</returns>
    Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken);
}

/// <summary>The sink registered when no store was chosen: every delivery fails and says what is missing.</summary>
internal sealed class MissingFeedbackSink : IFeedbackSink
{
    public string Name => "no store";

    public Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken) => Task.FromException(Refusal());

    /// <summary>Why feedback is refused (<c>ReportAsync</c> throws it: nothing is acknowledged).</summary>
    public static InvalidOperationException Refusal() => new(
        "Feedback has nowhere to go: call .UseInMemory(...) or .UseRedis(...) on the builder that AddCreditCheck returns "
        + "(with UsePlatform, .UseRedis(...) for the department's namespace and .AddFeedbackForwarding(...) to carry it to the platform); nothing was acknowledged.");
}

/// <summary>Implemented by a feedback sink that keeps each key once and that several processes may deliver to (a Redis
/// namespace behind hosts on a load balancer): <see cref="CreditFeedback"/> then asks it, when a report comes, what it
/// already holds under the report's keys, and delivers through <see cref="WriteOnceAsync"/>, so that a measure reported
/// again through another process is answered with the record first stored and is not stored twice.</summary>
public interface IKeyedFeedbackSink
{
    /// <summary>The records held under the keys (the first stored of each). Called while a report waits: answer within
    /// the store's own timeout; a failure does not refuse the report (it is accepted, and <see cref="WriteOnceAsync"/>
    /// keeps the first of its keys when it is delivered).</summary>
    /// <param name="keys">Idempotency keys (<see cref="FeedbackRecord.Key"/>).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>One item per key, in order: the record held, or null.</returns>
    ValueTask<IReadOnlyList<FeedbackRecord?>> FindAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Writes a batch as <see cref="IFeedbackSink.WriteAsync"/> does, storing each record only when nothing is
    /// held under its key yet — checked and stored in one atomic step, so that two processes delivering one key at once
    /// store it once. Retried whole when it throws, like <see cref="IFeedbackSink.WriteAsync"/>.</summary>
    /// <param name="records">The records, in the order they were acknowledged.</param>
    /// <param name="cancellationToken">Cancels the write; the batch is then retried.</param>
    /// <returns>One item per record, in order: null when the store holds that record (stored now, or by an earlier
    /// attempt of this batch); otherwise the other record it held under the key, which it kept.</returns>
    Task<IReadOnlyList<FeedbackRecord?>> WriteOnceAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken);
}
