using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CreditCheck.Adapters.Tests.Support;

/// <summary>The adapters on the Redis store: a namespace of its own on a real redis-server, the adapter
/// catalog published to it, entries written by the publisher, and a host's services reading it.</summary>
internal sealed class RedisAdapterHarness : IAsyncDisposable
{
    public const string Secret = "adapter-tests-secret-0123456789";

    private readonly RedisServer _server;
    private readonly string _namespace;
    private int _nextEntry;
    private ServiceProvider? _provider;

    private RedisAdapterHarness(RedisServer server, string ns, RedisCreditPublisher publisher)
    {
        _server = server;
        _namespace = ns;
        Publisher = publisher;
    }

    public RedisCreditPublisher Publisher { get; }

    public ServiceProvider Provider => _provider ?? throw new InvalidOperationException("Call StartAsync first.");

    public static async Task<RedisAdapterHarness> CreateAsync(RedisServer server)
    {
        var ns = "a" + Guid.NewGuid().ToString("N")[..12];
        var publisher = await RedisCreditPublisher.ConnectAsync(new RedisStoreOptions { Configuration = server.Configuration, Namespace = ns, Secret = Secret });
        await publisher.PublishCatalogAsync(AdapterCatalog.Create());
        return new RedisAdapterHarness(server, ns, publisher);
    }

    /// <summary>Lists a subject, in force for years around today (the store runs on the real clock).</summary>
    public async Task<long> ListAsync(SubjectId subject, string list, RelatedParty? related = null)
    {
        var n = Interlocked.Increment(ref _nextEntry);
        var now = TimeProvider.System.GetUtcNow();
        return await Publisher.UpsertAsync(new ListRecord(subject, new ListEntry
        {
            EntryId = $"{list}-{n:D4}",
            ListCode = list,
            SubjectKind = subject.Kind,
            SubjectName = "示例主体" + n,
            Authority = "认定部门",
            DecisionReference = $"（2026）文号{n}",
            ListedOn = now.AddYears(-1),
            ValidFrom = now.AddYears(-1),
            ValidUntil = now.AddYears(5),
            RelatedTo = related,
        }));
    }

    /// <summary>Builds the host's services on Redis with the adapters, and starts the store as a host would.</summary>
    public async Task<ServiceProvider> StartAsync(Action<CreditCheckBuilder> adapters, Action<CreditCheckOptions>? checkOptions = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddCreditCheck(checkOptions).UseRedis(_server.Configuration, o =>
        {
            o.Namespace = _namespace;
            o.Secret = Secret;
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            o.OperationTimeout = TimeSpan.FromSeconds(1);
        });
        adapters(builder);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        foreach (var hosted in _provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        if (!_provider.GetRequiredService<RedisCreditStore>().Status.IsSynchronized)
        {
            throw new InvalidOperationException("The Redis store did not synchronize: " + _provider.GetRequiredService<RedisCreditStore>().Status.LastError);
        }

        return _provider;
    }

    /// <summary>A reader of the namespace's feedback stream, as the platform would open it.</summary>
    public Task<RedisFeedbackReader> ReaderAsync() =>
        RedisFeedbackReader.ConnectAsync(new RedisStoreOptions { Configuration = _server.Configuration, Namespace = _namespace, Secret = Secret });

    /// <summary>Waits (bounded) until the host's store has applied a sequence.</summary>
    public async Task WaitForAsync(long sequence)
    {
        var store = Provider.GetRequiredService<RedisCreditStore>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (store.Status.Sequence < sequence)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The store reached sequence {store.Status.Sequence}, not {sequence}.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await Publisher.DisposeAsync();
    }
}
