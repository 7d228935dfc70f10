namespace CreditCheck;

/// <summary>Where delivered feedback goes: the store's side of feedback (in memory, a Redis stream).
/// Called by one delivery loop at a time.</summary>
internal interface IFeedbackSink
{
    /// <summary>Names the destination in logs and errors, e.g. "redis namespace 'zhejiang'".</summary>
    string Name { get; }

    /// <summary>Writes a batch. Throws when the store cannot take it; the batch is then retried whole,
    /// so a store may see a record more than once (always with the same key).</summary>
    Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken);
}

/// <summary>The sink registered when no store was chosen: every delivery fails and says what is missing.</summary>
internal sealed class MissingFeedbackSink : IFeedbackSink
{
    public string Name => "no store";

    public Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken) =>
        Task.FromException(new InvalidOperationException(
            "Feedback has nowhere to go: call .UseInMemory(...) or .UseRedis(...) on the builder that AddCreditCheck returns."));
}
