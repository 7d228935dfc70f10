using System.Collections.Frozen;
using CreditCheck.Catalog;

namespace CreditCheck.Stores;

/// <summary>
/// The read side of a store, as the checker sees it (SPI for store authors; hosts use
/// <see cref="ICreditChecker"/>). Implementations: the embedded in-memory store and the Redis store.
/// </summary>
/// <remarks>
/// A lookup never throws for an unreachable backend: it returns a <see cref="SubjectLookup"/>
/// whose <see cref="SubjectLookup.Source"/> says what happened, and the checker applies the host's
/// policy. Implementations must be thread-safe; lookups run concurrently.
/// </remarks>
public interface ICreditStore
{
    /// <summary>Every entry the store holds for the subject (including its alternative keys, such as
    /// the 组织机构代码 embedded in a 统一社会信用代码), with the catalog they are consistent with.</summary>
    /// <param name="subject">A parsed, non-empty subject id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<SubjectLookup> LookupAsync(SubjectId subject, CancellationToken cancellationToken = default);

    /// <summary>The same for many subjects at once, in order; a networked store reads them in one round trip.</summary>
    /// <param name="subjects">Parsed, non-empty subject ids.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<IReadOnlyList<SubjectLookup>> LookupManyAsync(IReadOnlyList<SubjectId> subjects, CancellationToken cancellationToken = default);
}

/// <summary>What a store knows of one subject.</summary>
/// <param name="Catalog">The catalog the entries are consistent with; null only when the store has
/// never had one (<see cref="LookupSource.Unavailable"/> before the first sync).</param>
/// <param name="Entries">The entries found; empty for a clean subject.</param>
/// <param name="Unreadable">Entries the store holds but could not read (corrupt data); the checker
/// never answers <c>Clear</c> over them.</param>
/// <param name="Source">Which path answered.</param>
/// <param name="Freshness">The change sequence the answer reflects and when it was current.</param>
/// <param name="Problem">Why the answer is not current (for <see cref="LookupSource.LastKnown"/> and
/// <see cref="LookupSource.Unavailable"/>), else null.</param>
public readonly record struct SubjectLookup(
    CreditCatalog? Catalog,
    IReadOnlyList<FoundEntry> Entries,
    IReadOnlyList<UnreadableEntry> Unreadable,
    LookupSource Source,
    StoreFreshness Freshness,
    string? Problem = null)
{
    /// <summary>The credit platform's id for the query that answered (a query-through store), or null;
    /// the decision carries it so feedback refers to it.</summary>
    public string? PlatformRequestId { get; init; }

    /// <summary>The codes of the lists the store holds data of — imported at least once, or followed from the credit
    /// platform — or null when it holds every list of its catalog (or does not say). A subject on a catalog list the store
    /// does not hold cannot be found, so the checker names such lists in <see cref="CreditDecision.ListsNotHeld"/>.
    /// Give every lookup of one store state the same set, and a new one when the state changes: the checker keeps what
    /// it derives from a set for as long as it is given that same (immutable) set.</summary>
    public FrozenSet<string>? ListsHeld { get; init; }
}

/// <summary>An entry found for a subject, and the key that found it.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="MatchedBy">The identifier scheme of the key it is stored under (an older entry may
/// be found by the 组织机构代码 embedded in a 统一社会信用代码).</param>
public readonly record struct FoundEntry(ListEntry Entry, IdentifierScheme MatchedBy);

/// <summary>The change sequence an answer reflects.</summary>
/// <param name="Sequence">The last change applied.</param>
/// <param name="AsOf">When that state was last confirmed current; null for an authoritative local store.</param>
public readonly record struct StoreFreshness(long Sequence, DateTimeOffset? AsOf);

/// <summary>Which path answered a lookup.</summary>
public enum LookupSource
{
    /// <summary>The embedded store, which holds all data locally and is authoritative.</summary>
    Embedded = 1,

    /// <summary>The local filter proved the subject is not listed; no network round trip.</summary>
    LocalFilter = 2,

    /// <summary>The local cache of a listed subject's entries.</summary>
    Cache = 3,

    /// <summary>A read from the shared store.</summary>
    Store = 4,

    /// <summary>The shared store could not answer; this is the last known state (policy <c>LastKnown</c>).</summary>
    LastKnown = 5,

    /// <summary>The shared store could not answer and nothing is known; the checker applies the policy.</summary>
    Unavailable = 6,
}
