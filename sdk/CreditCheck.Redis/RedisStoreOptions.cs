using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CreditCheck.Redis;

/// <summary>Options of the Redis store and publisher. Validated at start; the secret and password
/// never appear in <see cref="ToString"/> or logs.</summary>
public sealed class RedisStoreOptions
{
    /// <summary>Where Redis is: a StackExchange.Redis configuration string (<c>127.0.0.1:6379,password=…</c>;
    /// several endpoints for a cluster) or a URL (<c>redis://user:password@host:6379/0</c>, <c>rediss://</c>
    /// for TLS). Required unless the host passes its own connection to <c>UseRedis</c>.</summary>
    public string? Configuration { get; set; }

    /// <summary>The namespace: keys are <c>cc:{Namespace}:…</c>, so regions or tenants share a server.
    /// Lower-case letters, digits, <c>-</c> and <c>_</c>, at most 64. Default <c>default</c>.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>The secret shared by publisher and SDKs (at least 16 characters): subject keys are
    /// HMAC-SHA256 of the canonical identifier under it. A different secret fails at start.</summary>
    public string? Secret { get; set; }

    /// <summary>An ACL user to authenticate as on every connection (commands and subscription); null for the
    /// user the configuration names, or the default user. See <see cref="RedisAcl"/> for its rights.</summary>
    public string? User { get; set; }

    /// <summary>The password (of <see cref="User"/>, or of the default user); null for the configuration's.</summary>
    public string? Password { get; set; }

    /// <summary>The protocol for connections the store opens: <c>Resp2</c>, <c>Resp3</c>, or null for the
    /// client library's default (RESP2 on StackExchange.Redis 2.x, RESP3 on 3.x). Both work alike; a
    /// host's own connection keeps its own.</summary>
    public StackExchange.Redis.RedisProtocol? Protocol { get; set; }

    /// <summary>On StackExchange.Redis 2.x, whether the connection the store opens reads its socket on the .NET thread
    /// pool (<c>SocketManager.ThreadPool</c>) instead of the client's own dedicated threads. On 2-core VMs it answered
    /// a listed subject's lookup about 40 % sooner (benchmark README, "Socket reads on the thread pool"). Leave it off
    /// in a host that blocks on asynchronous code (<c>.Result</c>, <c>.Wait()</c>), where the dedicated threads keep
    /// replies flowing while the pool is starved. Default false (the client's default); the service
    /// (<c>CreditCheck.Server</c>), which never blocks, turns it on. Ignored on 3.x, which has no dedicated threads,
    /// and for a connection the host passes to <c>UseRedis</c>.</summary>
    public bool ThreadPoolSockets { get; set; }

    /// <summary>How long start-up waits for the first sync before the store reports not ready. Default 10 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the change log is polled besides the pub/sub wake-up. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a lookup waits for Redis before the unavailability policy applies. Default 2 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether the store refuses to start (<see cref="EvictionPolicyException"/>) when Redis may evict
    /// keys under memory pressure (<c>maxmemory-policy</c> other than <c>noeviction</c>). Default false: it
    /// warns, and detects an evicted list by its manifest.</summary>
    public bool RequireNoEviction { get; set; }

    /// <summary>Where a lookup that goes to Redis (a subject the local filter says may be listed) is read:
    /// <see cref="RedisReadPreference.Primary"/> (the default) or <see cref="RedisReadPreference.PreferReplica"/>,
    /// which takes that load off the primary. A replica's answer is used only when the replica has applied at
    /// least the change sequence this host has (read in the same script call); otherwise, or when no replica
    /// answers, the lookup is read again on the primary. A replica that fails or times out is skipped for a
    /// back-off (1 s, doubling up to 1 min while it keeps failing, ended by its first answer), so a hung replica
    /// costs one <see cref="OperationTimeout"/> per back-off, not one per lookup (see
    /// <see cref="RedisStoreStatus.ReplicaBackoffUntil"/>). Needs Redis 7.0 or later.</summary>
    public RedisReadPreference ReadPreference { get; set; } = RedisReadPreference.Primary;

    /// <summary>How many replicas must hold a feedback batch before it counts as delivered. Default 0: a batch is
    /// delivered once the primary appended it, and a primary that dies before its replicas copied the batch
    /// (replication is asynchronous) loses it on failover although the host's queue let it go. Above 0, the
    /// feedback sink sends <c>WAIT</c> after the batch's appends and, when fewer replicas confirm within
    /// <see cref="FeedbackReplicaTimeout"/>, the batch is not acknowledged: the queue (and its journal) keeps it and
    /// retries with its back-off, and <see cref="FeedbackStatus.LastError"/> says how many replicas confirmed. The
    /// cost: one more round trip per batch, and while replicas are slow or absent, feedback is not delivered (a
    /// primary with fewer replicas than this delivers none). Not strong consistency: a replica that confirmed may
    /// still not be the one promoted. At most 16.</summary>
    public int FeedbackReplicas { get; set; }

