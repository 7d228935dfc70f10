using CreditCheck.Catalog;
using CreditCheck.ListFiles;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Cli;

/// <summary>The store the operator works on: Redis (the real one) or a folder in memory (for trials).</summary>
internal abstract class OperatorStore : IAsyncDisposable
{
    public abstract string Description { get; }

    public abstract ICreditPublisher Publisher { get; }

    public abstract Task<CreditCatalog?> GetCatalogAsync(CancellationToken cancellationToken);

    /// <summary>A store to read and check against, synchronized.</summary>
    public abstract Task<ICreditStore> OpenReaderAsync(CancellationToken cancellationToken);

    public abstract Task<StoreReport> ReportAsync(CancellationToken cancellationToken);

    /// <summary>How many entries each list holds: the part of <see cref="ReportAsync"/> a command needs without the
    /// report's full checks.</summary>
    public virtual async Task<IReadOnlyDictionary<string, long>> CountEntriesAsync(CancellationToken cancellationToken) =>
        (await ReportAsync(cancellationToken).ConfigureAwait(false)).Entries;

    /// <summary>Where the store keeps commitments (信用承诺).</summary>
    public abstract Task<ICommitmentStore> OpenCommitmentsAsync(CancellationToken cancellationToken);

    /// <summary>The check counts of the days <c>[from, until)</c> every host wrote.</summary>
    public abstract Task<IReadOnlyList<CheckCount>> ReadCountsAsync(DateOnly from, DateOnly until, CancellationToken cancellationToken);

    /// <summary>The error for a store without a catalog: none published yet, or (Redis) its key missing.</summary>
    public virtual Task<CliException> NoCatalogAsync(CancellationToken cancellationToken) => Task.FromResult(new CliException(
        ExitCodes.InvalidInput,
        $"{Description} 中没有发布目录；请先运行 creditcheck catalog publish",
        $"No catalog is published in {Description}; run 'creditcheck catalog publish' first."));

    /// <summary>Keeps what was changed (the memory store writes its folder; Redis already has it).</summary>
    public virtual Task SaveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();

    /// <summary>Opens the store. Only a command that sets a namespace up (<c>catalog publish</c>) passes
    /// <paramref name="setUp"/>; every other one refuses a namespace that does not exist, so a mistyped
    /// name is reported (with the namespaces that do exist) instead of read as empty or claimed.</summary>
    public static async Task<OperatorStore> OpenAsync(StoreSettings settings, CancellationToken cancellationToken, bool setUp = false)
    {
        switch (settings.Kind)
        {
            case "memory":
                var data = settings.Data ?? throw new CliException(ExitCodes.Usage, "--store memory needs --data DIR.");
                return MemoryOperatorStore.Open(data, settings.State!);

            case "redis":
                if (string.IsNullOrWhiteSpace(settings.Redis))
                {
                    throw new CliException(ExitCodes.StoreUnavailable, "未指定存储：请用 --redis HOST:PORT、设置 CREDITCHECK_REDIS，或用 --store memory --data DIR", "No store: pass --redis HOST:PORT, set CREDITCHECK_REDIS, or use --store memory --data DIR.");
                }

                // Said here, in the operator's words (found from outside: a short one got only the SDK's English
                // "RedisStoreOptions.Secret must be set and at least 16 characters long").
                if (string.IsNullOrEmpty(settings.Secret))
                {
                    throw new CliException(ExitCodes.Usage,
                        "Redis 存储需要命名空间的密钥：请设置环境变量 CREDITCHECK_SECRET（或用 --secret）",
                        "The Redis store needs the namespace's secret: set CREDITCHECK_SECRET (or pass --secret).");
                }

                if (settings.Secret.Length < 16)
                {
                    throw new CliException(ExitCodes.Usage,
                        $"命名空间的密钥至少 16 个字符，所给的（CREDITCHECK_SECRET 或 --secret）只有 {settings.Secret.Length} 个",
                        $"The namespace's secret has at least 16 characters; the one given (CREDITCHECK_SECRET or --secret) has {settings.Secret.Length}.");
                }

                return await RedisOperatorStore.ConnectAsync(settings, setUp, cancellationToken).ConfigureAwait(false);

            default:
                throw new CliException(ExitCodes.Usage, $"未知的存储 '{settings.Kind}'：应为 redis 或 memory", $"Unknown store '{settings.Kind}': use redis or memory.");
        }
    }
}

