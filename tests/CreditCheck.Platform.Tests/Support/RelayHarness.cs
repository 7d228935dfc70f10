using CreditCheck.Platform.Protocol;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Platform.Tests.Support;

/// <summary>A redis-server, a namespace, and what the relay tests do with them: run the relay from the
/// tool, open hosts (RedisCreditStore instances following the namespace's change feed) and compare the
/// namespace with the platform's lists.</summary>
public sealed class RelayHarness : IAsyncDisposable
{
    public const string NamespaceSecret = "namespace-secret-0123456789";

    private readonly List<RedisCreditStore> _hosts = [];

    private RelayHarness(RedisServer redis, string ns)
    {
        Redis = redis;
        Namespace = ns;
    }

    public RedisServer Redis { get; }

    public string Namespace { get; }

    public RedisStoreOptions StoreOptions => new()
    {
        Configuration = Redis.Configuration,
        Namespace = Namespace,
        Secret = NamespaceSecret,
        PollInterval = TimeSpan.FromMilliseconds(200),
    };

    public static async Task<RelayHarness> StartAsync() => new(await RedisServer.StartAsync(), "platform" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The environment of the tool: the namespace's Redis and secret, the platform secret.</summary>
    public Dictionary<string, string> Environment(string platformSecret = PlatformProcess.Secret) => new()
    {
        ["CREDITCHECK_REDIS"] = Redis.Configuration,
        ["CREDITCHECK_NAMESPACE"] = Namespace,
        ["CREDITCHECK_SECRET"] = NamespaceSecret,
        ["CREDITCHECK_PLATFORM_SECRET"] = platformSecret,
    };

    /// <summary><c>creditcheck platform sync --platform … --client … [more]</c> as a process.</summary>
    public CliProcess StartRelay(Uri platform, params string[] more) =>
        CliProcess.Start(Environment(), ["platform", "sync", "--platform", platform.ToString(), "--client", PlatformProcess.Client, .. more]);

    /// <summary>Runs <c>platform sync --once</c> to its end and asserts it succeeded.</summary>
    public async Task<string> SyncOnceAsync(Uri platform, params string[] more)
    {
        var (code, output, error) = await CliProcess.RunAsync(Environment(), TimeSpan.FromMinutes(5),
            ["platform", "sync", "--platform", platform.ToString(), "--client", PlatformProcess.Client, "--once", .. more]);
        Assert.True(code == 0, $"platform sync --once exited {code}:\n{output}\n{error}");
        return output;
    }

    public async Task<RedisCreditPublisher> PublisherAsync() => await RedisCreditPublisher.ConnectAsync(StoreOptions);

    /// <summary>A host reading the namespace (started; disposed with the harness).</summary>
    public async Task<RedisCreditStore> HostAsync()
    {
        var host = new RedisCreditStore(StoreOptions);
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    /// <summary>The platform version recorded in the namespace.</summary>
    public async Task<RedisPlatformMark> MarkAsync()
    {
        await using var publisher = await PublisherAsync();
        return await publisher.GetPlatformMarkAsync();
    }

    /// <summary>Waits until the namespace records <paramref name="version"/> (or later).</summary>
    public async Task WaitForVersionAsync(long version, TimeSpan timeout, Func<string>? context = null)
    {
        await using var publisher = await PublisherAsync();
        var until = DateTime.UtcNow + timeout;
        RedisPlatformMark mark;
        while ((mark = await publisher.GetPlatformMarkAsync()).Version < version || mark.SnapshotInProgress != 0)
        {
            Assert.True(DateTime.UtcNow < until, $"The namespace is at platform version {mark.Version} (snapshot {mark.SnapshotInProgress}), not {version}, after {timeout.TotalSeconds:F0} s.\n{context?.Invoke()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Asserts that the namespace holds exactly the platform's entries (each list's count, and
    /// every entry's subject, list, id and status as a host reads it).</summary>
    internal async Task AssertEqualAsync(IReadOnlyList<Entry> platform)
    {
        await using var publisher = await PublisherAsync();
        var (counts, _) = await publisher.CountAsync();
        var expected = platform.GroupBy(e => e.ListCode).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), counts.Where(p => p.Value > 0).OrderBy(p => p.Key, StringComparer.Ordinal));

        await using var host = new RedisCreditStore(StoreOptions);
        await host.StartAsync();
        var bySubject = platform.GroupBy(e => e.Subject).ToList();
        foreach (var batch in bySubject.Chunk(500))
        {
            var ids = batch.Select(g => PlatformEntries.Subject(g.Key, g.First().SubjectKind, g.First().ListCode, g.First().EntryId)).ToList();
            var lookups = await host.LookupManyAsync(ids);
            for (var i = 0; i < batch.Length; i++)
            {
                var want = batch[i].Select(e => $"{e.ListCode}/{e.EntryId}/{(int)e.Status}").Order(StringComparer.Ordinal);
                var have = lookups[i].Entries.Select(f => $"{f.Entry.ListCode}/{f.Entry.EntryId}/{(int)f.Entry.Status}").Order(StringComparer.Ordinal);
                Assert.Equal(want, have);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }
}
