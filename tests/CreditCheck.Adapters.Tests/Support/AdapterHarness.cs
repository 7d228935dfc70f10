using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CreditCheck.Adapters.Tests.Support;

/// <summary>The real checker over the embedded store with the adapter catalog, on a clock the test sets,
/// with the adapters registered as a host would.</summary>
internal sealed class AdapterHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(8));

    private int _nextEntry;

    private AdapterHarness(ServiceProvider provider, FakeTimeProvider time)
    {
        Provider = provider;
        Time = time;
        Publisher = provider.GetRequiredService<ICreditPublisher>();
    }

    public ServiceProvider Provider { get; }

    public FakeTimeProvider Time { get; }

    public ICreditPublisher Publisher { get; }

    public static AdapterHarness Create(
        Action<CreditCheckBuilder> adapters,
        CreditCatalog? catalog = null,
        Action<IServiceCollection>? services = null,
        Action<CreditCheckOptions>? checkOptions = null)
    {
        var time = new FakeTimeProvider(Now);
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(time);
        services?.Invoke(collection);
        var builder = collection.AddCreditCheck(checkOptions).UseInMemory(o => o.Catalog = catalog ?? AdapterCatalog.Create());
        adapters(builder);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new AdapterHarness(provider, time);
    }

    public T Get<T>()
        where T : notnull => Provider.GetRequiredService<T>();

    /// <summary>Starts what a host starts (feedback delivery).</summary>
    public async Task StartAsync()
    {
        foreach (var hosted in Provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits (bounded) until the embedded feedback store holds at least this many records.</summary>
    public async Task<IReadOnlyList<FeedbackRecord>> DeliveredAsync(int count)
    {
        var store = Get<InMemoryFeedbackStore>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (store.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return store.Snapshot();
    }

    /// <summary>Lists a subject, in force from a year ago to a year ahead unless told otherwise.</summary>
    public async Task<ListEntry> ListAsync(
        SubjectId subject,
        string list,
        EntryStatus status = EntryStatus.Active,
        RelatedParty? related = null,
        DateTimeOffset? from = null,
        DateTimeOffset? until = null,
        string? name = null)
    {
        var n = Interlocked.Increment(ref _nextEntry);
        var entry = new ListEntry
        {
            EntryId = $"{list}-{n:D4}",
            ListCode = list,
            SubjectKind = subject.Kind,
            SubjectName = name ?? "示例主体" + n,
            Authority = "认定部门",
            DecisionReference = $"（2026）文号{n}",
            ListedOn = Now.AddYears(-1),
            ValidFrom = from ?? Now.AddYears(-1),
            ValidUntil = until ?? Now.AddYears(1),
            Status = status,
            RelatedTo = related,
        };
        await Publisher.UpsertAsync(new ListRecord(subject, entry));
        return entry;
    }

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
