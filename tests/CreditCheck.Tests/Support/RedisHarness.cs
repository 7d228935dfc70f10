using CreditCheck.Catalog;
using CreditCheck.Redis;

namespace CreditCheck.Tests.Support;

/// <summary>A namespace of its own on a real Redis, a publisher for it, and SDK stores reading it.</summary>
internal sealed class RedisHarness : IAsyncDisposable
{
    public const string Secret = "test-secret-0123456789abcdef";
    private readonly List<RedisCreditStore> _stores = [];

    private RedisHarness(IRedisDeployment server, string ns, RedisCreditPublisher publisher)
    {
        Server = server;
        Namespace = ns;
        Publisher = publisher;
    }

    public IRedisDeployment Server { get; }

    public string Namespace { get; }

    public RedisCreditPublisher Publisher { get; }

    public static async Task<RedisHarness> CreateAsync(IRedisDeployment server, CreditCatalog? catalog = null, Action<RedisStoreOptions>? configure = null, string? ns = null)
    {
        ns ??= "t" + Guid.NewGuid().ToString("N")[..12];
        var publisher = await RedisCreditPublisher.ConnectAsync(Options(server, ns, configure));
        await publisher.PublishCatalogAsync(catalog ?? TestCatalog.Create());
        return new RedisHarness(server, ns, publisher);
    }

    public static RedisStoreOptions Options(IRedisDeployment server, string ns, Action<RedisStoreOptions>? configure = null, string secret = Secret)
    {
        var options = new RedisStoreOptions
        {
            Configuration = server.Configuration,
            Namespace = ns,
            Secret = secret,
            StartupTimeout = TimeSpan.FromSeconds(10),
            PollInterval = TimeSpan.FromMilliseconds(200),
            OperationTimeout = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A started SDK store on this namespace.</summary>
    public async Task<RedisCreditStore> StartStoreAsync(CreditCheckOptions? checkOptions = null, Action<RedisStoreOptions>? configure = null, TimeProvider? time = null)
    {
        var store = new RedisCreditStore(Options(Server, Namespace, configure), checkOptions ?? new CreditCheckOptions(), null, time ?? TimeProvider.System, null);
        _stores.Add(store);
        await store.StartAsync();
        return store;
    }

    /// <summary>Waits (bounded) until the store has applied the sequence.</summary>
    public static async Task WaitForAsync(RedisCreditStore store, long sequence, int timeoutMs = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (store.Status.Sequence < sequence)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The store reached sequence {store.Status.Sequence}, not {sequence}, within {timeoutMs} ms ({store.Status.LastError}).");
            }

            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await Publisher.DisposeAsync();
    }
}
