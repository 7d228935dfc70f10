using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Delivers feedback to the stream <c>cc:{ns}:feedback</c>, each key once per namespace, whichever host delivers it: a
/// batch is one script (one round trip, on the store's connection) that appends each record whose key the namespace does
/// not hold yet and indexes it in <c>cc:{ns}:feedback:keys</c> (<see cref="FeedbackKeyIndex"/>). Each entry has the
/// fields <c>key</c> (the idempotency key) and <c>record</c> (the record's JSON). Nothing is trimmed: the platform
/// collects and trims. A batch that fails part-way is retried whole; what it appended is held, not appended again.
/// With <see cref="RedisStoreOptions.FeedbackReplicas"/> above 0 a batch is acknowledged only once that many
/// replicas confirmed it (<c>WAIT</c> on the primary's connection that ran the script); until then it throws
/// and the queue keeps the records and retries.
/// </summary>
/// <remarks>As an <see cref="IKeyedFeedbackSink"/> it also says, while a report waits, which records the namespace
/// already holds under the report's keys (one read-only script), so that a measure reported again through another host
/// is answered with the record first stored. Each batch also adds the number it appended to the field
/// <c>feedbackDelivered</c> of <c>cc:{ns}:meta</c>, the durable sign
/// that lets a reader tell a stream that was evicted or deleted from one that never had feedback
/// (<see cref="FeedbackStreamState"/>); the health check asks it (<see cref="CheckAsync"/>) whether Redis may evict the
/// stream or has lost delivered feedback — counting also what it delivered itself since it started, so that Redis losing
/// the namespace (the count with it) shows too. <c>UseRedis</c> registers it; a tool without a container builds it over its store and hands it
/// to <c>new CreditFeedback(options, sink)</c>.</remarks>
/// <param name="store">The store whose connection it writes on.</param>
/// <param name="options">The namespace, <see cref="RedisStoreOptions.OperationTimeout"/> (a batch waits five times it, a
/// lookup once) and <see cref="RedisStoreOptions.FeedbackReplicas"/>.</param>
/// <param name="time">The clock for the timeouts; null for the system clock.</param>
public sealed class RedisFeedbackSink(RedisCreditStore store, RedisStoreOptions options, TimeProvider? time = null) : IFeedbackSink, IKeyedFeedbackSink, IFeedbackSinkHealth
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _checking;
    private ReplicatedFeedbackAppend? _replicated;
    private (DateTimeOffset At, string? Risk)? _lastCheck;
    private readonly WarningThrottle _unindexedWarning = new(time ?? TimeProvider.System, TimeSpan.FromMinutes(10));
    private long _delivered; // appended by this sink since it started: survives Redis losing meta's count with the stream

    /// <inheritdoc/>
    public string Name => $"redis namespace '{options.Namespace}'";

    /// <inheritdoc/>
    public Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken) =>
        ((IKeyedFeedbackSink)this).WriteOnceAsync(records, cancellationToken);

    /// <inheritdoc/>
    async Task<IReadOnlyList<FeedbackRecord?>> IKeyedFeedbackSink.WriteOnceAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
    {
        var timeout = options.OperationTimeout * 5;
        var connection = await store.GetConnectionAsync().WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        FeedbackRecord?[] kept;
        int appended;
        bool unindexed;
        if (options.FeedbackReplicas > 0)
        {
            _replicated ??= new ReplicatedFeedbackAppend(options, store.Logger, _time);
            (kept, appended, unindexed) = await _replicated.WriteAsync(connection, records, timeout, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var arguments = FeedbackKeyIndex.AppendArguments(records, out var json);
            var reply = await connection.EvaluateAsync(FeedbackKeyIndex.Append, FeedbackKeyIndex.AppendKeys(connection.Keys), arguments)
                .WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            bool[] appendedNow;
            (kept, appendedNow, _, unindexed) = FeedbackKeyIndex.ReadAppend(reply, records, json);
            appended = appendedNow.Count(a => a);
        }

        if (unindexed && _unindexedWarning.ShouldWarn("unindexed", out _))
        {
            Log.FeedbackNotIndexed(store.Logger, options.Namespace, connection.Keys.FeedbackKeys);
        }

        Interlocked.Add(ref _delivered, appended);
        return kept;
    }

    /// <inheritdoc/>
    /// <remarks>One read-only script on the namespace's primary, waited for at most
    /// <see cref="RedisStoreOptions.OperationTimeout"/>.</remarks>
    async ValueTask<IReadOnlyList<FeedbackRecord?>> IKeyedFeedbackSink.FindAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var started = _time.GetTimestamp();
        var connection = await store.GetConnectionAsync().WaitAsync(options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        var left = options.OperationTimeout - _time.GetElapsedTime(started);
        var reply = await connection.EvaluateAsync(FeedbackKeyIndex.Find, [connection.Keys.Feedback, connection.Keys.FeedbackKeys], [.. keys.Select(k => (RedisValue)k)])
            .WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), _time, cancellationToken).ConfigureAwait(false);
        return FeedbackKeyIndex.ReadFind(reply, keys);
    }

    /// <inheritdoc/>
    /// <remarks>Asks Redis at most every 30 s (<see cref="FeedbackStreamState"/>); in between, and while Redis
    /// cannot answer, the last answer.</remarks>
    public async ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_lastCheck is { } last && now - last.At < CheckInterval)
        {
            return last.Risk;
        }

        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return _lastCheck?.Risk;
        }

        try
        {
            var connection = await store.GetConnectionAsync().WaitAsync(options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
            var state = await FeedbackStreamState.ReadAsync(connection, options.OperationTimeout, cancellationToken, Interlocked.Read(ref _delivered)).ConfigureAwait(false);
            var risk = state.AtRisk ? string.Join("; ", state.Warnings) : null;
            _lastCheck = (now, risk);
            return risk;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Redis unreachable or the check refused: the store's own health says what is wrong with Redis; a health
            // check never fails over this. Keep the last answer.
            return _lastCheck?.Risk;
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }
}
