using System.Text;
using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace CreditCheck.Benchmarks.Support;

/// <summary>One SDK instance as a host builds it (DI), on the Redis store or the embedded store.</summary>
internal sealed class Sdk : IAsyncDisposable
{
    public const string Secret = "benchmark-secret-0123456789abcdef";
    public const string Namespace = "bench";

    private readonly ServiceProvider _provider;

    private Sdk(ServiceProvider provider)
    {
        _provider = provider;
        Checker = provider.GetRequiredService<ICreditChecker>();
        Store = provider.GetRequiredService<ICreditStore>();
    }

    public ICreditChecker Checker { get; }

    public ICreditStore Store { get; }

    /// <summary>The Redis store, or null for the embedded one.</summary>
    public RedisCreditStore? RedisStore => Store as RedisCreditStore;

    /// <summary>The options a publisher and every SDK instance of this run share.</summary>
    public static RedisStoreOptions RedisOptions(string configuration) => new()
    {
        Configuration = configuration,
        Namespace = Namespace,
        Secret = Secret,
    };

    /// <summary>The publisher's options: as <see cref="RedisOptions"/>, with a minute for each command, since a
    /// 10,000,000-subject import on cores shared with other work has seen one script wait over 5 s.</summary>
    public static RedisStoreOptions PublisherOptions(string configuration) => RedisOptions(configuration + ",syncTimeout=60000,asyncTimeout=60000");

    /// <summary>The subject keys the naive integration computes itself (HMAC of the id under the shared secret).</summary>
    internal static SubjectKeys NaiveKeys() => new(Encoding.UTF8.GetBytes(Secret));

    /// <summary>The prefix of a subject's hash, <c>cc:{ns}:e:</c>; the key is this and the subject key.</summary>
    internal static string EntriesPrefix { get; } = new RedisKeys(Namespace).EntriesPrefix;

    /// <summary>The namespace prefix, <c>cc:{ns}:</c>, the SDK's lookup script takes.</summary>
    internal static string Prefix { get; } = new RedisKeys(Namespace).Prefix;

    /// <summary>An SDK on the Redis store with default options, started and synchronized.</summary>
    public static async Task<Sdk> StartRedisAsync(string configuration, Action<RedisStoreOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseRedis(configuration, o =>
        {
            o.Namespace = Namespace;
            o.Secret = Secret;
            configure?.Invoke(o);
        });
        var sdk = new Sdk(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        var store = sdk.RedisStore!;
        await store.StartAsync().ConfigureAwait(false);
        if (!store.Status.IsSynchronized)
        {
            await sdk.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The SDK did not synchronize with Redis: {store.Status.LastError}");
        }

        return sdk;
    }

    /// <summary>An SDK on the embedded in-memory store, loaded with the same lists.</summary>
    public static async Task<Sdk> StartInMemoryAsync(ListedData data)
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.Catalog = CreditCatalog.Default);
        var sdk = new Sdk(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        var publisher = sdk._provider.GetRequiredService<ICreditPublisher>();
        foreach (var (list, records) in data.ByList)
        {
            await publisher.ImportListAsync(list, records, ImportMode.Replace).ConfigureAwait(false);
        }

        return sdk;
    }

    /// <summary>An SDK on the embedded in-memory store, loaded with the first <paramref name="listed"/> listed
    /// subjects (<see cref="ListedData.Stream"/>: no record set held beside the store).</summary>
    public static async Task<Sdk> StartInMemoryAsync(int listed)
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.Catalog = CreditCatalog.Default);
        var sdk = new Sdk(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        var publisher = sdk._provider.GetRequiredService<ICreditPublisher>();
        foreach (var (list, records) in ListedData.Stream(listed))
        {
            await publisher.ImportListAsync(list, records, ImportMode.Replace).ConfigureAwait(false);
        }

        return sdk;
    }

    /// <summary>Publishes the default catalog and <paramref name="listed"/> listed subjects made as they are
    /// imported (<see cref="ListedData.Stream"/>); returns the rows imported per second.</summary>
    public static async Task<double> PublishAsync(RedisCreditPublisher publisher, int listed)
    {
        await publisher.PublishCatalogAsync(CreditCatalog.Default).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var (list, records) in ListedData.Stream(listed))
        {
            await publisher.ImportListAsync(list, records, ImportMode.Replace).ConfigureAwait(false);
        }

        return listed / System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Publishes the default catalog and the lists; returns the rows imported per second.</summary>
    public static async Task<double> PublishAsync(RedisCreditPublisher publisher, ListedData data)
    {
        await publisher.PublishCatalogAsync(CreditCatalog.Default).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var (list, records) in data.ByList)
        {
            await publisher.ImportListAsync(list, records, ImportMode.Replace).ConfigureAwait(false);
        }

        return data.Count / System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync().ConfigureAwait(false);
}
