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
public sealed class InMemoryFeedbackStore : IFeedbackReader, IFeedbackSink, IKeyedFeedbackSink
{
    /// <summary>The file under the state folder that keeps the delivered records, one JSON record per line.</summary>
    public const string FileName = "feedback.jsonl";

    private readonly Lock _lock = new();
    private readonly Queue<FeedbackRecord> _records = new();
    private readonly Dictionary<string, FeedbackRecord> _keys = new(StringComparer.Ordinal);
    private readonly string? _path;
    private long _evicted;

    /// <summary>A store that keeps its records in <paramref name="path"/> too (one JSON record per line, appended and
    /// flushed as they are delivered), starting from those already there: what <c>UseInMemory</c> with a data folder
    /// registers, and what a tool reads or writes that file with.</summary>
    /// <remarks>A damaged file does not stop the start (found from outside: one torn line kept the service from
    /// serving any check): a last line cut short by a crash mid-append — a write never acknowledged, which the
    /// feedback queue delivers again — is cut off, and any other line that is not a record is passed over and left
    /// in the file as it is. Both are named in <see cref="LoadProblems"/>.</remarks>
    /// <param name="path">The file; it need not exist yet.</param>
    /// <param name="capacity">How many records it keeps in memory; default 100,000.</param>
    public InMemoryFeedbackStore(string path, int capacity = 100_000)
        : this(capacity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        if (!File.Exists(path))
        {
            return;
        }

        var problems = new List<string>();
        CutTornLastLine(path, problems);
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (FeedbackJson.Deserialize(text, out var error) is { } record)
            {
                Keep(record);
            }
            else
            {
                problems.Add($"{path}:{line}: not a feedback record ({error}); passed over and left in the file");
            }
        }

        LoadProblems = problems;
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

    /// <summary>What was wrong with the file when it was loaded (each naming the file and line), or empty.</summary>
    public IReadOnlyList<string> LoadProblems { get; } = [];

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
        Write(records);
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<FeedbackRecord?>> IKeyedFeedbackSink.WriteOnceAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FeedbackRecord?>>(Write(records));

    ValueTask<IReadOnlyList<FeedbackRecord?>> IKeyedFeedbackSink.FindAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<FeedbackRecord?>>([.. keys.Select(k => _keys.GetValueOrDefault(k))]);
        }
    }

    /// <summary>Keeps the records whose keys it does not hold; per record, null when it holds that record now, else the
    /// other record it kept under the key.</summary>
    private FeedbackRecord?[] Write(IReadOnlyList<FeedbackRecord> records)
    {
        lock (_lock)
        {
            var fresh = records.Where(r => !_keys.ContainsKey(r.Key)).DistinctBy(r => r.Key).ToList();
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

            // The same record again (a retry of a delivered batch) is held, not another's.
            return [.. records.Select(r => _keys.GetValueOrDefault(r.Key) is { } held && !ReferenceEquals(held, r) && FeedbackJson.Serialize(held) != FeedbackJson.Serialize(r) ? held : null)];
        }
    }

    private void Keep(FeedbackRecord record)
    {
        if (!_keys.TryAdd(record.Key, record))
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

    /// <summary>Cuts off a last line without its line break that is not a record (a crash mid-append); a whole record
    /// that lacks only the line break gets one, so that the next append does not run into it.</summary>
    private static void CutTornLastLine(string path, List<string> problems)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        if (file.Length == 0)
        {
            return;
        }

        file.Seek(-1, SeekOrigin.End);
        if (file.ReadByte() == '\n')
        {
            return;
        }

        // The start of the last line: after the last line break, read backwards in pieces.
        var start = 0L;
        var piece = new byte[4096];
        for (var end = file.Length; end > 0 && start == 0;)
        {
            var from = Math.Max(0, end - piece.Length);
            file.Seek(from, SeekOrigin.Begin);
            file.ReadExactly(piece, 0, (int)(end - from));
            var at = Array.LastIndexOf(piece, (byte)'\n', (int)(end - from) - 1, (int)(end - from));
            start = at >= 0 ? from + at + 1 : 0;
            end = at >= 0 ? 0 : from;
        }

        var tail = new byte[file.Length - start];
        file.Seek(start, SeekOrigin.Begin);
        file.ReadExactly(tail);
        if (FeedbackJson.Deserialize(System.Text.Encoding.UTF8.GetString(tail), out _) is not null)
        {
            file.Seek(0, SeekOrigin.End);
            file.WriteByte((byte)'\n');
        }
        else
        {
            file.SetLength(start);
            problems.Add($"{path}: its last line ({tail.Length} bytes, without a line break) was cut short, as by a crash while it was written; cut off (its delivery was never acknowledged)");
        }

        file.Flush(flushToDisk: true);
    }
}
