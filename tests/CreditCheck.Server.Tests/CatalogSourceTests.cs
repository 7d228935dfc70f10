using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Time.Testing;

namespace CreditCheck.Server.Tests;

/// <summary>Where the service finds the catalog it validates scenarios against (<see cref="CatalogSource"/>).</summary>
public sealed class CatalogSourceTests
{
    [Fact]
    public async Task AStoreThatSaysItsCatalog_IsNeverAskedAboutASubject()
    {
        // Found from outside: on a dead Redis every check first waited for a lookup of a made-up subject (4 s, not 2),
        // and the log named a subject nobody had checked.
        var store = new CountingStore(health: true);
        var source = new CatalogSource(store, new FakeTimeProvider());

        var first = await source.CurrentAsync(CancellationToken.None);
        var second = await source.CurrentAsync(CancellationToken.None);

        Assert.Same(CreditCatalog.Default, first!.Catalog);
        Assert.Same(first, second);
        Assert.Equal(0, store.Lookups);
    }

    [Fact]
    public async Task AStoreThatDoesNotSay_IsAskedThroughALookup_AtMostOnceASecond()
    {
        var time = new FakeTimeProvider();
        var store = new CountingStore(health: false);
        var source = new CatalogSource(store, time);

        await source.CurrentAsync(CancellationToken.None);
        await source.CurrentAsync(CancellationToken.None);
        Assert.Equal(1, store.Lookups);

        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Same(CreditCatalog.Default, (await source.CurrentAsync(CancellationToken.None))!.Catalog);
        Assert.Equal(2, store.Lookups);
    }

    /// <summary>A store that answers every subject clean from the default catalog and counts the lookups; with
    /// <c>health</c> it also says its catalog, as the SDK's stores do.</summary>
    private class CountingStore(bool health) : ICreditStore, IStoreHealth
    {
        public int Lookups { get; private set; }

        public StoreHealth Health => new(true, true, 1, null, null) { Catalog = health ? CreditCatalog.Default : null };

        public ValueTask<SubjectLookup> LookupAsync(SubjectId subject, CancellationToken cancellationToken = default)
        {
            Lookups++;
            return new(new SubjectLookup(CreditCatalog.Default, [], [], LookupSource.Store, new StoreFreshness(1, DateTimeOffset.UnixEpoch)));
        }

        public async ValueTask<IReadOnlyList<SubjectLookup>> LookupManyAsync(IReadOnlyList<SubjectId> subjects, CancellationToken cancellationToken = default)
        {
            var lookups = new List<SubjectLookup>();
            foreach (var subject in subjects)
            {
                lookups.Add(await LookupAsync(subject, cancellationToken));
            }

            return lookups;
        }
    }
}
