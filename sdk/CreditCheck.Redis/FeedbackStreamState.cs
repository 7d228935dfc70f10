using System.Globalization;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// What Redis says of the safety of a namespace's feedback stream (<c>cc:{ns}:feedback</c>): whether its node may
/// evict it, whether it evicted keys, and whether feedback delivered before is gone. Read by
/// <see cref="RedisFeedbackReader.CheckStreamAsync"/> (the operator tool's <c>feedback export</c> and <c>report</c>)
/// and by the SDK's health check.
/// </summary>
/// <remarks>
/// The durable sign: each delivered batch also adds the number of records it appended to the field <c>feedbackDelivered</c> of the
/// namespace's <c>meta</c> hash (the hash whose loss makes the namespace unusable, so it is never silently gone).
/// The stream's own count of entries ever added (<c>XINFO STREAM</c> <c>entries-added</c>, Redis 7.0+) survives
/// the platform's trimming, but restarts when the stream is evicted or deleted and created again; so a missing
/// stream, or one that has had fewer entries added than were delivered, has lost feedback. Under
/// <c>volatile-*</c> policies a key without a TTL (the stream, <c>meta</c>) is never evicted; under
/// <c>allkeys-*</c> nothing is safe, which is why the policy itself is warned about.
/// </remarks>
public sealed class FeedbackStreamState
{
    /// <summary>The field of <c>cc:{ns}:meta</c> counting the feedback entries delivered to the stream.</summary>
    internal const string DeliveredField = "feedbackDelivered";

