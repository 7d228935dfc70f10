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
/// <remarks><c>UseRedis</c> registers it; a tool without a container builds it over its store and hands it
/// to <c>new CreditFeedback(options, sink)</c>.</remarks>
/// <param name="store">The store whose connection it writes on.</param>
/// <param name="options">The namespace, <see cref="RedisStoreOptions.OperationTimeout"/> (a batch waits five times it) and
/// <see cref="RedisStoreOptions.FeedbackReplicas"/>.</param>
/// <param name="time">The clock for the timeouts; null for the system clock.</param>
public sealed class RedisFeedbackSink(RedisCreditStore store, RedisStoreOptions options, TimeProvider? time = null) : IFeedbackSink
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private ReplicatedFeedbackAppend? _replicated;

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
            return;
        }

        var batch = connection.Database.CreateBatch();
        var appends = new Task[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            appends[i] = batch.StreamAddAsync(connection.Keys.Feedback, [new NameValueEntry(KeyField, records[i].Key), new NameValueEntry(RecordField, FeedbackJson.Serialize(records[i]))]);
        }

        batch.Execute();
        await Task.WhenAll(appends).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
    }
}
