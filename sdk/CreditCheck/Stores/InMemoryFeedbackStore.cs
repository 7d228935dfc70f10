namespace CreditCheck.Stores;

/// <summary>
/// Delivered feedback kept in this process: the embedded default's feedback store (registered by
/// <c>UseInMemory</c>), for trials, samples and tests. Each key is kept once (the first delivered).
/// </summary>
/// <remarks>Thread-safe. Bounded: past <see cref="Capacity"/> the oldest records give way, counted in
/// <see cref="Evicted"/>; a platform that must keep every record collects it from Redis. With a data folder
/// (<c>UseInMemory</c> with <see cref="InMemoryStoreOptions.DataDirectory"/>) every record is also appended, and
/// flushed to disk before delivery is acknowledged, to <c>DIR/.creditcheck/feedback.jsonl</c>, which
/// <c>creditcheck --store memory</c> reads and the next start loads again.</remarks>
public sealed class InMemoryFeedbackStore : IFeedbackReader, IFeedbackSink
{
    /// <summary>The file under the state folder that keeps the delivered records, one JSON record per line.</summary>
    public const string FileName = "feedback.jsonl";

    private readonly Lock _lock = new();
    private readonly Queue<FeedbackRecord> _records = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly string? _path;
    private long _evicted;

    /// <summary>A store that keeps its records in <paramref name="path"/> too (one JSON record per line, appended and
    /// flushed as they are delivered), starting from those already there: what <c>UseInMemory</c> with a data folder
    /// registers, and what a tool reads or writes that file with.</summary>
    /// <param name="path">The file; it need not exist yet.</param>
    /// <param name="capacity">How many records it keeps in memory; default 100,000.</param>
    /// <exception cref="InvalidOperationException">A line of the file is not a record (named by file and line).</exception>
    public InMemoryFeedbackStore(string path, int capacity = 100_000)
        : this(capacity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        if (!File.Exists(path))
        {
            return;
        }

        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var record = FeedbackJson.Deserialize(text, out var error)
                ?? throw new InvalidOperationException($"{path}:{line}: not a feedback record ({error}); the feedback kept there cannot be loaded.");
            Keep(record);
        }
    }

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
            var fresh = records.Where(r => !_keys.Contains(r.Key)).DistinctBy(r => r.Key).ToList();
            if (_path is not null && fresh.Count > 0)
            {
                // On disk before acknowledged: a failure here is the delivery's, retried by the queue, and nothing is
                // kept in memory that the file lacks.
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
                using (var writer = new StreamWriter(file, new System.Text.UTF8Encoding(false), leaveOpen: true))
                {
                    foreach (var record in fresh)
                    {
                        writer.Write(FeedbackJson.Serialize(record));
                        writer.Write('\n');
                    }
                }

                file.Flush(flushToDisk: true);
            }

            foreach (var record in fresh)
            {
                Keep(record);
            }
        }

        return Task.CompletedTask;
    }

    private void Keep(FeedbackRecord record)
    {
        if (!_keys.Add(record.Key))
        {
            return;
        }

        _records.Enqueue(record);
        if (_records.Count > Capacity)
        {
            _keys.Remove(_records.Dequeue().Key);
            _evicted++;
        }
    }
}
