using System.Globalization;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>The watch on subjects' entry hashes (<c>cc:{ns}:e:…</c>), which no manifest covers: one deleted or
/// evicted leaves its list looking whole while the subject it lists reads empty. At each resync and idle poll one
/// read-only script reads the node's evictions against the publisher's verified mark and samples a few index
/// fields per list; while keys may have been evicted, or a sampled entry is missing, an empty read of a subject
/// the local filter holds is damage, not a clean bill. And every such empty read is proven at once, whatever the
/// sample saw: a subject whose list's committed data still names it is damage (<see cref="ProveEmptyReadsAsync"/>).</summary>
public sealed partial class RedisCreditStore
{
    // Missing entries remembered (and checked again at each poll until an import restores them).
    private const int MaxKnownMissing = 16;

    private volatile string? _entryDamage;
    private List<MissingEntry> _knownMissing = [];

    // What the last idle check found, and the listed subjects found with an empty entry hash by a check (re-checked at
    // each poll until an import restores or removes them); the damage is made of the three, under _entryLock.
    private readonly Lock _entryLock = new();
    private string? _entrySuspicion;
    private List<EmptyListed> _knownEmpty = [];
    private long _emptyReadProofs;
    private long _emptyReadsRuledOut;

    // When the known empties were last proven again in Redis: O(listed) each time, so at most once a minute (their
    // hashes, one HGETALL each, are read at every poll).
    private DateTimeOffset _knownEmptyProvenAt;

    // Lists with removals whose index could not be searched within the operation timeout, and until when they are not
    // searched again: a search costs Redis up to that long, and a subject checked again and again must not repeat it.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _unsearchableUntil = new(StringComparer.Ordinal);

    /// <summary>How long a list whose index could not be searched in time is not searched again.</summary>
    internal TimeSpan UnsearchableFor { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Test hook: as if a search of the list's index had just run out of time.</summary>
    internal void MarkUnsearchable(string list) => _unsearchableUntil[list] = _time.GetUtcNow() + UnsearchableFor;

    /// <summary>Test and benchmark hook: fingerprints of empty reads proven against the lists in Redis.</summary>
    internal long EmptyReadProofs => Interlocked.Read(ref _emptyReadProofs);

    /// <summary>Test and benchmark hook: fingerprints of empty reads that the proof filter ruled out locally.</summary>
    internal long EmptyReadsRuledOut => Interlocked.Read(ref _emptyReadsRuledOut);

    /// <summary>Test hook: bytes of filter sources one proof script call scans (a multiple of 8).</summary>
    internal int ProofScanBytes { get; set; } = ListMembership.ScanBytesPerCall;

    /// <summary>Test and benchmark hook: false sends every empty read of a subject the filter holds to Redis for proof.</summary>
    internal bool UseProofFilter { get; set; } = true;

    /// <summary>Test and benchmark hook: whether the local filter holds the subject (or its embedded organization code).</summary>
    internal bool FilterHolds(SubjectId subject) => _state is { } state && MayBeListed(state, subject);

    /// <summary>Index fields sampled per list at each idle poll (HRANDFIELD); test hook.</summary>
    internal int EntrySampleSize { get; set; } = 16;

    /// <summary>For a read that found no entry: why it is not a clean answer, or null. Entry damage only
    /// concerns subjects the filter holds: the filter rules the others out, and its source is guarded by the manifests.</summary>
    private string? EmptyReadDamage(Probe probe) =>
        _damage ?? (probe.MayBeListed && _entryDamage is { } damage
            ? $"{_connection!.Keys.Entries(probe.Key!)} holds no entry although the local filter holds the subject, and {damage}"
            : null);

    /// <summary>Reads the node's evictions and the verified mark, samples each list's index, checks again the
    /// entries known missing; sets or clears the entry damage.</summary>
    private async Task CheckEntriesAsync()
    {
        var connection = _connection!;
        var known = _knownMissing;
        var arguments = new List<RedisValue>(2 + (known.Count * 2)) { connection.Keys.Prefix, EntrySampleSize };
        foreach (var entry in known)
        {
            arguments.Add(entry.List);
            arguments.Add(entry.IndexField);
        }

        var result = (RedisResult[])(await connection.EvaluateAsync(RedisScripts.EntryCheck, [connection.Keys.Sequence], [.. arguments])
            .WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false))!;
        var suspicion = EvictionWatch.Parse((string?)result[0]).Suspicion((string?)result[1]);
        var flat = (RedisResult[])result[2]!;
        var missing = new List<MissingEntry>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i + 3 < flat.Length && missing.Count < MaxKnownMissing; i += 4)
        {
            var entry = new MissingEntry((string)flat[i]!, (string)flat[i + 1]!, (string)flat[i + 2]!, (string)flat[i + 3]!);
            if (seen.Add((entry.List, entry.IndexField)))
            {
                missing.Add(entry);
            }
        }

