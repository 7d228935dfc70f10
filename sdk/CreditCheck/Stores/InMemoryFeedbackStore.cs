namespace CreditCheck.Stores;

/// <summary>
/// Delivered feedback kept in this process: the embedded default's feedback store (registered by
/// <c>UseInMemory</c>), for trials, samples and tests. Each key is kept once (the first delivered).
/// </summary>
/// <remarks>Thread-safe. Bounded: past <see cref="Capacity"/> the oldest records give way, counted in
/// <see cref="Evicted"/>; a platform that must keep every record collects it from Redis.</remarks>
public sealed class InMemoryFeedbackStore : IFeedbackReader, IFeedbackSink
{
    private readonly Lock _lock = new();
    private readonly Queue<FeedbackRecord> _records = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private long _evicted;

    /// <summary>Creates an empty store.</summary>
    /// <param name="capacity">How many records it keeps; default 100,000.</param>
    public InMemoryFeedbackStore(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>How many records it keeps at most.</summary>
    public int Capacity { get; }

    /// <summary>How many records it holds.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>How many of the oldest records gave way to newer ones.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    string IFeedbackSink.Name => "the in-memory feedback store";

    /// <summary>Every record held, in delivery order.</summary>
    public IReadOnlyList<FeedbackRecord> Snapshot()
    {
        lock (_lock)
        {
            return [.. _records];
        }
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<FeedbackRecord> ReadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        Snapshot().Where(r => r.ExecutedAt >= since && r.ExecutedAt < until).ToAsyncEnumerable();

    Task IFeedbackSink.WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var record in records)
            {
                if (!_keys.Add(record.Key))
                {
                    continue;
                }

                _records.Enqueue(record);
                if (_records.Count > Capacity)
                {
                    _keys.Remove(_records.Dequeue().Key);
                    _evicted++;
                }
            }
        }

        return Task.CompletedTask;
    }
}
