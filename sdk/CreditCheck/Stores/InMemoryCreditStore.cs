using System.Collections.Concurrent;
using CreditCheck.Catalog;

namespace CreditCheck.Stores;

/// <summary>
/// The embedded default store: the catalog and every entry held in this process, authoritative and
/// answered without any I/O. Suits a single host, trials and tests; many hosts share the Redis store.
/// </summary>
/// <remarks>
/// Thread-safe: lookups run lock-free against immutable per-subject arrays; writes are serialized
/// and each bumps <see cref="Sequence"/>. An import validates every record before it changes
/// anything, so a refused import leaves the previous data as it was.
/// </remarks>
public sealed class InMemoryCreditStore : ICreditStore, ICreditPublisher, IStoreHealth
{
    // Records validated between two progress reports of an import.
    private const int ProgressEvery = 10_000;

    private static readonly FoundEntry[] None = [];
    private readonly ConcurrentDictionary<SubjectId, FoundEntry[]> _bySubject = new();
    private readonly Dictionary<string, HashSet<SubjectId>> _subjectsByList = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private volatile CreditCatalog _catalog;
    private long _sequence;
    private int _organizationCodeKeys;
    private int _entryCount;

    /// <summary>Creates an empty store with a catalog.</summary>
    /// <param name="catalog">The catalog; <see cref="CreditCatalog.Default"/> when null.</param>
    public InMemoryCreditStore(CreditCatalog? catalog = null) => _catalog = catalog ?? CreditCatalog.Default;

    /// <summary>The current catalog.</summary>
    public CreditCatalog Catalog => _catalog;

    /// <summary>The sequence of the last change.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Moves the sequence up to <paramref name="sequence"/> (never down), while the store is being loaded and
    /// not yet shared: see <see cref="InMemoryStoreOptions.InitialSequence"/>.</summary>
    internal void ContinueFrom(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        _sequence = Math.Max(_sequence, sequence);
    }

    /// <summary>Always synchronized and current: the data is here.</summary>
    StoreHealth IStoreHealth.Health => new(true, true, Sequence, null, null) { Catalog = Catalog };

    /// <summary>How many entries the store holds.</summary>
    public int EntryCount => Volatile.Read(ref _entryCount);

    /// <summary>How many entries each list holds.</summary>
    public IReadOnlyDictionary<string, int> CountByList()
    {
        lock (_writeLock)
        {
            return _subjectsByList.ToDictionary(
                p => p.Key,
                p => p.Value.Sum(s => _bySubject.TryGetValue(s, out var entries) ? entries.Count(e => e.Entry.ListCode == p.Key) : 0),
                StringComparer.Ordinal);
        }
    }

    /// <summary>Loads a store as <c>UseInMemory</c> does: the catalog, then every list file of
    /// <see cref="InMemoryStoreOptions.DataDirectory"/>, refusing to start on any bad row (each named).</summary>
    /// <param name="options">The catalog and the data folder.</param>
    /// <returns>The loaded store.</returns>
    /// <exception cref="InvalidOperationException">A list file has bad rows or the catalog was refused; the message names each.</exception>
    public static InMemoryCreditStore Load(InMemoryStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return InMemoryStoreSeeder.Create(options, out _);
    }

