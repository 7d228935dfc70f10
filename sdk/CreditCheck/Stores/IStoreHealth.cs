namespace CreditCheck.Stores;

/// <summary>What a store knows of its own state, for the health check and the feed-lag gauge. A store
/// that does not implement it is taken as always synchronized and current (as the embedded store is).</summary>
public interface IStoreHealth
{
    /// <summary>The store's state now; cheap to read (the health check and a gauge poll it).</summary>
    StoreHealth Health { get; }
}

/// <summary>A store's state at one moment.</summary>
/// <param name="Synchronized">It has data to answer from (the first sync completed).</param>
/// <param name="Fresh">Its state was confirmed current within <c>MaxStaleness</c>.</param>
/// <param name="Sequence">The change sequence applied.</param>
/// <param name="ConfirmedAt">When the state was last confirmed current; null when always current (embedded).</param>
/// <param name="LastError">The last error talking to the shared store, or null.</param>
/// <param name="Damage">What is wrong with the store's data (missing or damaged keys), or null; while set,
/// the store answers no subject "not listed" and the health check reports unhealthy.</param>
public readonly record struct StoreHealth(bool Synchronized, bool Fresh, long Sequence, DateTimeOffset? ConfirmedAt, string? LastError, string? Damage = null)
{
    /// <summary>The catalog the store answers with now, or null before its first sync (or when the store does not
    /// say): what a host shows or validates scenarios against without asking the store about a subject.</summary>
    public Catalog.CreditCatalog? Catalog { get; init; }
}

/// <summary>What the feedback delivery knows of its backlog, for the health check and gauges.</summary>
internal interface IFeedbackHealth
{
    /// <summary>Records acknowledged and not yet delivered.</summary>
    long Backlog { get; }

    /// <summary>Records that did not fit the memory buffer since start (with a journal, delivered later from it).</summary>
    long Overflowed { get; }

    /// <summary>Records lost to overflow since start (only without a journal).</summary>
    long Dropped { get; }
}