/// <summary>What <c>status</c> shows.</summary>
internal sealed record StoreReport(
    string Store,
    string Namespace,
    string? CatalogVersion,
    long Sequence,
    IReadOnlyDictionary<string, long> Entries,
    long? ChangeRecords,
    int? FilterKeys,
    long? FilterBytes,
    long? FeedLag,
    IReadOnlyDictionary<string, string?>? Damage = null,
    IReadOnlyList<string>? NotPermitted = null,
    RedisNamespaceHealth? Health = null,
    IReadOnlyDictionary<string, string>? Imports = null)
{
    /// <summary>Where the namespace stands against a credit platform (null: never synced from one).</summary>
    public RedisPlatformMark? Platform { get; init; }

    /// <summary>The catalog's lists the namespace holds no data of (never imported, not followed from the platform), or
    /// null when not known (the embedded store; counts not readable).</summary>
    public IReadOnlyList<CreditList>? ListsNotHeld { get; init; }
}

internal sealed class RedisOperatorStore : OperatorStore
{
    private readonly RedisStoreOptions _options;
    private readonly RedisCreditPublisher _publisher;
    private readonly IConnectionMultiplexer _connection;
    private RedisCreditStore? _reader;

    private RedisOperatorStore(RedisStoreOptions options, RedisCreditPublisher publisher, IConnectionMultiplexer connection)
    {
        _options = options;
        _publisher = publisher;
        _connection = connection;
    }

    public override string Description => $"redis namespace '{_options.Namespace}'";

    public override ICreditPublisher Publisher => _publisher;

    /// <summary>Every list's index against the subjects' entry hashes (<see cref="RedisCreditPublisher.VerifyAsync"/>).</summary>
    public Task<RedisVerification> VerifyAsync(string? list, CancellationToken cancellationToken) => _publisher.VerifyAsync(list, cancellationToken);