    /// <summary>How long a feedback batch waits for <see cref="FeedbackReplicas"/> replicas to confirm it before
    /// it is retried later. <c>WAIT</c> holds the connection to the primary, which lookups share, so it is sent
    /// in slices of at most 50 ms: a lookup waits at most that long behind it. Default 1 s, between 10 ms and 1 min.</summary>
    public TimeSpan FeedbackReplicaTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many listed subjects' entries are cached. Default 10,000.</summary>
    public int CacheCapacity { get; set; } = 10_000;

    /// <summary>How many change records the log keeps (publisher); an SDK further behind resyncs. Default 100,000.</summary>
    public int ChangeLogLength { get; set; } = 100_000;

    /// <summary>Records per import round trip (publisher). Default 500.</summary>
    public int ImportChunkSize { get; set; } = 500;

    /// <summary>The namespace and timings; never the secret or password.</summary>
    public override string ToString() =>
        $"Namespace={Namespace}, User={User ?? "(default)"}, StartupTimeout={StartupTimeout}, PollInterval={PollInterval}, CacheCapacity={CacheCapacity}, ReadPreference={ReadPreference}, FeedbackReplicas={FeedbackReplicas}";
}

/// <summary>Which Redis node serves the lookups that go to Redis (<see cref="RedisStoreOptions.ReadPreference"/>).</summary>
public enum RedisReadPreference
{
    /// <summary>The primary (of the namespace's shard, on a cluster): always current.</summary>
    Primary = 0,

    /// <summary>A replica when one is connected and has applied at least the host's change sequence; the
    /// primary otherwise. Needs Redis 7.0 or later (the read is a read-only script).</summary>
    PreferReplica = 1,
}

/// <summary>Says exactly which Redis option is wrong.</summary>
internal sealed partial class RedisStoreOptionsValidator : IValidateOptions<RedisStoreOptions>
{
    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex NamespacePattern();

    public ValidateOptionsResult Validate(string? name, RedisStoreOptions options) => Check(options, requireConfiguration: false);

    public static ValidateOptionsResult Check(RedisStoreOptions options, bool requireConfiguration)
    {
        var failures = new List<string>();
        if (requireConfiguration && string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add("RedisStoreOptions.Configuration is missing (e.g. \"127.0.0.1:6379\").");
        }

        if (!NamespacePattern().IsMatch(options.Namespace ?? string.Empty))
        {
            failures.Add($"RedisStoreOptions.Namespace '{options.Namespace}' must be 1-64 of a-z, 0-9, '-' and '_'.");
        }

        if (options.Secret is null || options.Secret.Length < 16)
        {
            failures.Add("RedisStoreOptions.Secret must be set and at least 16 characters long (shared by publisher and SDKs).");
        }

        if (options.User is not null && string.IsNullOrEmpty(options.Password))
        {
            failures.Add($"RedisStoreOptions.User '{options.User}' is set but Password is empty.");
        }

        if (!string.IsNullOrWhiteSpace(options.Configuration))
        {
            try
            {
                RedisConfiguration.Parse(options.Configuration);
            }
            catch (ArgumentException e)
            {
                failures.Add($"RedisStoreOptions.Configuration: {e.Message.Split(" (Parameter", 2)[0]}");
            }
        }

        Range(failures, nameof(options.StartupTimeout), options.StartupTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Range(failures, nameof(options.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        Range(failures, nameof(options.OperationTimeout), options.OperationTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        if (!Enum.IsDefined(options.ReadPreference))
        {
            failures.Add($"RedisStoreOptions.ReadPreference is {options.ReadPreference}; it must be Primary or PreferReplica.");
        }

        if (options.FeedbackReplicas is < 0 or > 16)
        {
            failures.Add($"RedisStoreOptions.FeedbackReplicas is {options.FeedbackReplicas}; it must be between 0 and 16.");
        }

        Range(failures, nameof(options.FeedbackReplicaTimeout), options.FeedbackReplicaTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        if (options.CacheCapacity is < 0 or > 10_000_000)
        {
            failures.Add($"RedisStoreOptions.CacheCapacity is {options.CacheCapacity}; it must be between 0 and 10000000.");
        }

        if (options.ChangeLogLength is < 100 or > 100_000_000)
        {
            failures.Add($"RedisStoreOptions.ChangeLogLength is {options.ChangeLogLength}; it must be between 100 and 100000000.");
        }

        if (options.ImportChunkSize is < 1 or > 10_000)
        {
            failures.Add($"RedisStoreOptions.ImportChunkSize is {options.ImportChunkSize}; it must be between 1 and 10000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"RedisStoreOptions.{name} is {value}; it must be between {min} and {max}.");
        }
    }
}
