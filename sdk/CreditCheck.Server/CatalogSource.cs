using CreditCheck.Catalog;
using CreditCheck.Stores;

namespace CreditCheck.Server;

/// <summary>The catalog the store currently answers with, for <c>GET /v1/catalog</c> and for naming an unknown
/// scenario before a batch is checked. Read from the store's health (<see cref="StoreHealth.Catalog"/>), which costs
/// no call to Redis; a store that does not say is asked through a lookup, at most once a second. Thread-safe.</summary>
internal sealed class CatalogSource(ICreditStore store, TimeProvider time)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private static readonly SubjectId Probe = SubjectId.Parse("91350100M000100Y43", SubjectKind.LegalEntity);
    private volatile CatalogView? _view;

    /// <summary>The current catalog, or null when the store has none yet (a Redis store before its first sync).</summary>
    public async ValueTask<CatalogView?> CurrentAsync(CancellationToken cancellationToken)
    {
        if (store is InMemoryCreditStore embedded)
        {
            return Of(embedded.Catalog);
        }

        if (store is IStoreHealth { Health.Catalog: { } current })
        {
            return _view is { } known && ReferenceEquals(known.Catalog, current) ? known : Of(current);
        }

        // A store that does not say its catalog: a lookup of a made-up subject carries it (a Redis store never
        // takes this path: a dead Redis once made every check wait for this lookup's timeout first).
        var view = _view;
        if (view is not null && time.GetUtcNow() - view.FetchedAt < Refresh)
        {
            return view;
        }

        var lookup = await store.LookupAsync(Probe, cancellationToken).ConfigureAwait(false);
        return lookup.Catalog is null ? view : Of(lookup.Catalog);
    }

    private CatalogView Of(CreditCatalog catalog)
    {
        var view = _view;
        if (view is not null && ReferenceEquals(view.Catalog, catalog))
        {
            if (store is not InMemoryCreditStore)
            {
                _view = view with { FetchedAt = time.GetUtcNow() };
            }

            return _view ?? view;
        }

        view = new CatalogView(catalog, time.GetUtcNow());
        _view = view;
        return view;
    }
}

/// <summary>A catalog and the scenario codes it declares.</summary>
/// <param name="Catalog">The catalog.</param>
/// <param name="FetchedAt">When it was read from the store.</param>
internal sealed record CatalogView(CreditCatalog Catalog, DateTimeOffset FetchedAt)
{
    private readonly HashSet<string> _codes = new(Catalog.Scenarios.Select(s => s.Code), StringComparer.Ordinal);

    /// <summary>The top-level scenario codes, for messages.</summary>
    public string TopLevel { get; } = string.Join(", ", Catalog.Scenarios.Where(s => s.ParentCode is null).Select(s => s.Code));

    /// <summary>Whether the checker will accept the scenario: declared, or a sub-code of a declared one
    /// (it then uses the nearest declared ancestor) that is not a slip of a declared code.</summary>
    public bool Knows(string scenario)
    {
        if (!Scenario.IsWellFormedCode(scenario))
        {
            return false; // as the checker: 'procurement..bid' is not read as 'procurement'
        }

        if (!_codes.Contains(scenario) && Catalog.SuggestScenario(scenario) is not null)
        {
            return false; // as the checker: 'market-access.registraton' is not read as 'market-access'
        }

        var code = scenario.AsSpan();
        while (true)
        {
            if (_codes.GetAlternateLookup<ReadOnlySpan<char>>().Contains(code))
            {
                return true;
            }

            var dot = code.LastIndexOf('.');
            if (dot <= 0)
            {
                return false;
            }

            code = code[..dot];
        }
    }
}
