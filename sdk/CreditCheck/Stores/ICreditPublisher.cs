using CreditCheck.Catalog;

namespace CreditCheck.Stores;

/// <summary>
/// The write side of a store: what the operator tool and platform integrations use to load the
/// catalog and the lists. Every change bumps the store's sequence, so readers see it.
/// </summary>
/// <remarks>Implementations validate every entry against the current catalog before writing
/// anything and are thread-safe.</remarks>
public interface ICreditPublisher
{
    /// <summary>Replaces the catalog.</summary>
    /// <param name="catalog">A validated catalog.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The sequence of the change.</returns>
    Task<long> PublishCatalogAsync(CreditCatalog catalog, CancellationToken cancellationToken = default);

    /// <summary>Adds an entry of a subject, or replaces that subject's entry with the same list code and
    /// entry id. Entries are kept per subject: to move an entry to a corrected identifier, remove it
    /// from the wrong subject (or re-import the list in replace mode).</summary>
    /// <param name="record">The subject and its entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The sequence of the change, or the current sequence when the entry was already stored as is.</returns>
    /// <exception cref="ListEntryException">The entry does not fit the catalog.</exception>
    Task<long> UpsertAsync(ListRecord record, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="listCode">The entry's list.</param>
    /// <param name="entryId">The entry's id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether the entry existed.</returns>
    Task<bool> RemoveAsync(SubjectId subject, string listCode, string entryId, CancellationToken cancellationToken = default);

    /// <summary>Changes an entry's status: repair (修复), objection (异议), revoke (撤销) or restore.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="listCode">The entry's list.</param>
    /// <param name="entryId">The entry's id.</param>
    /// <param name="status">The new status.</param>
    /// <param name="reason">Why (the repair decision, the objection's reference …).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether the entry existed.</returns>
    Task<bool> SetStatusAsync(SubjectId subject, string listCode, string entryId, EntryStatus status, string reason, CancellationToken cancellationToken = default);

    /// <summary>Loads a whole list. In <see cref="ImportMode.Replace"/> mode, entries of the list absent
    /// from <paramref name="records"/> are removed. Unchanged entries produce no change.</summary>
    /// <param name="listCode">The list being loaded; every record must belong to it.</param>
    /// <param name="records">The list's entries.</param>
    /// <param name="mode">Merge or replace.</param>
    /// <param name="cancellationToken">Cancels the import; nothing is changed then.</param>
    /// <exception cref="ListEntryException">A record does not fit the catalog; nothing is written.</exception>
    Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ImportListAsync(string, IEnumerable{ListRecord}, ImportMode, CancellationToken)"/>,
    /// reporting to <paramref name="progress"/> as records are taken (a few times a second at most for a
    /// big list, and once at the end).</summary>
    /// <param name="listCode">The list being loaded; every record must belong to it.</param>
    /// <param name="records">The list's entries.</param>
    /// <param name="mode">Merge or replace.</param>
    /// <param name="progress">Receives the counts so far, or null.</param>
    /// <param name="cancellationToken">Cancels the import; nothing is changed then.</param>
    /// <returns>What the import changed.</returns>
    /// <exception cref="ListEntryException">A record does not fit the catalog; nothing is written.</exception>
    Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, IProgress<ImportProgress>? progress, CancellationToken cancellationToken = default);
}

/// <summary>How far an import has got.</summary>
/// <param name="Records">Records taken from the source so far.</param>
/// <param name="Added">Of those, new entries.</param>
/// <param name="Updated">Entries whose content changed.</param>
/// <param name="Unchanged">Entries already stored as given.</param>
public readonly record struct ImportProgress(long Records, long Added, long Updated, long Unchanged);

/// <summary>A subject and one of its entries, as publishers write them.</summary>
/// <param name="Subject">The subject's id.</param>
/// <param name="Entry">The entry.</param>
public sealed record ListRecord(SubjectId Subject, ListEntry Entry);

/// <summary>How an import treats entries of the list that the new data does not contain.</summary>
public enum ImportMode
{
    /// <summary>Keep them.</summary>
    Merge = 1,

    /// <summary>Remove them: the new data is the whole list.</summary>
    Replace = 2,
}

/// <summary>What an import changed.</summary>
/// <param name="ListCode">The list.</param>
/// <param name="Added">New entries.</param>
/// <param name="Updated">Entries whose content changed.</param>
/// <param name="Unchanged">Entries already stored as given.</param>
/// <param name="Removed">Entries removed (replace mode).</param>
/// <param name="Sequence">The store's sequence after the import.</param>
public sealed record ImportSummary(string ListCode, int Added, int Updated, int Unchanged, int Removed, long Sequence)
{
    /// <summary>Of the unchanged entries, those the store was missing (deleted, or evicted by Redis) and the import
    /// wrote back; 0 for a store that cannot lose entries.</summary>
    public int Restored { get; init; }
}
