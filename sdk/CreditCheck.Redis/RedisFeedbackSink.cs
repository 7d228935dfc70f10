using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Delivers feedback to the stream <c>cc:{ns}:feedback</c>: one <c>XADD</c> per record, a batch sent together
/// (one round trip), on the store's connection. Each entry has the fields <c>key</c> (the
/// idempotency key) and <c>record</c> (the record's JSON). Nothing is trimmed: the platform collects
/// and trims. A batch that fails part-way is retried whole; the consumer drops the repeats by key.
/// With <see cref="RedisStoreOptions.FeedbackReplicas"/> above 0 a batch is acknowledged only once that many
/// replicas confirmed it (<c>WAIT</c> on the primary's connection that carried the appends); until then it throws
/// and the queue keeps the records and retries.
/// </summary>
/// <remarks>Each batch also adds its size to the field <c>feedbackDelivered</c> of <c>cc:{ns}:meta</c>, the durable sign
/// that lets a reader tell a stream that was evicted or deleted from one that never had feedback
/// (<see cref="FeedbackStreamState"/>); the health check asks it (<see cref="CheckAsync"/>) whether Redis may evict the
/// stream or has lost delivered feedback — counting also what it delivered itself since it started, so that Redis losing
/// the namespace (the count with it) shows too. <c>UseRedis</c> registers it; a tool without a container builds it over its store and hands it
/// to <c>new CreditFeedback(options, sink)</c>.</remarks>
/// <param name="store">The store whose connection it writes on.</param>
/// <param name="options">The namespace, <see cref="RedisStoreOptions.OperationTimeout"/> (a batch waits five times it) and
/// <see cref="RedisStoreOptions.FeedbackReplicas"/>.</param>
/// <param name="time">The clock for the timeouts; null for the system clock.</param>
public sealed class RedisFeedbackSink(RedisCreditStore store, RedisStoreOptions options, TimeProvider? time = null) : IFeedbackSink, IFeedbackSinkHealth
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _checking;
    private ReplicatedFeedbackAppend? _replicated;
    private (DateTimeOffset At, string? Risk)? _lastCheck;
    private long _delivered; // by this sink since it started: survives Redis losing meta's count with the stream

    private static readonly RedisValue KeyField = "key";
    private static readonly RedisValue RecordField = "record";

    /// <inheritdoc/>
    public string Name => $"redis namespace '{options.Namespace}'";

    /// <inheritdoc/>
    public async Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
    {
        var timeout = options.OperationTimeout * 5;
        var connection = await store.GetConnectionAsync().WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        if (options.FeedbackReplicas > 0)
        {
            _replicated ??= new ReplicatedFeedbackAppend(options, store.Logger, _time);
            await _replicated.WriteAsync(connection, records, timeout, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _delivered, records.Count);
            await CountAsync(connection.Database.HashIncrementAsync(connection.Keys.Meta, FeedbackStreamState.DeliveredField, records.Count), timeout, cancellationToken).ConfigureAwait(false);
            return;
        }

        var batch = connection.Database.CreateBatch();
        var appends = new Task[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            appends[i] = batch.StreamAddAsync(connection.Keys.Feedback, [new NameValueEntry(KeyField, records[i].Key), new NameValueEntry(RecordField, FeedbackJson.Serialize(records[i]))]);
        }

        var counted = batch.HashIncrementAsync(connection.Keys.Meta, FeedbackStreamState.DeliveredField, records.Count);
        batch.Execute();
        await Task.WhenAll(appends).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _delivered, records.Count);
        await CountAsync(counted, timeout, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The delivered count is a sign for readers, not part of the delivery: a refusal (an ACL without
    /// HINCRBY on meta) does not make the batch fail and be appended again.</summary>
    private async Task CountAsync(Task<long> counted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await counted.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // see above
        }
    }
}