    /// <summary>Every record the store holds (for tools that save the store, e.g. with
    /// <see cref="ListFiles.ListFileWriter"/>).</summary>
    /// <returns>The records, subject by subject.</returns>
    public IEnumerable<ListRecord> Records()
    {
        foreach (var (subject, entries) in _bySubject)
        {
            foreach (var found in entries)
            {
                yield return new ListRecord(subject, found.Entry);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<SubjectLookup> LookupAsync(SubjectId subject, CancellationToken cancellationToken = default) =>
        new(Lookup(subject));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<SubjectLookup>> LookupManyAsync(IReadOnlyList<SubjectId> subjects, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var lookups = new SubjectLookup[subjects.Count];
        for (var i = 0; i < lookups.Length; i++)
        {
            lookups[i] = Lookup(subjects[i]);
        }

        return new ValueTask<IReadOnlyList<SubjectLookup>>(lookups);
    }

    /// <inheritdoc/>
    public Task<long> PublishCatalogAsync(CreditCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        lock (_writeLock)
        {
            // One version, one content: hosts take two catalogs of one version for the same one.
            if (_catalog.Version == catalog.Version && _catalog.ToJson() != catalog.ToJson())
            {
                throw new CatalogValidationException(
                    "the in-memory store",
                    [new CatalogProblem("$.version", $"version '{catalog.Version}' is already published with different content; give the changed catalog a new version")]);
            }

            _catalog = catalog;
            return Task.FromResult(Interlocked.Increment(ref _sequence));
        }
    }

    /// <inheritdoc/>
    public Task<long> UpsertAsync(ListRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_writeLock)
        {
            if (ListEntryRules.Check(record, _catalog) is { } problem)
            {
                throw new ListEntryException(problem);
            }

            Put(record);
            return Task.FromResult(Sequence);
        }
    }

    /// <inheritdoc/>
    public Task<bool> RemoveAsync(SubjectId subject, string listCode, string entryId, CancellationToken cancellationToken = default)
    {
        lock (_writeLock)
        {
            return Task.FromResult(Remove(subject, listCode, entryId));
        }
    }

    /// <inheritdoc/>
    public Task<bool> SetStatusAsync(SubjectId subject, string listCode, string entryId, EntryStatus status, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown entry status.");
        }

        lock (_writeLock)
        {
            if (Find(subject, listCode, entryId) is not { } entry)
            {
                return Task.FromResult(false);
            }

            Put(new ListRecord(subject, entry with { Status = status, StatusReason = reason }));
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, CancellationToken cancellationToken = default) =>
        ImportListAsync(listCode, records, mode, progress: null, cancellationToken);

    /// <inheritdoc/>
    public Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, IProgress<ImportProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(listCode);
        ArgumentNullException.ThrowIfNull(records);

        // Validate everything before touching anything.
        var incoming = new Dictionary<(SubjectId, string), ListRecord>();
        var catalog = _catalog;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ListEntryRules.EnsureImportable(record, listCode, catalog);

            var key = (record.Subject, record.Entry.EntryId);
            if (incoming.TryGetValue(key, out var earlier) && earlier.Entry != record.Entry)
            {
                throw new ListEntryException($"Entry '{record.Entry.EntryId}' of {record.Subject} appears twice in the import with different content.");
            }

            incoming[key] = record;
            if (progress is not null && incoming.Count % ProgressEvery == 0)
            {
                progress.Report(new ImportProgress(incoming.Count, 0, 0, 0));
            }
        }

        lock (_writeLock)
        {
            if (!ReferenceEquals(catalog, _catalog))
            {
                throw new ListEntryException("The catalog changed during the import; run it again.");
            }

            int added = 0, updated = 0, unchanged = 0, removed = 0;
            foreach (var record in incoming.Values)
            {
                switch (Find(record.Subject, listCode, record.Entry.EntryId))
                {
                    case null:
                        added++;
                        Put(record);
                        break;
                    case var existing when existing == record.Entry:
                        unchanged++;
                        break;
                    default:
                        updated++;
                        Put(record);
                        break;
                }
            }

            if (mode == ImportMode.Replace && _subjectsByList.TryGetValue(listCode, out var subjects))
            {
                foreach (var subject in subjects.ToArray())
                {
                    var stale = _bySubject.GetValueOrDefault(subject, None)
                        .Where(f => f.Entry.ListCode == listCode && !incoming.ContainsKey((subject, f.Entry.EntryId)))
                        .Select(f => f.Entry.EntryId)
                        .ToArray();
                    foreach (var entryId in stale)
                    {
                        removed += Remove(subject, listCode, entryId) ? 1 : 0;
                    }
                }
            }

            progress?.Report(new ImportProgress(incoming.Count, added, updated, unchanged));
            return Task.FromResult(new ImportSummary(listCode, added, updated, unchanged, removed, Sequence));
        }
    }

    private SubjectLookup Lookup(SubjectId subject)
    {
        // The sequence is read first: writers change data, then bump it, so the answer never claims
        // a sequence newer than its data.
        var freshness = new StoreFreshness(Sequence, null);
        var entries = _bySubject.GetValueOrDefault(subject, None);

        // Older entries may be stored under the 组织机构代码 that a 统一社会信用代码 embeds.
        if (Volatile.Read(ref _organizationCodeKeys) > 0
            && subject.EmbeddedOrganizationCode is { } organization
            && _bySubject.TryGetValue(organization, out var older))
        {
            entries = [.. entries, .. older];
        }

        return new SubjectLookup(_catalog, entries, [], LookupSource.Embedded, freshness);
    }

    private ListEntry? Find(SubjectId subject, string listCode, string entryId)
    {
        foreach (var found in _bySubject.GetValueOrDefault(subject, None))
        {
            if (found.Entry.ListCode == listCode && found.Entry.EntryId == entryId)
            {
                return found.Entry;
            }
        }

        return null;
    }

    // Callers hold _writeLock. Replaces the subject's array so readers never see a partial change.
    private void Put(ListRecord record)
    {
        var subject = record.Subject;
        var current = _bySubject.GetValueOrDefault(subject, None);
        var index = Array.FindIndex(current, f => f.Entry.ListCode == record.Entry.ListCode && f.Entry.EntryId == record.Entry.EntryId);
        if (index >= 0 && current[index].Entry == record.Entry)
        {
            return;
        }

        var found = new FoundEntry(record.Entry, subject.Scheme);
        FoundEntry[] next;
        if (index >= 0)
        {
            next = [.. current];
            next[index] = found;
        }
        else
        {
            next = [.. current, found];
            Interlocked.Increment(ref _entryCount);
            if (current.Length == 0 && subject.Scheme == IdentifierScheme.OrganizationCode)
            {
                Interlocked.Increment(ref _organizationCodeKeys);
            }
        }

        _bySubject[subject] = next;
        if (!_subjectsByList.TryGetValue(record.Entry.ListCode, out var subjects))
        {
            _subjectsByList[record.Entry.ListCode] = subjects = [];
        }

        subjects.Add(subject);
        Interlocked.Increment(ref _sequence);
    }

    // Callers hold _writeLock.
    private bool Remove(SubjectId subject, string listCode, string entryId)
    {
        var current = _bySubject.GetValueOrDefault(subject, None);
        var next = Array.FindAll(current, f => !(f.Entry.ListCode == listCode && f.Entry.EntryId == entryId));
        if (next.Length == current.Length)
        {
            return false;
        }

        if (next.Length == 0)
        {
            _bySubject.TryRemove(subject, out _);
            if (subject.Scheme == IdentifierScheme.OrganizationCode)
            {
                Interlocked.Decrement(ref _organizationCodeKeys);
            }
        }
        else
        {
            _bySubject[subject] = next;
        }

        if (!Array.Exists(next, f => f.Entry.ListCode == listCode))
        {
            _subjectsByList[listCode].Remove(subject);
        }

        Interlocked.Decrement(ref _entryCount);
        Interlocked.Increment(ref _sequence);
        return true;
    }
}