    public static async Task<RedisOperatorStore> ConnectAsync(StoreSettings settings, bool setUp, CancellationToken cancellationToken)
    {
        var options = settings.RedisOptions();
        options.StartupTimeout = TimeSpan.FromSeconds(15);
        try
        {
            await ProbeAsync(options, setUp).ConfigureAwait(false);
            var connection = await ConnectionMultiplexer.ConnectAsync(ToolConnection(options)).ConfigureAwait(false);
            try
            {
                var publisher = await RedisCreditPublisher.ConnectAsync(options, connection, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new RedisOperatorStore(options, publisher, connection);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (OptionsValidationException e)
        {
            throw new CliException(ExitCodes.Usage, string.Join(" ", e.Failures));
        }
    }

    /// <summary>The tool's connection settings (the probe then shortens its timeouts). On StackExchange.Redis
    /// 2.x its socket reads run on the .NET thread pool rather than on the client's own dedicated threads:
    /// those spin between replies, and in an import, where one process shares the machine with the Redis it
    /// fills, the spinning took CPU from both (benchmark README, "Import speed").</summary>
    private static ConfigurationOptions ToolConnection(RedisStoreOptions options)
    {
        var configuration = RedisConfiguration.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.User = options.User ?? configuration.User;
        configuration.Password = options.Password ?? configuration.Password;
#pragma warning disable CS0618 // StackExchange.Redis 3.x has no socket manager: it marks the option obsolete and ignores it
        configuration.SocketManager = SocketManager.ThreadPool;
#pragma warning restore CS0618
        return configuration;
    }

    /// <summary>One short connection attempt first: an unreachable Redis is one line naming the server and
    /// what failed, within seconds, instead of the client's backlog timeout after a long wait. Unless the
    /// command sets a namespace up, the namespace must exist.</summary>
    internal static async Task ProbeAsync(RedisStoreOptions options, bool setUp)
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = ToolConnection(options);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, $"Redis 连接设置无效：{e.Message.Split(" (Parameter", 2)[0]}", e.Message.Split(" (Parameter", 2)[0]);
        }

        configuration.AbortOnConnectFail = true;
        configuration.ConnectTimeout = 3000;
        configuration.ConnectRetry = 1;
        var servers = string.Join(", ", configuration.EndPoints.Select(Format));
        try
        {
            using var probe = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            if (!setUp)
            {
                await RequireNamespaceAsync(probe, options.Namespace).ConfigureAwait(false);
            }
        }
        catch (RedisConnectionException e) when ((e.InnerException?.Message ?? e.Message).Contains("Multiple databases are not supported", StringComparison.Ordinal))
        {
            // A setting the operator got wrong, not a server out of reach (found from outside: exit 3 "cannot be reached").
            throw new CliException(ExitCodes.Usage,
                $"Redis 连接设置无效：Redis Cluster 只有 0 号数据库，请去掉配置中的数据库编号（URL 末尾的 /N 或 defaultDatabase=N）：{servers}",
                $"The Redis setting is invalid: a Redis Cluster has database 0 only; remove the database number from the configuration (a URL's /N, or defaultDatabase=N): {servers}");
        }
        catch (RedisConnectionException e)
        {
            throw Unreachable(e, [.. configuration.EndPoints.Select(Format)]);
        }
    }

    /// <summary>Whether a publisher set the namespace of this <c>meta</c> key up: its secret's fingerprint is there (a
    /// host on a mistyped namespace may have written other fields of it).</summary>
    private static async Task<bool> IsSetUpAsync(IConnectionMultiplexer redis, RedisKey meta) =>
        !(await redis.GetDatabase().HashGetAsync(meta, "fingerprint").ConfigureAwait(false)).IsNull;

    /// <summary>Exit 3 for a probe that could not connect, naming the node that failed. Found from outside: right after a
    /// cluster primary was killed, the message blamed the configured seeds (which were up), named the dead node only
    /// inside the client's English text, also in the Chinese half, and gave no advice. The client names the node in its
    /// failure ("UnableToConnect on 127.0.0.1:7002/Interactive, …"); a node that is not a seed, or several seeds, mean a
    /// cluster, where a primary failing over is the likely cause and a retry in a few seconds the remedy.</summary>
    internal static CliException Unreachable(RedisConnectionException e, IReadOnlyList<string> seeds)
    {
        var failed = StoreFailure.Nodes(e);
        var nodes = failed.Count > 0 ? failed : seeds;
        var named = string.Join(", ", nodes);
        var cause = e.InnerException is { } inner ? $"{e.FailureType}: {Brief(inner.Message)}" : e.FailureType.ToString();
        var seedsToo = nodes.SequenceEqual(seeds) ? string.Empty : $"；配置的地址：{string.Join(", ", seeds)}";
        var seedsTooEnglish = nodes.SequenceEqual(seeds) ? string.Empty : $"; configured: {string.Join(", ", seeds)}";
        var cluster = seeds.Count > 1 || nodes.Except(seeds, StringComparer.Ordinal).Any();
        return new CliException(
            ExitCodes.StoreUnavailable,
            $"无法连接 Redis {named}（{StoreFailure.Chinese(e.FailureType)}{seedsToo}）"
                + (cluster ? "。若为 Redis Cluster，可能有主节点失效、正在故障切换：请数秒后重试" : string.Empty),
            $"the store cannot be reached: Redis {named} ({cause}{seedsTooEnglish})"
                + (cluster ? ". On a Redis Cluster a primary may be failing over: retry in a few seconds" : string.Empty));
    }

    private static string Format(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        System.Net.IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>The client's failure without its diagnostic dump (", last: …, mgr: …, v: …"): one line for the operator.</summary>
    private static string Brief(string message)
    {
        var dump = message.IndexOf(", last:", StringComparison.Ordinal);
        return dump > 0 ? message[..dump] : message.Length > 200 ? message[..200] + "…" : message;
    }

    /// <summary>A namespace exists once a publisher has set it up (the secret's fingerprint in its <c>meta</c> key). A user without the
    /// right to ask is let through: the command then meets the data, or the lack of it, itself.</summary>
    private static async Task RequireNamespaceAsync(IConnectionMultiplexer redis, string ns)
    {
        try
        {
            // Set up means the secret's fingerprint in meta, not the key alone: a host on a mistyped namespace wrote
            // meta's feedback count there (found from outside), and the name then passed for a namespace.
            if (await IsSetUpAsync(redis, $"cc:{{{ns}}}:meta").ConfigureAwait(false))
            {
                return;
            }
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOPERM", StringComparison.Ordinal))
        {
            return;
        }

        var existing = new SortedSet<string>(StringComparer.Ordinal);
        var unreachable = new List<string>();
        try
        {
            foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
            {
                // Found from outside: one dead node of a cluster (a seed, even a replica) turned a mistyped namespace
                // into "the store cannot be reached", exit 3. The nodes that answer are listed; the others named.
                if (!server.IsConnected)
                {
                    unreachable.Add(Format(server.EndPoint));
                    continue;
                }

                try
                {
                    var metas = new List<RedisKey>();
                    await foreach (var key in server.KeysAsync(pattern: "cc:{*}:meta", pageSize: 1000).ConfigureAwait(false))
                    {
                        metas.Add(key);
                    }

                    // Each on its own: a key the user may not read (NOPERM), or one moving (MOVED), leaves the others listed.
                    foreach (var key in metas)
                    {
                        try
                        {
                            if (await IsSetUpAsync(redis, key).ConfigureAwait(false))
                            {
                                existing.Add(((string)key!)[4..^6]);
                            }
                        }
                        catch (RedisServerException)
                        {
                        }
                    }
                }
                catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
                {
                    unreachable.Add(Format(server.EndPoint));
                }
            }
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOPERM", StringComparison.Ordinal))
        {
            existing.Clear();
        }

        // The closest names first: the one meant is most likely a character or two away.
        var closest = existing.OrderBy(name => Distance(name, ns)).ThenBy(name => name, StringComparer.Ordinal).Take(10).ToList();
        var list = closest.Count == 0 ? null : string.Join(", ", closest) + (existing.Count > closest.Count ? $" … ({existing.Count})" : "");
        var down = unreachable.Count == 0 ? null : string.Join(", ", unreachable);
        throw new CliException(
            ExitCodes.NotFound,
            $"Redis 中没有命名空间 '{ns}'（可能拼写有误）" + (list is null ? "" : $"；现有命名空间：{list}") + (down is null ? "" : $"（节点 {down} 无法连接，未能列出其上的命名空间）") + "。新建命名空间请先运行 creditcheck catalog publish；若该命名空间原有数据（Redis 重启后为空等），发布目录后须重新导入其全部名单",
            $"namespace '{ns}' does not exist in Redis (mistyped?)" + (list is null ? "" : $"; namespaces there: {list}") + (down is null ? "" : $" (node(s) {down} cannot be reached: namespaces there are not listed)") + "; to set up a new one, run 'creditcheck catalog publish'; if it held data before (Redis came back empty, say), import every one of its lists again after publishing the catalog");
    }

    /// <summary>Levenshtein distance (names are short).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    public override Task<CreditCatalog?> GetCatalogAsync(CancellationToken cancellationToken) => _publisher.GetCatalogAsync(cancellationToken);

    public override async Task<CliException> NoCatalogAsync(CancellationToken cancellationToken) =>
        await HealthAsync(cancellationToken).ConfigureAwait(false) is { CatalogMissing: true } health
            ? CatalogMissing(health)
            : await base.NoCatalogAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The namespace's keys and Redis's eviction facts; null when Redis refuses the reads (NOPERM).</summary>
    private async Task<RedisNamespaceHealth?> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _publisher.CheckNamespaceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOPERM", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>The catalog key is gone while the namespace holds lists: data damage, not a new namespace.</summary>
    private CliException CatalogMissing(RedisNamespaceHealth health)
    {
        var cause = health.MayEvict ? $"被 Redis 淘汰（{health.EvictionFacts}）或被删除" : $"被删除（{health.EvictionFacts}）";
        var causeEnglish = health.MayEvict ? $"evicted by Redis ({health.EvictionFacts}) or deleted" : $"deleted ({health.EvictionFacts})";
        return new CliException(
            ExitCodes.DataDamaged,
            $"{Description} 中已有名单数据，但目录键 {KeyOf("catalog")} 缺失（{cause}）；其他键也可能缺失。请运行 creditcheck verify，"
                + (health.MayEvict ? "将 maxmemory-policy 设为 noeviction，" : "") + "重新发布目录（creditcheck catalog publish）并以 --mode replace 重新导入受损名单",
            $"{Description} holds lists but its catalog key {KeyOf("catalog")} is missing ({causeEnglish}); other keys may be missing too. Run 'creditcheck verify', "
                + (health.MayEvict ? "set maxmemory-policy noeviction, " : "") + "publish the catalog again (creditcheck catalog publish) and import the damaged lists again with --mode replace.");
    }

    private string KeyOf(string name) => $"cc:{{{_options.Namespace}}}:{name}";

    /// <summary>The node's <c>maxmemory</c> (bytes, 0: no limit) and <c>maxmemory-policy</c> (INFO memory, in a script
    /// keyed to the namespace so that a cluster answers from the node that holds it). Null, with why, when Redis refuses
    /// (an ACL user without INFO, EVAL refused by a proxy): the caller says it could not be checked rather than fail.</summary>
    public async Task<(long MaxMemory, string Policy)?> ReadMemoryPolicyAsync(Action<(string Chinese, string English)> refused)
    {
        const string Script = """
            local text = redis.call('INFO', 'memory')
            return { string.match(text, 'maxmemory:(%d+)') or '', string.match(text, 'maxmemory_policy:([%w-]+)') or '' }
            """;
        try
        {
            var reply = (RedisResult[])(await _connection.GetDatabase().ScriptEvaluateAsync(Script, [(RedisKey)KeyOf("seq")]).ConfigureAwait(false))!;
            var policy = (string?)reply[1];
            if (long.TryParse((string?)reply[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) && !string.IsNullOrEmpty(policy))
            {
                return (bytes, policy);
            }

            refused(("INFO 未给出 maxmemory 或 maxmemory-policy", "INFO did not give maxmemory and maxmemory-policy"));
        }
        catch (RedisServerException e)
        {
            refused(StoreFailure.IsPermission(e)
                ? ("该用户无权执行 INFO", $"this user may not run INFO: {StoreFailure.Brief(e.Message)}")
                : ($"Redis 拒绝了查询：{StoreFailure.Brief(e.Message)}", $"Redis refused the query: {StoreFailure.Brief(e.Message)}"));
        }

        return null;
    }

    public override async Task<ICreditStore> OpenReaderAsync(CancellationToken cancellationToken)
    {
        if (_reader is null)
        {
            _reader = new RedisCreditStore(_options, new CreditCheckOptions(), null, TimeProvider.System, null);
            await _reader.StartAsync(cancellationToken).ConfigureAwait(false);
            if (!_reader.Status.IsSynchronized)
            {
                // A namespace whose catalog key went missing (evicted, deleted) is not a new one: said so, not "publish one".
                if (await HealthAsync(cancellationToken).ConfigureAwait(false) is { CatalogMissing: true } health)
                {
                    throw CatalogMissing(health);
                }

                var error = StoreFailure.Brief(_reader.Status.LastError ?? "unknown");
                throw new CliException(ExitCodes.StoreUnavailable, $"无法与 {Description} 同步：{error}", $"Could not synchronize with {Description}: {error}");
            }
        }

        return _reader;
    }

    public override async Task<ICommitmentStore> OpenCommitmentsAsync(CancellationToken cancellationToken) =>
        new RedisCommitmentStore((RedisCreditStore)await OpenReaderAsync(cancellationToken).ConfigureAwait(false), _options);

    public override async Task<IReadOnlyList<CheckCount>> ReadCountsAsync(DateOnly from, DateOnly until, CancellationToken cancellationToken)
    {
        var reader = (RedisCreditStore)await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var counter = new RedisCheckCounter(reader, _options);
        return await counter.ReadAsync(from, until, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The indexes' lengths only: the report also syncs a reader and checks every list against its manifest.</summary>
    public override async Task<IReadOnlyDictionary<string, long>> CountEntriesAsync(CancellationToken cancellationToken) =>
        (await _publisher.CountAsync(cancellationToken).ConfigureAwait(false)).EntriesByList;

    public override async Task<StoreReport> ReportAsync(CancellationToken cancellationToken)
    {
        // Each part read on its own: an operator on a read-only ACL user sees what that user may read,
        // and the parts it may not are named (NOPERM …) instead of the whole report failing.
        var notPermitted = new List<string>();
        var catalog = await _publisher.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        var sequence = await _publisher.GetSequenceAsync(cancellationToken).ConfigureAwait(false);
        var (entries, changes) = await Permitted(
            async () => { var (e, c) = await _publisher.CountAsync(cancellationToken).ConfigureAwait(false); return (e, (long?)c); },
            (new SortedDictionary<string, long>(StringComparer.Ordinal), (long?)null),
            "entries per list").ConfigureAwait(false);
        int? filterKeys = null;
        long? filterBytes = null;
        long? lag = null;
        if (catalog is not null)
        {
            var reader = (RedisCreditStore)await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
            var status = reader.Status;
            filterKeys = status.FilterKeys;
            filterBytes = status.FilterBytes;
            lag = Math.Max(0, await _publisher.GetSequenceAsync(cancellationToken).ConfigureAwait(false) - status.Sequence);
        }

        // Each list checked in full against its manifest: a damaged one is named with its keys.
        var damage = await Permitted<IReadOnlyDictionary<string, string?>?>(
            async () => await _publisher.CheckListsAsync(cancellationToken).ConfigureAwait(false), null, "list integrity").ConfigureAwait(false);
        // The namespace's own keys and Redis's evictions: an evicted entry hash leaves every list looking whole.
        var health = await Permitted<RedisNamespaceHealth?>(
            async () => await _publisher.CheckNamespaceAsync(cancellationToken).ConfigureAwait(false), null, "namespace keys and evictions").ConfigureAwait(false);
        if (health is { EvictionPolicy: null })
        {
            // Found from outside: with the README's ACL (+@all -@dangerous: INFO is dangerous) status said nothing could
            // be evicted; whether Redis evicts is unknown, and the user may not ask.
            notPermitted.Add("eviction policy and evicted keys: INFO was not answered (not permitted to this ACL user, or a proxy) — whether Redis may evict list data is unknown; allow +info to the operators' user");
        }

        var imports = await Permitted<IReadOnlyDictionary<string, string>?>(
            async () => await ImportsAsync(catalog, entries).ConfigureAwait(false), null, "imports in progress").ConfigureAwait(false);
        var platform = await Permitted<RedisPlatformMark?>(
            async () => await _publisher.GetPlatformMarkAsync(cancellationToken).ConfigureAwait(false) is var mark && (mark.Version > 0 || mark.SnapshotInProgress > 0) ? mark : null,
            null, "platform mark").ConfigureAwait(false);
        // The catalog's lists the namespace holds no data of: hosts answer their subjects as not listed (and say so).
        // Unknown when the counts could not be read.
        // (Not the list the SDK fills with broken commitments: it is empty until a breach, and never imported.)
        IReadOnlyList<CreditList>? notHeld = catalog is null || changes is null ? null
            : [.. catalog.Lists.Where(l => !entries.ContainsKey(l.Code) && l.Code != CreditCommitments.ListCode)];
        return new StoreReport("redis", _options.Namespace, catalog?.Version, sequence, entries, changes, filterKeys, filterBytes, lag, damage, notPermitted, health, imports)
        {
            Platform = platform,
            ListsNotHeld = notHeld,
        };

        async Task<T> Permitted<T>(Func<Task<T>> read, T fallback, string what)
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOPERM", StringComparison.Ordinal))
            {
                notPermitted.Add($"{what}: {e.Message}");
                return fallback;
            }
        }
    }

    /// <summary>Per list, an import's lock held (running, or killed and not yet lapsed) or staging left by an import that
    /// did not finish (collected by the next import of the list): found from outside, an operator learnt of either only
    /// when the next import failed with exit 4.</summary>
    private async Task<IReadOnlyDictionary<string, string>> ImportsAsync(CreditCheck.Catalog.CreditCatalog? catalog, IReadOnlyDictionary<string, long> entries)
    {
        var database = _connection.GetDatabase();
        var prefix = $"cc:{{{_options.Namespace}}}:";
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var list in (catalog?.Lists.Select(l => l.Code) ?? []).Concat(entries.Keys).Distinct(StringComparer.Ordinal))
        {
            var lease = await database.KeyTimeToLiveAsync(prefix + "lock:" + list).ConfigureAwait(false);
            var staged = await database.KeyExistsAsync(prefix + "stage:gen:" + list).ConfigureAwait(false);
            if (lease is { } left)
            {
                found[list] = $"an import holds the lock (running, or stopped and lapsing within {Math.Ceiling(left.TotalSeconds):0} s)";
            }
            else if (staged)
            {
                found[list] = "staging left by an import that did not finish (invisible; the next import of the list collects it)";
            }
        }

        return found;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_reader is not null)
        {
            await _reader.DisposeAsync().ConfigureAwait(false);
        }

        await _publisher.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The lists of a folder, held in memory: seeded from the folder's files the first time, then
/// kept in the state folder (<c>--state</c>, by default DIR/.creditcheck) so that one command sees what the previous
/// one changed. A host's state folder (<c>InMemoryStoreOptions.StateDirectory</c>) is the same folder: the tool reads
/// and writes the feedback, commitments and counts the host keeps there.</summary>
internal sealed class MemoryOperatorStore : OperatorStore
{
    /// <summary>The default state folder under DIR (<c>--state</c> names another): the lists (<c>catalog.json</c>,
    /// <c>entries.json</c>) and the feedback (<c>feedback.jsonl</c>, see <see cref="Reporting.MemoryFeedbackFile"/>).</summary>
    public const string StateFolder = ".creditcheck";

    /// <summary>Under <see cref="StateFolder"/>: the change sequence when the lists were last saved.</summary>
    private const string SequenceFile = "sequence";
    private readonly DirectoryInfo _data;
    private readonly string _state;
    private readonly InMemoryCreditStore _store;

    private MemoryOperatorStore(DirectoryInfo data, string state, InMemoryCreditStore store)
    {
        _data = data;
        _state = state;
        _store = store;
    }

    public override string Description => Path.GetFullPath(_state) == Path.GetFullPath(Path.Combine(_data.FullName, StateFolder))
        ? $"memory store in {_data.FullName}"
        : $"memory store in {_data.FullName} (state in {_state})";

    public override ICreditPublisher Publisher => _store;

    /// <summary>Opens the lists of <paramref name="data"/> with their state in <paramref name="stateFolder"/>
    /// (<see cref="StoreSettings.State"/>).</summary>
    public static MemoryOperatorStore Open(DirectoryInfo data, DirectoryInfo stateFolder)
    {
        if (!data.Exists)
        {
            throw new CliException(ExitCodes.InvalidInput, $"The data folder '{data.FullName}' does not exist.");
        }

        // The lists' state exists once a command saved them; the folder alone may hold only feedback.
        var state = stateFolder.FullName;
        var options = new InMemoryStoreOptions { DataDirectory = File.Exists(Path.Combine(state, "entries.json")) ? state : data.FullName, InitialSequence = SavedSequence(state) };
        try
        {
            return new MemoryOperatorStore(data, state, InMemoryCreditStore.Load(options));
        }
        catch (Exception e) when (e is InvalidOperationException or CatalogValidationException)
        {
            throw new CliException(ExitCodes.InvalidInput, e.Message);
        }
    }

    // The sequence the last command saved: a new run goes on from it instead of starting again from the seed's.
    private static long SavedSequence(string state)
    {
        var path = Path.Combine(state, SequenceFile);
        if (!File.Exists(path))
        {
            return 0;
        }

        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : throw new CliException(ExitCodes.InvalidInput, $"“{path}”应只含一个非负整数（上次保存的变更序号），实为“{text}”", $"'{path}' should hold one non-negative integer (the change sequence last saved), not '{text}'.");
    }

    public override Task<CreditCatalog?> GetCatalogAsync(CancellationToken cancellationToken) => Task.FromResult<CreditCatalog?>(_store.Catalog);

    public override Task<ICreditStore> OpenReaderAsync(CancellationToken cancellationToken) => Task.FromResult<ICreditStore>(_store);

    public override Task<ICommitmentStore> OpenCommitmentsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ICommitmentStore>(new InMemoryCommitmentStore(_state));

    public override Task<IReadOnlyList<CheckCount>> ReadCountsAsync(DateOnly from, DateOnly until, CancellationToken cancellationToken) =>
        Task.FromResult(InMemoryCheckCounter.Read(Path.Combine(_state, InMemoryCheckCounter.FileName), from, until));

    public override Task<StoreReport> ReportAsync(CancellationToken cancellationToken) => Task.FromResult(new StoreReport(
        "memory",
        _data.FullName,
        _store.Catalog.Version,
        _store.Sequence,
        new SortedDictionary<string, long>(_store.CountByList().ToDictionary(p => p.Key, p => (long)p.Value), StringComparer.Ordinal),
        null,
        null,
        null,
        0));

    public override async Task SaveAsync(CancellationToken cancellationToken)
    {
        // Written beside, then moved over: an interrupted save leaves the previous state whole.
        var state = Directory.CreateDirectory(_state).FullName;
        await File.WriteAllTextAsync(Path.Combine(state, "catalog.json.tmp"), _store.Catalog.ToJson(), cancellationToken).ConfigureAwait(false);
        await using (var entries = File.Create(Path.Combine(state, "entries.json.tmp")))
        {
            ListFileWriter.WriteJson(entries, _store.Records());
        }

        await File.WriteAllTextAsync(Path.Combine(state, SequenceFile + ".tmp"), _store.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);

        File.Move(Path.Combine(state, "catalog.json.tmp"), Path.Combine(state, "catalog.json"), overwrite: true);
        File.Move(Path.Combine(state, "entries.json.tmp"), Path.Combine(state, "entries.json"), overwrite: true);
        File.Move(Path.Combine(state, SequenceFile + ".tmp"), Path.Combine(state, SequenceFile), overwrite: true);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
