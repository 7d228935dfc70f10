using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// Delivers feedback to the stream <c>cc:{ns}:feedback</c>: one <c>XADD</c> per record, a batch in one
/// script call (one round trip), on the store's connection. Each entry has the fields <c>key</c> (the
/// idempotency key) and <c>record</c> (the record's JSON). Nothing is trimmed: the platform collects
/// and trims. A batch that fails part-way is retried whole; the consumer drops the repeats by key.
/// </summary>
internal sealed class RedisFeedbackSink(RedisCreditStore store, RedisStoreOptions options, TimeProvider time) : IFeedbackSink
{
    // XADD is not in StackExchange.Redis 1.2.6; a script sends it, and keeps a batch to one round trip.
    private static readonly Script AppendScript = new("""
        for i = 1, #ARGV, 2 do
          redis.call('XADD', KEYS[1], '*', 'key', ARGV[i], 'record', ARGV[i + 1])
        end
        return #ARGV / 2
        """);

    public string Name => $"redis namespace '{options.Namespace}'";

    public async Task WriteAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken)
    {
        var timeout = options.OperationTimeout * 5;
        var connection = await store.GetConnectionAsync().WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        var values = new RedisValue[records.Count * 2];
        for (var i = 0; i < records.Count; i++)
        {
            values[2 * i] = records[i].Key;
            values[(2 * i) + 1] = FeedbackJson.Serialize(records[i]);
        }

        await connection.EvaluateAsync(AppendScript, [connection.Keys.Feedback], values).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
    }
}
