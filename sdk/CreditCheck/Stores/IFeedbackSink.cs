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

/// <summary>A sink that can say which record it holds under a key (the first delivered), so that a repeated report
/// is answered with what was recorded even after the process that recorded it has gone.</summary>
internal interface IFeedbackRecordLookup
{
    /// <summary>The record held under the key, or null.</summary>
    FeedbackRecord? Find(string key);
}