    internal FeedbackStreamState(string stream, string? policy, long? evictedKeys, long delivered, bool? exists, long? entriesAdded, long deliveredByThisHost = 0)
    {
        // A host counts what it delivered since it started: when Redis lost the namespace (a restart without
        // persistence, a flush), meta's count went with the stream, and only the hosts that delivered know (found from
        // outside: 19 of 119 acknowledged records gone, and the health said nothing).
        var countReset = deliveredByThisHost > delivered;
        delivered = Math.Max(delivered, deliveredByThisHost);
        Stream = stream;
        EvictionPolicy = policy;
        EvictedKeys = evictedKeys;
        Delivered = delivered;
        Exists = exists;
        EntriesAdded = entriesAdded;
        Lost = exists == false ? delivered : entriesAdded is { } added && added < delivered ? delivered - added : 0;
        var warnings = new List<string>();
        var chinese = new List<string>();
        if (Lost > 0 && countReset)
        {
            chinese.Add(string.Create(CultureInfo.InvariantCulture, $"本主机自启动以来已向反馈流 {stream} 投递 {deliveredByThisHost} 条反馈，流中只记有 {entriesAdded ?? 0} 条，命名空间的投递计数也已重置：Redis 丢失了数据（如未持久化而重启、被清空），至少 {Lost} 条反馈已丢失"));
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"this host delivered {deliveredByThisHost} feedback records to {stream} since it started, the stream counts {entriesAdded ?? 0} added and the namespace's delivered count was reset: Redis lost its data (a restart without persistence, a flush), so at least {Lost} are lost"));
        }
        else if (Lost > 0 && exists == false)
        {
            chinese.Add(string.Create(CultureInfo.InvariantCulture, $"反馈流 {stream} 不存在，但此前已向其投递 {delivered} 条反馈记录：它已被删除或被 Redis 淘汰，其中尚未被平台收取的反馈已丢失"));
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"the feedback stream {stream} is missing although {delivered} feedback records were delivered to it: it was deleted or evicted by Redis, and what the platform had not collected is lost"));
        }
        else if (Lost > 0)
        {
            chinese.Add(string.Create(CultureInfo.InvariantCulture, $"反馈流 {stream} 曾被删除或淘汰后重建：已投递 {delivered} 条，流中只记有 {entriesAdded} 条，至少 {Lost} 条反馈已丢失"));
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"the feedback stream {stream} was deleted or evicted and created again: {delivered} records were delivered, the stream counts {entriesAdded} added, so at least {Lost} are lost"));
        }

        if (policy is { } p && p.StartsWith("allkeys-", StringComparison.Ordinal))
        {
            chinese.Add($"Redis 的 maxmemory-policy 为 {p}：内存不足时可能淘汰反馈流 {stream}，已投递的反馈将随之丢失；请设为 noeviction");
            warnings.Add($"Redis has maxmemory-policy {p}: under memory pressure it may evict the feedback stream {stream} and the feedback delivered in it; set maxmemory-policy noeviction");
        }

        if (evictedKeys is > 0)
        {
            chinese.Add(string.Create(CultureInfo.InvariantCulture, $"Redis 自启动以来已淘汰 {evictedKeys} 个键（maxmemory-policy {policy ?? "未知"}）"));
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"Redis has evicted {evictedKeys} keys since it started (maxmemory-policy {policy ?? "unknown"})"));
        }

        Warnings = warnings;
        WarningsChinese = chinese;
    }

    /// <summary>The stream's key.</summary>
    public string Stream { get; }

    /// <summary>The node's <c>maxmemory-policy</c>, or null when INFO could not be read.</summary>
    public string? EvictionPolicy { get; }

    /// <summary>The node's <c>evicted_keys</c> (since it started), or null when INFO could not be read.</summary>
    public long? EvictedKeys { get; }

    /// <summary>Feedback entries appended to the stream, as counted in <c>meta</c> — or by the host that
    /// asks, since it started, when that is more (Redis lost <c>meta</c> with the stream); 0 before any.</summary>
    public long Delivered { get; }

    /// <summary>Whether the stream exists; null when it could not be asked (<c>XINFO STREAM</c> refused).</summary>
    public bool? Exists { get; }

    /// <summary>Entries ever added to the stream as it is now (Redis 7.0+), or null.</summary>
    public long? EntriesAdded { get; }

    /// <summary>Delivered feedback records known to be gone (the stream missing, or created again); 0 when none is known.</summary>
    public long Lost { get; }

    /// <summary>Whether delivered feedback is known to be gone.</summary>
    public bool IsLost => Lost > 0;

    /// <summary>Whether the stream may lose feedback or has lost some: an <c>allkeys-*</c> policy, keys evicted, or <see cref="IsLost"/>.</summary>
    public bool AtRisk => Warnings.Count > 0;

    /// <summary>What is wrong, in English (empty when nothing is).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The same in Chinese, in the same order.</summary>
    public IReadOnlyList<string> WarningsChinese { get; }

    /// <summary>Reads the state on the node that holds the stream: INFO (memory, stats, in a script), <c>HGET meta</c>,
    /// <c>XINFO STREAM</c>. A refused command leaves its part unknown rather than failing.</summary>
    internal static async Task<FeedbackStreamState> ReadAsync(RedisConnection connection, TimeSpan timeout, CancellationToken cancellationToken, long deliveredByThisHost = 0)
    {
        var database = connection.Database;
        var key = connection.Keys.Feedback;
        string? policy = null;
        long? evicted = null;
        try
        {
            // INFO through a script routed to the stream's slot (its node, in a cluster), as the store reads it.
            var info = await connection.EvaluateAsync(RedisScripts.EvictionInfo, [key], []).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            var watch = EvictionWatch.Parse((string?)info);
            (policy, evicted) = (watch.Policy, watch.EvictedKeys);
        }
        catch (RedisServerException)
        {
            // EVAL or INFO refused (an ACL, a proxy): the policy stays unknown.
        }

        var delivered = (long?)await database.HashGetAsync(connection.Keys.Meta, DeliveredField).WaitAsync(timeout, cancellationToken).ConfigureAwait(false) ?? 0;
        bool? exists = null;
        long? added = null;
        try
        {
            var info = await database.ExecuteAsync("XINFO", "STREAM", (RedisKey)key).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            exists = true;
            if (info.Resp2Type == ResultType.Array && (RedisResult[]?)info is { } fields)
            {
                for (var i = 0; i + 1 < fields.Length; i += 2)
                {
                    if ((string?)fields[i] == "entries-added")
                    {
                        added = (long?)fields[i + 1];
                    }
                }
            }
        }
        catch (RedisServerException e) when (e.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            exists = false;
        }
        catch (RedisServerException)
        {
            // XINFO refused (an ACL user without +xinfo|stream): whether the stream is there stays unknown.
        }

        return new FeedbackStreamState(key, policy, evicted, delivered, exists, added, deliveredByThisHost);
    }
}
