using System.Globalization;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>Whether the namespace's own keys are all there, and what Redis says of evictions: what an operator must
/// know when a list looks changed, empty or uncatalogued without anyone having changed it.</summary>
public sealed partial class RedisCreditPublisher
{
    /// <summary>Checks that the namespace's keys are there (its <c>meta</c>; once anything is published, its catalog and
    /// sequence; once a list is written, the lists' versions, manifest and set) and reads the node's
    /// eviction facts (INFO <c>maxmemory_policy</c>, <c>evicted_keys</c>, against the last full verify). Keys that are
    /// missing were evicted under a <c>maxmemory-policy</c> that evicts them, deleted, or lost when Redis restarted
    /// without persistence.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The missing keys and the eviction facts.</returns>
    public async Task<RedisNamespaceHealth> CheckNamespaceAsync(CancellationToken cancellationToken = default)
    {
        var keys = new[] { Keys.Meta, Keys.Catalog, Keys.Sequence, Keys.Changes, Keys.Versions, Keys.Generations, Keys.Manifest, Keys.Lists };
        var batch = _connection.Database.CreateBatch();
        var exists = keys.Select(k => batch.KeyExistsAsync(k)).ToArray();
        batch.Execute();
        var found = new bool[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            found[i] = await exists[i].WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var listsWritten = found[4] || found[5] || found[6] || found[7];
        var published = listsWritten || found[1] || found[2] || found[3];
        var missing = new List<string>();
        for (var i = 0; i < keys.Length; i++)
        {
            var expected = i switch
            {
                0 => true,
                1 or 2 => published,
                3 => false, // the change log may be trimmed empty
                5 => false, // a list only ever upserted has no generation yet
                _ => listsWritten,
            };
            if (expected && !found[i])
            {
                missing.Add(keys[i]);
            }
        }

        EvictionWatch? watch = null;
        string? verified = null;
        try
        {
            watch = await ReadEvictionWatchAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            verified = (string?)await _connection.Database.HashGetAsync(Keys.Meta, "verified").WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException)
        {
            // INFO refused (NOPERM): nothing to tell of evictions
        }

        return new RedisNamespaceHealth(Keys.Namespace, missing, published, watch?.Policy, watch?.EvictedKeys, watch?.Suspicion(verified));
    }

    /// <summary>After an import failed on what looked like a conflict: the namespace checked (bounded), and a
    /// <see cref="RedisDataMissingException"/> when its keys are missing; null when they are all there or the check
    /// could not be made.</summary>
    private async Task<RedisDataMissingException?> MissingDataAsync(ReplyDeadline deadline, Exception cause)
    {
        try
        {
            var health = await deadline.WithinAsync(CheckNamespaceAsync(), "the check of the namespace's keys").ConfigureAwait(false);
            return health.MissingKeys.Count > 0 ? new RedisDataMissingException(health, cause) : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }
}

/// <summary>What <see cref="RedisCreditPublisher.CheckNamespaceAsync"/> found.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="MissingKeys">Keys of the namespace that should be there and are not (full key names).</param>
/// <param name="Published">Whether anything (a catalog, a list) was published in the namespace, as its keys tell.</param>
/// <param name="EvictionPolicy">The node's <c>maxmemory-policy</c>, or null when INFO could not be read.</param>
/// <param name="EvictedKeys">The node's <c>evicted_keys</c>, or null.</param>
/// <param name="EvictionSuspicion">Why keys may have been evicted since the data was last verified whole, or null.</param>
public sealed record RedisNamespaceHealth(string Namespace, IReadOnlyList<string> MissingKeys, bool Published, string? EvictionPolicy, long? EvictedKeys, string? EvictionSuspicion)
{
    /// <summary>Whether the namespace itself is gone (its <c>meta</c> key): Redis restarted without persistence, was
    /// flushed, or evicted it.</summary>
    public bool IsLost => MissingKeys.Any(k => k.EndsWith(":meta", StringComparison.Ordinal));

    /// <summary>Whether the node may evict keys under memory pressure (a <c>maxmemory-policy</c> other than
    /// <c>noeviction</c>).</summary>
    public bool MayEvict => EvictionPolicy is not null && EvictionPolicy != "noeviction";

    /// <summary>The catalog key is missing while the namespace holds published data.</summary>
    public bool CatalogMissing => MissingKeys.Any(k => k.EndsWith(":catalog", StringComparison.Ordinal));

    /// <summary>The node's policy and eviction count, for a message: "maxmemory-policy allkeys-lru, evicted_keys 270000".</summary>
    public string EvictionFacts => EvictionPolicy is null
        ? "maxmemory-policy unknown"
        : string.Create(CultureInfo.InvariantCulture, $"maxmemory-policy {EvictionPolicy}{(EvictedKeys is { } n ? $", evicted_keys {n}" : "")}");
}

/// <summary>An import found keys of the namespace missing (evicted, deleted, or lost in a restart without persistence)
/// where it expected them — not a change by another writer. Nothing was imported.</summary>
public sealed class RedisDataMissingException : InvalidOperationException
{
    /// <summary>Describes what is missing and what to do.</summary>
    /// <param name="health">What the check of the namespace found.</param>
    /// <param name="inner">What the import ran into.</param>
    public RedisDataMissingException(RedisNamespaceHealth health, Exception? inner = null)
        : base(English(health), inner)
    {
        ArgumentNullException.ThrowIfNull(health);
        Health = health;
        ChineseMessage = Chinese(health);
    }

    /// <summary>What the check of the namespace found.</summary>
    public RedisNamespaceHealth Health { get; }

    /// <summary>The same in Chinese, for the operator's screen.</summary>
    public string ChineseMessage { get; }

    private static string Keys(RedisNamespaceHealth health) =>
        string.Join(", ", health.MissingKeys.Take(6)) + (health.MissingKeys.Count > 6 ? $" … ({health.MissingKeys.Count})" : "");

    private static string English(RedisNamespaceHealth health) => health.IsLost
        ? $"Redis no longer holds namespace '{health.Namespace}' (missing: {Keys(health)}): Redis restarted without persistence, was flushed, or evicted the keys ({health.EvictionFacts}). "
            + "Nothing was imported, and the data before is gone too. Set maxmemory-policy noeviction and persistence (appendonly yes), publish the catalog again (creditcheck catalog publish) and import every list."
        : $"Keys of namespace '{health.Namespace}' are missing: {Keys(health)} — "
            + (health.MayEvict ? $"evicted by Redis ({health.EvictionFacts}) or deleted" : $"deleted ({health.EvictionFacts})")
            + "; nobody changed the list. Nothing was imported. Run 'creditcheck verify' to see what else is missing"
            + (health.MayEvict ? ", set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf)" : "")
            + (health.CatalogMissing ? ", publish the catalog again (creditcheck catalog publish)" : "")
            + ", then import the list again with --mode replace.";

    private static string Chinese(RedisNamespaceHealth health) => health.IsLost
        ? $"Redis 中已没有命名空间 '{health.Namespace}' 的数据（缺少：{Keys(health)}）：Redis 未持久化而重启、被清空或键被淘汰（{health.EvictionFacts}）；未导入任何数据，原有数据也已丢失。请设置 maxmemory-policy noeviction 并开启持久化（appendonly yes），重新发布目录（creditcheck catalog publish）并重新导入全部名单"
        : $"命名空间 '{health.Namespace}' 的键缺失：{Keys(health)}（"
            + (health.MayEvict ? $"被 Redis 淘汰（{health.EvictionFacts}）或被删除" : $"被删除（{health.EvictionFacts}）")
            + "），并非有人变更了名单；未导入任何数据。请运行 creditcheck verify 查看其他缺失"
            + (health.MayEvict ? "，将 maxmemory-policy 设为 noeviction" : "")
            + (health.CatalogMissing ? "，重新发布目录（creditcheck catalog publish）" : "")
            + "，然后以 --mode replace 重新导入该名单";
}