        var resolved = await ResolvedEmptiesAsync(connection).ConfigureAwait(false);
        lock (_entryLock)
        {
            _knownMissing = missing;
            _entrySuspicion = suspicion;
            if (resolved.Count > 0)
            {
                _knownEmpty = [.. _knownEmpty.Where(e => !resolved.Contains(e))];
            }

            SetEntryDamage(Describe(missing, suspicion, _knownEmpty));
        }
    }

    private string? Describe(List<MissingEntry> missing, string? suspicion, List<EmptyListed> empties)
    {
        var parts = new List<string>(3);
        if (empties.Count > 0)
        {
            var named = string.Join(", ", empties.Take(3).Select(e => $"{_connection!.Keys.Entries(e.Key)} (list '{e.List}')"));
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{empties.Count} subject{(empties.Count == 1 ? "" : "s")} the local filter holds read with no entry although the list's committed data names {(empties.Count == 1 ? "it" : "them")} (found by a check; the entry hash was deleted, or evicted by a maxmemory policy): {named}{(empties.Count > 3 ? ", …" : "")}"));
        }

        if (missing.Count > 0)
        {
            var named = string.Join(", ", missing.Take(3).Select(m => $"{m.Key} has no field '{m.Field.Replace('\t', '⇥')}'"));
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{missing.Count} entr{(missing.Count == 1 ? "y" : "ies")} named by a list's index but missing from the subject's entry hash (found by sampling; deleted, or evicted by a maxmemory policy): {named}{(missing.Count > 3 ? ", …" : "")}"));
        }

        if (suspicion is not null)
        {
            parts.Add($"{suspicion}: subjects' entry hashes may have been evicted (verify and repair: creditcheck verify)");
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>Logs a change, then makes it visible. When it clears, the cache goes too: it may hold
    /// empty reads of subjects whose entries were missing then.</summary>
    private void SetEntryDamage(string? damage)
    {
        var before = _entryDamage;
        if (damage == before)
        {
            return;
        }

        if (damage is not null)
        {
            Log.EntryDataDamaged(_logger, _options.Namespace, damage);
        }
        else
        {
            _cache.Clear();
            Log.EntryDataRestored(_logger, _options.Namespace);
        }

        _entryDamage = damage;
    }

    private static string? Combine(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first}; {second}";

    /// <summary>Whether an empty read needs proof: the filter holds the subject, Redis answered, and nothing was found
    /// (a read already degraded, or with entries or unreadable ones, is its own answer).</summary>
    private static bool NeedsProof(Probe probe, SubjectLookup lookup) =>
        probe.MayBeListed && lookup.Source == LookupSource.Store && lookup.Entries.Count == 0 && lookup.Unreadable.Count == 0;

    /// <summary>The one-subject path of <see cref="ProveEmptyReadsAsync"/>: nothing to do (no allocation) unless the read
    /// needs proof.</summary>
    private ValueTask<SubjectLookup> ProveEmptyReadAsync(SyncState state, Probe probe, SubjectLookup lookup, CancellationToken cancellationToken) =>
        NeedsProof(probe, lookup) ? ProveOneAsync(state, probe, lookup, cancellationToken) : new(lookup);

    private async ValueTask<SubjectLookup> ProveOneAsync(SyncState state, Probe probe, SubjectLookup lookup, CancellationToken cancellationToken) =>
        (await ProveEmptyReadsAsync(state, [probe], [lookup], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Under a replica read preference, reads again on the primary each subject the filter holds that a
    /// replica read with no entry, before any proof: a replica knows nothing of a cluster slot's migration, and reads
    /// a key already moved off its primary as missing (found from outside: listed subjects were degraded while a
    /// slot moved, and the proof, a script, is refused then). Each read is a command of its own, which the cluster
    /// redirects (ASK) while the slot moves. A subject still empty, or a read that fails, is left to the proof.</summary>
    private async Task ReadEmptyOnPrimaryAsync(SyncState state, List<Probe> probes, SubjectLookup[] lookups, CancellationToken cancellationToken)
    {
        List<int>? again = null;
        for (var i = 0; i < probes.Count; i++)
        {
            if (NeedsProof(probes[i], lookups[i]))
            {
                (again ??= []).Add(i);
            }
        }

        if (again is null)
        {
            return;
        }

        var connection = _connection!;
        var reads = ReadOnPrimaryApart(connection, [.. again.Select(i => probes[i])]);
        try
        {
            await Task.WhenAll(reads.OfType<Task<HashEntry[]>>()).WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            Observed(reads, cause);
            return; // the proof decides, or degrades
        }

        var freshness = new StoreFreshness(Interlocked.Read(ref _applied), _time.GetUtcNow());
        for (var j = 0; j < again.Count; j++)
        {
            var (main, other) = (reads[2 * j]!.Result, reads[(2 * j) + 1]?.Result);
            if (main.Length == 0 && (other is null || other.Length == 0))
            {
                continue;
            }

            var i = again[j];
            lookups[i] = EntrySelector.IsAhead(state.Generations, main) || (other is not null && EntrySelector.IsAhead(state.Generations, other))
                ? (await ReadAheadAsync(state, [probes[i]], cancellationToken).ConfigureAwait(false))[0]
                : Found(state, probes[i], main, other, freshness);
        }
    }

    /// <summary>Proves each empty read of a subject the local filter holds against the lists' committed data
    /// (<see cref="ListMembership"/>): a filter false positive, or a subject removed from its list, stays "not listed"
    /// (and is cached); a subject a list still names is damage — its entry hash was deleted or evicted — answered
    /// degraded, naming the key, and reported as the store's damage until an import restores it. Whatever cannot be
    /// proven (Redis fails, a list with removals too long to search in time) is degraded too, never "not listed".
    /// Returns <paramref name="lookups"/>, changed where needed. <paramref name="readOnPrimary"/>: the reads were made on
    /// the primary whatever the read preference, so a replica's empty read is not read there again first.</summary>
    private async ValueTask<SubjectLookup[]> ProveEmptyReadsAsync(SyncState state, List<Probe> probes, SubjectLookup[] lookups, CancellationToken cancellationToken, bool readOnPrimary = false)
    {
        if (_options.ReadPreference != RedisReadPreference.Primary && !readOnPrimary)
        {
            await ReadEmptyOnPrimaryAsync(state, probes, lookups, cancellationToken).ConfigureAwait(false);
        }

        List<(ulong Fingerprint, string Key)>? subjects = null;
        List<int>? owners = null;
        for (var i = 0; i < probes.Count; i++)
        {
            var probe = probes[i];
            if (!NeedsProof(probe, lookups[i]))
            {
                continue;
            }

            // Only the fingerprints both filters hold: the others are in no list's filter source, so not listed.
            var fingerprint = state.Keys.Fingerprint(probe.Subject);
            if (NeedsRedisProof(state, fingerprint))
            {
                (subjects ??= []).Add((fingerprint, probe.Key!));
                (owners ??= []).Add(i);
            }

            if (probe.AlternateKey is not null && probe.Subject.EmbeddedOrganizationCode is { } organization
                && NeedsRedisProof(state, fingerprint = state.Keys.Fingerprint(organization)))
            {
                (subjects ??= []).Add((fingerprint, probe.AlternateKey));
                (owners ??= []).Add(i);
            }

            if (owners is null || owners[^1] != i)
            {
                RememberNotListed(probe); // ruled out locally
            }
        }

        if (subjects is null)
        {
            return lookups;
        }

        Interlocked.Add(ref _emptyReadProofs, subjects.Count);
        var connection = _connection!;
        var applied = Interlocked.Read(ref _applied);
        ListMembership.Finding[] findings;
        long sequence;
        try
        {
            findings = await ListMembership.FindAsync(connection, subjects, _options.OperationTimeout, _time, Searchable, cancellationToken, ProofScanBytes).ConfigureAwait(false);

            // Read after the lists: a namespace flushed or replaced before or during their scan shows here, and its
            // empty lists prove nothing (the feed would notice only at its next poll).
            sequence = (long?)await connection.Database.StringGetAsync(connection.Keys.Sequence)
                .WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false) ?? 0;
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            var reason = $"Redis could not tell whether a subject the local filter holds, with no entry in {connection.Keys.Entries(subjects[0].Key)}, is listed ({cause.GetType().Name}: {cause.Message}){connection.Shard()}.";
            NoteError(reason);
            LogLookupFailed(probes[owners![0]].Subject.Masked, reason);
            foreach (var i in owners.Distinct())
            {
                lookups[i] = Fallback(state, probes[i], reason);
            }

            return lookups;
        }

        if (sequence < applied)
        {
            var damage = NamespaceWentBack(applied, sequence);
            Wake(); // the feed's poll sees it too, and reads everything anew
            foreach (var i in owners!.Distinct())
            {
                lookups[i] = Damaged(state, probes[i].Freshness, damage);
            }

            return lookups;
        }

        var decided = new HashSet<int>();
        for (var j = 0; j < findings.Length; j++)
        {
            var (i, finding, key) = (owners![j], findings[j], connection.Keys.Entries(subjects[j].Key));
            if (finding.Listed)
            {
                var damage = $"{key} holds no entry although list '{finding.List}' names the subject ({connection.Keys.ListFingerprints(finding.List!)} holds its fingerprint; the entry hash was deleted, or evicted by a maxmemory policy; verify and repair: creditcheck verify)";
                NoteError(damage);
                RememberEmpty(new EmptyListed(finding.List!, subjects[j].Key, subjects[j].Fingerprint));
                lookups[i] = Damaged(state, probes[i].Freshness, damage);
                decided.Add(i);
            }
            else if (finding.Unresolved && decided.Add(i))
            {
                var until = _unsearchableUntil.GetOrAdd(finding.List!, _ => _time.GetUtcNow() + UnsearchableFor);
                var reason = $"{key} holds no entry, and whether list '{finding.List}' still names the subject (its fingerprint is in {connection.Keys.ListFingerprints(finding.List!)}, which also holds entries removed since the list's last replace import) could not be told within {_options.OperationTimeout.TotalMilliseconds:0} ms by searching {connection.Keys.ListIndex(finding.List!)} (not searched again before {until:HH:mm:ss} UTC; a replace import that changes the list rebuilds its filter source and makes the answer exact and cheap again)";
                NoteError(reason);
                lookups[i] = new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.Unavailable, probes[i].Freshness, reason + ".") { ListsHeld = state.ListsHeld };
            }
        }

        foreach (var i in owners!.Distinct())
        {
            if (!decided.Contains(i))
            {
                RememberNotListed(probes[i]);
            }
        }

        return lookups;
    }

    /// <summary>Caches a subject proven not listed like any read (Found leaves empty reads of subjects the filter holds
    /// to the proof).</summary>
    private void RememberNotListed(Probe probe) =>
        _cache.Remember(probe.Subject, new CachedSubject(NoEntries, NoProblems, probe.Key!, probe.AlternateKey), probe.CacheGeneration);

    /// <summary>Whether a list with removals may be searched now: not while an earlier search of it ran out of time.</summary>
    private bool Searchable(string list)
    {
        if (!_unsearchableUntil.TryGetValue(list, out var until))
        {
            return true;
        }

        if (_time.GetUtcNow() < until)
        {
            return false;
        }

        _unsearchableUntil.TryRemove(KeyValuePair.Create(list, until));
        return true;
    }

    /// <summary>Whether a fingerprint the main filter may hold must be looked for in Redis: the proof filter holds it too.</summary>
    private bool NeedsRedisProof(SyncState state, ulong fingerprint)
    {
        if (!state.Filter.MayContain(fingerprint))
        {
            return false;
        }

        if (UseProofFilter && state.Filter.Proof is { } proof && !proof.MayContain(fingerprint))
        {
            Interlocked.Increment(ref _emptyReadsRuledOut);
            return false;
        }

        return true;
    }

    /// <summary>Adds a listed subject found with an empty entry hash to the store's damage (logged once, event 2111).</summary>
    private void RememberEmpty(EmptyListed empty)
    {
        lock (_entryLock)
        {
            if (!_knownEmpty.Contains(empty) && _knownEmpty.Count < MaxKnownMissing)
            {
                _knownEmpty = [.. _knownEmpty, empty];
            }

            SetEntryDamage(Describe(_knownMissing, _entrySuspicion, _knownEmpty));
        }
    }

    /// <summary>Of the listed subjects found with an empty entry hash, those no longer so: their hash has a field of the
    /// list's committed generation again (an import restored it; read at every poll), or no list names them any more
    /// (removed; proven again at most once a minute).</summary>
    private async Task<HashSet<EmptyListed>> ResolvedEmptiesAsync(RedisConnection connection)
    {
        var known = _knownEmpty;
        var resolved = new HashSet<EmptyListed>();
        var still = new List<EmptyListed>();
        if (known.Count == 0)
        {
            return resolved;
        }

        // The committed generations and every known-empty hash in one round trip, not two per subject.
        var database = connection.Database;
        var generationsRead = database.HashGetAllAsync(connection.Keys.Generations);
        var hashReads = known.Select(e => database.HashGetAllAsync(connection.Keys.Entries(e.Key))).ToArray();
        await Task.WhenAll([generationsRead, .. hashReads]).WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false);
        var generations = generationsRead.Result.ToDictionary(g => (string)g.Name!, g => long.TryParse((string?)g.Value, CultureInfo.InvariantCulture, out var committed) ? committed : -1, StringComparer.Ordinal); // unreadable: matches no field
        for (var i = 0; i < known.Count; i++)
        {
            var empty = known[i];
            var generation = generations.GetValueOrDefault(empty.List);
            if (hashReads[i].Result.Any(f => FieldName.TryParse((byte[])f.Name!, out var name) && name.List == empty.List && name.Generation == generation))
            {
                resolved.Add(empty);
            }
            else
            {
                still.Add(empty);
            }
        }

        if (still.Count > 0 && _time.GetUtcNow() - _knownEmptyProvenAt >= TimeSpan.FromMinutes(1))
        {
            _knownEmptyProvenAt = _time.GetUtcNow();
            var findings = await ListMembership.FindAsync(connection, [.. still.Select(e => (e.Fingerprint, e.Key))], _options.OperationTimeout, _time, Searchable, CancellationToken.None, ProofScanBytes).ConfigureAwait(false);
            for (var j = 0; j < still.Count; j++)
            {
                if (!findings[j].Listed && !findings[j].Unresolved)
                {
                    resolved.Add(still[j]);
                }
            }
        }

        return resolved;
    }

    /// <summary>A subject a list's committed data names (<see cref="Fingerprint"/> in its filter source) whose entry
    /// hash (<c>e:{Key}</c>) read empty.</summary>
    private readonly record struct EmptyListed(string List, string Key, ulong Fingerprint);

    /// <summary>An index field (<c>subjectKey⇥entryId</c> of a list) whose entry field is missing from <see cref="Key"/>.</summary>
    private readonly record struct MissingEntry(string List, string IndexField, string Key, string Field);
}
