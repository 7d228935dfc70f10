using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using CreditCheck.Catalog;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>The change feed: connects, subscribes to the wake-up, polls the change log, applies its
/// records in sequence, and resyncs everything when it cannot.</summary>
public sealed partial class RedisCreditStore
{
    private Task EnsureStartedAsync()
    {
        lock (_startLock)
        {
            return _start ??= ConnectAndRunAsync();
        }
    }

    private async Task ConnectAndRunAsync()
    {
        // With abortConnect=false this returns even while Redis is down; the feed keeps trying.
        _connection = await RedisConnection.ConnectAsync(_options, _sharedMultiplexer, _connectionFailures).ConfigureAwait(false);

        // After a reconnect the server may have restarted or failed over: read everything anew. On a cluster a
        // failed primary is replaced by its replica, to which the client was connected all along: no restore
        // follows. The promoted replica may lack the last writes the old primary acknowledged, so its sequence can
        // go back and then forward again with other changes; only reading everything anew is safe. The
        // subscription's own link is left out: the change-log poll, not the wake-up, carries the changes.
        _connection.Multiplexer.ConnectionRestored += OnConnectionRestored;
        _connection.Multiplexer.ConnectionFailed += OnConnectionFailed;
        _feed = Task.Run(() => RunFeedAsync(_stop.Token));
    }

    // Found from outside: both events once shared one handler, and the resync logged "the connection to Redis was
    // restored" 58 ms after a primary was killed. Each now says what happened, and where; a resync follows either.
    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        _connectionFailures.Failed(e);
        RequestResync(e, $"a connection to Redis failed ({RedisConnection.Format(e.EndPoint)}, {e.ConnectionType}: {e.FailureType})");
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _connectionFailures.Restored(e);
        RequestResync(e, $"a connection to Redis was restored ({RedisConnection.Format(e.EndPoint)}, {e.ConnectionType})");
    }

    private void RequestResync(ConnectionFailedEventArgs e, string reason)
    {
        if (e.ConnectionType != ConnectionType.Subscription)
        {
            RequestResync(reason);
        }
    }

    /// <summary>Asks the feed to read everything anew, saying why (event 2103).</summary>
    private void RequestResync(string reason)
    {
        // Events that come before the feed takes them are named together (a failure, then its restore), bounded.
        lock (_resyncReasonLock)
        {
            _resyncReason = _resyncReason is null ? reason
                : _resyncReason.Length < 1_000 ? $"{_resyncReason}; then {reason}"
                : _resyncReason;
        }

        _resyncRequested = true;
        Wake();
    }

    private string TakeResyncReason()
    {
        lock (_resyncReasonLock)
        {
            var reason = _resyncReason ?? "a read anew was asked for";
            _resyncReason = null;
            return reason;
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // already awake
        }
        catch (ObjectDisposedException)
        {
            // stopping
        }
    }

    // With the retries' backoff capped at 2 s: a warning about every two minutes while the same error lasts.
    private const int RepeatFeedWarningEvery = 60;

    /// <remarks>Every Redis call it waits for also ends when <paramref name="stop"/> is cancelled: a store disposed
    /// while Redis is down does not wait for the client's timeouts (a host on a dead Redis once took 54 s to be
    /// disposed).</remarks>
    private async Task RunFeedAsync(CancellationToken stop)
    {
        var resync = true;
        var subscribed = false;
        var failures = 0;
        string? failing = null; // the start of the current streak's error
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!subscribed)
                {
                    // The wake-up; the client resubscribes by itself after a reconnect.
                    await _connection!.Multiplexer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_connection.Keys.Notify), (_, _) => Wake()).WaitAsync(stop).ConfigureAwait(false);
                    subscribed = true;
                }

                if (_resyncRequested)
                {
                    _resyncRequested = false;
                    resync = true;
                    Log.Resync(_logger, _options.Namespace, TakeResyncReason());
                }

                if (!_feedPaused)
                {
                    resync = resync ? !await ResyncAsync().ConfigureAwait(false) : !await PollAsync().ConfigureAwait(false);
                }

                failures = 0;
            }
            catch (Exception e) when ((e is SecretMismatchException or EvictionPolicyException or RedisUserMismatchException) && _state is null)
            {
                // Before the first sync: the host's start fails with it (nothing to retry into).
                NoteError(e.Message);
                _ready.TrySetException(e);
                return;
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return; // stopping: whatever failed mid-way no longer matters
            }
            catch (Exception e)
            {
                failures++;
                var shard = _connection?.Shard() ?? string.Empty;
                var error = $"{e.GetType().Name}: {e.Message}{shard}";

                // A warning with the stack trace when a streak of failures starts, when the error changes, and every
                // RepeatFeedWarningEvery failures; in between, one line at Debug: a dead Redis or a mistyped namespace
                // fails on every retry, up to twice a second. Errors are compared by their start: the client's
                // messages end with counters that change on every try.
                var kind = WarningThrottle.KindOf(error);
                if (failures == 1 || kind != failing || failures % RepeatFeedWarningEvery == 0)
                {
                    Log.FeedFailed(_logger, e, _options.Namespace, shard);
                }
                else
                {
                    Log.FeedStillFailing(_logger, _options.Namespace, failures, error);
                }

                NoteError(error);
                failing = kind;
            }

            var delay = failures > 0
                ? TimeSpan.FromMilliseconds(Math.Min(2000, 50 << Math.Min(failures, 6)))
                : resync ? TimeSpan.Zero : _options.PollInterval;
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await _wake.WaitAsync(delay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Reads everything anew: catalog, filter sources, sequence. True when done; false when an
    /// import committed while the filter sources were read (then it is tried again at once; after
    /// <see cref="MaxResyncRestartsInARow"/> such restarts in a row, in one consistent step that cannot be).</summary>
    /// <remarks>One script reads the small things atomically (sequence, catalog, generations, manifests, each
    /// list's length); the fingerprints follow in pieces (<see cref="FilterSourceReader"/>), built into a new
    /// filter while the old one still answers; then the generations are read again. Unchanged, the pieces
    /// are the snapshot's lists (upserts only append, and what they appended arrives through the change log
    /// from the snapshot's sequence); changed, the new filter is dropped and the resync starts over.</remarks>
    private async Task<bool> ResyncAsync()
    {
        // A loss a lookup finds after this read is not this read's to settle: taken now, cleared only if unchanged.
        var lost = _lost;
        var connection = _connection!;
        var started = _time.GetUtcNow();
        await connection.VerifyUserAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false);

        // Restarted too often in a row (a publisher importing all the time): the snapshot and the filter sources in
        // one script, which nothing can interleave with. It holds the sources in one reply (and blocks the server
        // while it copies them), so it is the exception, not the way every resync reads.
        var consistent = _resyncRestartsInARow >= MaxResyncRestartsInARow;
        if (consistent)
        {
            Log.ResyncConsistentStep(_logger, _options.Namespace, _resyncRestartsInARow);
        }

        var reply = await connection.EvaluateAsync(
                consistent ? RedisScripts.ConsistentSnapshot : RedisScripts.Snapshot,
                [connection.Keys.Sequence],
                consistent ? [connection.Keys.Prefix, FilterPieceBytes] : [connection.Keys.Prefix])
            .WaitAsync(_options.OperationTimeout * (consistent ? 20 : 5), _time, _stop.Token).ConfigureAwait(false);
        var result = consistent ? (RedisResult[])((RedisResult[])reply!)[0]! : (RedisResult[])reply!;
        var sequence = long.Parse((string)result[0]!, CultureInfo.InvariantCulture);
        var fingerprint = (string)result[1]!;
        if (fingerprint.Length == 0)
        {
            LoseNamespace($"Namespace '{_options.Namespace}' has no data any more in Redis database {connection.Database.Database}");

            // Most often a typo in the namespace or the database number, not a namespace still to be set up.
            throw new InvalidOperationException(
                $"Namespace '{_options.Namespace}' has no data yet in Redis database {connection.Database.Database}: no publisher has set it up there. "
                + "Check the namespace and the database for a typo; `creditcheck catalog publish` sets a namespace up.");
        }

        if (fingerprint != connection.SubjectKeys.SecretFingerprint)
        {
            LoseNamespace($"Namespace '{_options.Namespace}' was set up again with a different secret");
            throw new SecretMismatchException(_options.Namespace, fingerprint, connection.SubjectKeys.SecretFingerprint);
        }

        var catalogJson = (string)result[3]!;
        if (catalogJson.Length == 0)
        {
            LoseNamespace($"Namespace '{_options.Namespace}' has no catalog any more");
            throw new InvalidOperationException($"Namespace '{_options.Namespace}' has no catalog; publish one.");
        }

        var catalog = CreditCatalog.Parse(catalogJson);
        await CheckEvictionPolicyAsync().ConfigureAwait(false);
        var generations = Generations((RedisResult[])result[4]!);
        var manifested = (string)result[5]! == "1";
        var manifests = Pairs((RedisResult[])result[6]!);
        var sources = new List<FilterSourceReader.Source>();
        long keys = 0;
        var epoch = (string)result[7]!;
        if (_state is { } before && WentBack(before, sequence, generations, epoch) is { } how)
        {
            LoseNamespace(how);
            lost = _lost;
        }

        for (var i = 8; i + 3 < result.Length; i += 4)
        {
            var length = (long)result[i + 1];
            sources.Add(new FilterSourceReader.Source((string)result[i]!, Math.Max(0, length)));
            keys += Math.Max(0, length) / 8;
        }

        var filter = new SplitBlockBloomFilter(keys) { Proof = new ProofFilter(keys) };
        FilterSourceReader.Read[] reads;
        if (consistent)
        {
            // Read in the snapshot's own step: nothing to confirm afterwards.
            reads = FilterSourceReader.Add((RedisResult[])((RedisResult[])reply!)[1]!, filter);
            Interlocked.Increment(ref _consistentResyncs);
        }
        else
        {
            reads = await FilterSourceReader.ReadAsync(connection.Database, connection.Keys, sources, filter, _options.OperationTimeout, _time, FilterPieceBytes, FilterPiecesInFlight, FilterPieceRead).ConfigureAwait(false);
            for (var i = 0; i < sources.Count; i++)
            {
                if (reads[i].Bytes != sources[i].Length)
                {
                    // Cut or replaced while read: whatever the manifests say (or when there are none), read it again.
                    return StartOver($"{connection.Keys.ListFingerprints(sources[i].List)} changed length while it was read ({sources[i].Length} bytes, then {reads[i].Bytes}); reading the filter sources again");
                }
            }

            var after = (RedisResult[])(await connection.EvaluateAsync(RedisScripts.Generations, [connection.Keys.Sequence], [connection.Keys.Prefix])
                .WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false))!;
            if (long.Parse((string)after[0]!, CultureInfo.InvariantCulture) < sequence || !SameGenerations(generations, Generations((RedisResult[])after[1]!)))
            {
                return StartOver("an import committed while the filter sources were read; reading them again");
            }
        }

        _resyncRestartsInARow = 0;

        // Every list's data against its manifest: a damaged filter source or index must not answer "not listed".
        var damage = new List<string>();
        for (var i = 8; manifested && i + 3 < result.Length; i += 4)
        {
            var (list, read) = (sources[(i - 8) / 4].List, reads[(i - 8) / 4]);
            if (ListIntegrity.Check(connection.Keys, list, manifests.GetValueOrDefault(list), read.Bytes, read.Checksum, (long)result[i + 2], (string)result[i + 3]!, generations.GetValueOrDefault(list)) is { } problem)
            {
                damage.Add(problem);
            }
        }

        if (!manifested && sources.Count > 0 && !_warnedUnverified)
        {
            _warnedUnverified = true;
            Log.ListDataUnverified(_logger, _options.Namespace);
        }

        // Cached entries stay valid when nothing changed (a resync after a reconnect, say): they are
        // what the LastKnown policy answers from while Redis is away.
        if (sequence != Interlocked.Read(ref _applied) || _state?.Catalog.Version != catalog.Version)
        {
            _cache.Clear();
        }

        _listsToReload = ListsToReload(catalog, generations, epoch, lost);
        Interlocked.CompareExchange(ref _lost, null, lost);

        if (ListsNotReloaded() is { } notReloaded)
        {
            damage.Add(notReloaded);
        }

        // Damage found is made visible before the filter built from the damaged data, and damage gone only after
        // the whole filter replaces the damaged one: no lookup sees a damaged filter and no damage.
        var found = damage.Count == 0 ? null : string.Join("; ", damage);
        if (found is not null)
        {
            SetDamage(found);
        }

        // Entry hashes (which no manifest covers) are checked before the new state answers, and so is the platform mark.
        await CheckEntriesAsync().ConfigureAwait(false);
        await ReadPlatformBehindAsync().ConfigureAwait(false);
        // Subjects of lost single changes stay answered by the policy until their list is imported again (a new
        // generation), or the change is made again (ApplyAsync); set before the new state answers from the older data.
        _lostEntries = _lostEntries?.Without(e => generations.GetValueOrDefault(e.List) != e.StaleGeneration);
        var previous = Interlocked.Read(ref _applied);
        if (_state is not null && sequence < previous)
        {
            var lostChanges = TakeLost(sequence);
            Log.ChangesLost(_logger, _options.Namespace, previous, sequence, DescribeLost(lostChanges));
            _lostEntries = LostEntries.Union(_lostEntries, LostSingleChanges(lostChanges, generations));
        }
        else if (_state is not null && sequence > previous)
        {
            // Changes this read applies in full are remembered too (found in CI: a reconnect's read anew took two
            // upserts before the change log did, and their loss then named nothing).
            // The latest of them (sequences are consecutive), read as the poll reads the log: the SDK's ACL has no ZREVRANGEBYSCORE.
            var applied = await connection.Database.SortedSetRangeByScoreWithScoresAsync(connection.Keys.Changes, Math.Max(previous, sequence - RecentChangesKept), sequence, Exclude.Start)
                .WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false);
            foreach (var change in applied)
            {
                RememberApplied((long)change.Score, change.Element!);
            }
        }

        var held = ListsHeld(generations.Keys.Concat(sources.Select(s => s.List)));
        WarnListsNotHeld(catalog, held);
        _state = new SyncState(catalog, filter, (string)result[2]! == "1", connection.SubjectKeys, generations, held, epoch);
        Interlocked.Exchange(ref _applied, sequence);
        Confirm(started);
        SetDamage(found);
        _lastError = _damage is { } damaged ? new StoreError(damaged, Interlocked.Read(ref _confirmations)) : null;
        if (_damage is not null)
        {
            // What the cheap check reads now: until it changes (repaired, re-imported), no resync again.
            _damageSummary = (await ReadIntegrityAsync().ConfigureAwait(false)).Summary;
        }
        Log.Synchronized(_logger, _options.Namespace, sequence, catalog.Version, filter.Count, filter.SizeInBytes);
        _ready.TrySetResult();
        return true;
    }

    /// <summary>Once per store: reads <c>maxmemory-policy</c> (from INFO, which the SDK's ACL allows) and warns
    /// unless it is <c>noeviction</c>, or refuses to start when <see cref="RedisStoreOptions.RequireNoEviction"/>.</summary>
    private async Task CheckEvictionPolicyAsync()
    {
        if (_evictionPolicyChecked)
        {
            return;
        }

        string? policy = null;
        try
        {
            // INFO through a script on the namespace's server: StackExchange.Redis 3.x refuses INFO without
            // admin mode, and a script needs only the +info the SDK's ACL user has.
            var connection = _connection!;
            var answer = await connection.EvaluateAsync(RedisScripts.EvictionPolicy, [connection.Keys.Sequence], [])
                .WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false);
            policy = answer.IsNull ? null : (string?)answer;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // INFO refused (a proxy, a restricted user) or unanswered: nothing to tell; the manifests still guard.
        }

        _evictionPolicyChecked = true;
        if (policy is not null && policy != "noeviction")
        {
            if (_options.RequireNoEviction)
            {
                throw new EvictionPolicyException(_options.Namespace, policy);
            }

            Log.EvictionPolicy(_logger, policy);
        }
    }

    /// <summary>A resync read the filter sources while they changed: it is counted and tried again (in one
    /// consistent step after <see cref="MaxResyncRestartsInARow"/> in a row). Always false.</summary>
    private bool StartOver(string reason)
    {
        _resyncRestartsInARow++;
        Interlocked.Increment(ref _resyncRestarts);
        Log.Resync(_logger, _options.Namespace, reason);
        return false;
    }

    private static Dictionary<string, long> Generations(RedisResult[] flat)
    {
        var generations = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            generations[(string)flat[i]!] = (long)flat[i + 1];
        }

        return generations;
    }

    private static bool SameGenerations(Dictionary<string, long> before, Dictionary<string, long> after) =>
        before.Count == after.Count && before.All(g => after.TryGetValue(g.Key, out var now) && now == g.Value);

    private static Dictionary<string, string> Pairs(RedisResult[] flat)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            pairs[(string)flat[i]!] = (string)flat[i + 1]!;
        }

        return pairs;
    }

    /// <summary><see cref="VerifyAsync"/>, unless the namespace's cluster slot is being moved: its scripts then refuse
    /// (they would see half the keys), and a move by hand can take minutes. The sequence just read, redirected like any
    /// single read, proves no change was missed, so the host stays current; the check runs again once the move is done.
    /// (Found from outside: after the staleness limit every lookup went to Redis and was refused.)</summary>
    private async Task<bool> VerifyOrDeferAsync()
    {
        try
        {
            return await VerifyAsync().ConfigureAwait(false);
        }
        catch (RedisServerException e) when (IsSlotMoving(e))
        {
            Log.VerifyDeferred(_logger, _options.Namespace);
            return true;
        }
    }

    /// <summary>The cheap check while idle (lengths, generations: one small script): catches a filter
    /// source or index deleted, evicted or truncated since the last sync. False when a resync is needed:
    /// the data changed since damage was found (repaired, re-imported), so the filter is rebuilt and checked
    /// in full. Damage that stays as it was costs one small script per poll, not a resync.</summary>
    private async Task<bool> VerifyAsync()
    {
        await CheckEntriesAsync().ConfigureAwait(false);
        var (problems, summary) = await ReadIntegrityAsync().ConfigureAwait(false);
        if (problems.Count > 0)
        {
            SetDamage(string.Join("; ", ListsNotReloaded() is { } notReloaded ? [.. problems, notReloaded] : problems));
            _damageSummary = summary;
            return true;
        }

        return _damage is null || summary == _damageSummary;
    }

    /// <summary>The problems the cheap check finds, and a summary of what it read (to tell whether the data
    /// changed since).</summary>
    private async Task<(List<string> Problems, string Summary)> ReadIntegrityAsync()
    {
        var connection = _connection!;
        var result = (RedisResult[])(await connection.EvaluateAsync(RedisScripts.Verify, [connection.Keys.Sequence], [connection.Keys.Prefix])
            .WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false))!;
        var problems = new List<string>();
        var summary = new System.Text.StringBuilder();
        if ((string)result[0]! != "1")
        {
            return (problems, string.Empty); // not a manifested namespace: nothing to verify against
        }

        var manifests = Pairs((RedisResult[])result[1]!);
        if ((string)result[2]! is { Length: > 0 } manifestError)
        {
            problems.Add(manifestError);
        }

        foreach (var list in ((RedisResult[])result[3]!).Select(l => (string)l!))
        {
            if (!manifests.ContainsKey(list))
            {
                problems.Add($"{connection.Keys.Manifest} has no field for list '{list}' although the list has data (the manifest was deleted or damaged)");
            }
        }

        for (var i = 4; i + 4 < result.Length; i += 5)
        {
            var list = (string)result[i]!;
            var generation = long.TryParse((string)result[i + 3]!, NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : -1;
            summary.Append(list).Append('=').Append(manifests[list]).Append('/').Append((long)result[i + 1]).Append('/').Append((long)result[i + 2]).Append('/').Append(generation).Append(';');
            if (ListIntegrity.CheckLengths(connection.Keys, list, manifests[list], (long)result[i + 1], (long)result[i + 2], (string)result[i + 4]!, generation) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return (problems, summary.ToString());
    }

    /// <summary>The namespace this host synced is gone or replaced in Redis (flushed, lost in a failover, set up again):
    /// what Redis now holds cannot tell that a subject is not listed, so, like damaged list data, it vouches for no one
    /// (every empty read is degraded) until a resync succeeds and clears it. No-op before the first sync.</summary>
    /// <returns>The damage as reported.</returns>
    private string LoseNamespace(string what)
    {
        var damage = $"{what} (its data was flushed, lost or replaced since this host synced); no read from it is trusted to say a subject is not listed until the namespace is read anew";
        if (_state is { } state)
        {
            // The lists it held must come back before "not listed" is trusted again: a namespace set up anew with
            // only its catalog holds no entry at all (found from outside: every formerly listed subject was
            // answered Clear from the moment the catalog was published again).
            _lost ??= new LostNamespace(state.Generations, state.Epoch);
            SetDamage(damage);
        }

        return damage;
    }

    /// <summary>The lists this host held before the namespace was lost that Redis does not hold again yet (see
    /// <see cref="_listsToReload"/>), from what it holds now (a resync's read). Set up anew (another epoch), every list it
    /// holds was imported since. Gone back to an older copy (a failover to a replica that lagged, a restore; the same
    /// epoch, or none to tell by), a list at an older generation than the one this host applied is that older import,
    /// and is awaited too (found from outside: a merge import of 200,000 entries lost in a failover left them answered
    /// Clear, the list being there). A list awaited is back once Redis holds it at another generation.</summary>
    private Dictionary<string, long>? ListsToReload(CreditCatalog catalog, Dictionary<string, long> generations, string epoch, LostNamespace? lost)
    {
        var awaited = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (list, stale) in _listsToReload ?? new Dictionary<string, long>())
        {
            if (generations.GetValueOrDefault(list) == stale)
            {
                awaited[list] = stale;
            }
        }

        if (lost is not null)
        {
            var anew = epoch.Length > 0 && lost.Epoch.Length > 0 && epoch != lost.Epoch;
            foreach (var (list, applied) in lost.Generations)
            {
                var now = generations.GetValueOrDefault(list);
                if (now == 0 || (!anew && now < applied))
                {
                    awaited[list] = now;
                }
            }

        }

        awaited = awaited.Where(l => catalog.FindList(l.Key) is not null).ToDictionary(StringComparer.Ordinal);
        return awaited.Count == 0 ? null : awaited;
    }

    /// <summary>The lists this host knew before the namespace was lost that are not in Redis again yet, as damage; null when none.</summary>
    private string? ListsNotReloaded()
    {
        if (_listsToReload is not { Count: > 0 } awaited)
        {
            return null;
        }

        var missing = string.Join(", ", awaited.Where(l => l.Value == 0).Select(l => l.Key).Order(StringComparer.Ordinal));
        var older = string.Join(", ", awaited.Where(l => l.Value != 0).Select(l => l.Key).Order(StringComparer.Ordinal));
        return $"Namespace '{_options.Namespace}' was lost since this host first synced it, and "
            + (missing.Length > 0 ? $"list(s) {missing}, which held entries then, have not been imported again" : string.Empty)
            + (missing.Length > 0 && older.Length > 0 ? ", and " : string.Empty)
            + (older.Length > 0 ? $"list(s) {older} went back to an older import than this host had applied (the newer one was lost)" : string.Empty)
            + ": until each is imported again (a replace import of its full export), no subject is answered 'not listed'";
    }

    /// <summary>The lists held: those with data, and the list the SDK itself fills with broken commitments (empty until a
    /// breach is recorded, never imported).</summary>
    private static FrozenSet<string> ListsHeld(IEnumerable<string> lists) => lists.Append(CreditCommitments.ListCode).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Logs the catalog's lists the namespace holds no data of, once per distinct set: hosts answer subjects on
    /// them as not listed (each decision names them), which is right for a namespace that follows only some lists and
    /// wrong for one whose import was forgotten.</summary>
    private void WarnListsNotHeld(CreditCatalog catalog, FrozenSet<string> held)
    {
        var missing = string.Join(", ", catalog.Lists.Where(l => !held.Contains(l.Code)).Select(l => l.Code));
        if (missing.Length > 0 && missing != _warnedListsNotHeld)
        {
            Log.ListsNotHeld(_logger, _options.Namespace, missing);
        }

        _warnedListsNotHeld = missing;
    }

    private const int RecentChangesKept = 64;

    /// <summary>Keeps the last changes the feed applied (the feed's own thread only): when the namespace goes back, the
    /// host names those it lost (found from outside: a merge import lost in a failover left only "Synchronized …
    /// sequence 12" in the log, and the operator could not tell which import to run again).</summary>
    private void RememberApplied(long sequence, string record)
    {
        _recentChanges.Enqueue((sequence, record));
        if (_recentChanges.Count > RecentChangesKept)
        {
            _recentChanges.Dequeue();
        }
    }

    /// <summary>The applied changes after <paramref name="sequence"/> this host remembers, read (null when unreadable);
    /// the memory is cleared.</summary>
    private List<(long Sequence, string Record, ChangeRecord? Change)> TakeLost(long sequence)
    {
        var lost = _recentChanges.Where(c => c.Sequence > sequence).Select(c =>
        {
            ChangeRecord? change = null;
            try
            {
                change = JsonSerializer.Deserialize(c.Record, ChangeJsonContext.Default.ChangeRecord);
            }
            catch (JsonException)
            {
                // named by its sequence only
            }

            return (c.Sequence, c.Record, change);
        }).ToList();
        _recentChanges.Clear();
        return lost;
    }

    /// <summary>Lost changes as text for the log.</summary>
    private static string DescribeLost(List<(long Sequence, string Record, ChangeRecord? Change)> lost) =>
        lost.Count == 0
            ? "none this host remembers (it applied them in a full read)"
            : string.Join("; ", lost.Select(c => c.Change?.Op switch
            {
                "list" => $"{c.Sequence}: an import of list '{c.Change.L}'",
                "entry" => $"{c.Sequence}: a single change on list '{c.Change.L}' (subject key {c.Change.K})",
                "catalog" => $"{c.Sequence}: catalog {c.Change.V}",
                _ => $"{c.Sequence}: {c.Record}",
            }));

    /// <summary>The lost single changes that wrote an entry (an upsert: the record carries the subject's fingerprint),
    /// with their list's generation in the data read now.</summary>
    private static IEnumerable<LostEntry> LostSingleChanges(List<(long Sequence, string Record, ChangeRecord? Change)> lost, Dictionary<string, long> generations) =>
        from c in lost
        where c.Change is { Op: "entry", L: not null, K: not null, F: not null }
        let print = ulong.TryParse(c.Change!.F, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var fingerprint) ? fingerprint : (ulong?)null
        where print is not null
        select new LostEntry(print!.Value, c.Change.L!, c.Change.K!, c.Sequence, generations.GetValueOrDefault(c.Change.L!));

    /// <summary>Whether what a resync read shows the namespace lost since <paramref name="before"/>, and how; null when not.
    /// Below the sequence applied: flushed, restarted without persistence or failed over to a lagging replica, and set up
    /// again since (found from outside: the resync on "the connection to Redis was restored" only logged it, and every
    /// formerly listed subject was answered Clear once the catalog was published again). And whatever the sequence (new
    /// changes may have taken it past the one applied before the host read again, found by review): another epoch (set up
    /// anew), or a list at a lower generation than applied (within one epoch a list's generation only grows: an older
    /// copy). A list gone is not a sign by itself: the lists-held rule names it.</summary>
    private string? WentBack(SyncState before, long sequence, Dictionary<string, long> generations, string epoch)
    {
        var applied = Interlocked.Read(ref _applied);
        if (sequence < applied)
        {
            return WentBackText(applied, sequence);
        }

        if (epoch.Length > 0 && before.Epoch.Length > 0 && epoch != before.Epoch)
        {
            return $"Namespace '{_options.Namespace}' was set up anew (its epoch changed from {before.Epoch} to {epoch})";
        }

        var older = before.Generations.Where(g => generations.TryGetValue(g.Key, out var now) && now < g.Value).Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
        return older.Count == 0 ? null
            : $"Namespace '{_options.Namespace}' holds list(s) {string.Join(", ", older)} at an older import than this host applied (at change sequence {sequence})";
    }

    /// <summary><see cref="LoseNamespace"/> for a change sequence lower than the one this host applied.</summary>
    private string NamespaceWentBack(long applied, long sequence) => LoseNamespace(WentBackText(applied, sequence));

    private string WentBackText(long applied, long sequence) => $"Namespace '{_options.Namespace}' went back from change sequence {applied} to {sequence}";

    /// <summary>Reads whether the platform link says the namespace is behind its credit platform (read with every poll,
    /// and after a resync, before the new state answers).</summary>
    private async Task ReadPlatformBehindAsync() =>
        SetPlatformBehind((string?)await _connection!.Database.HashGetAsync(_connection.Keys.Platform, "behind").WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false));

    private void SetPlatformBehind(string? behind)
    {
        behind = string.IsNullOrWhiteSpace(behind) ? null : behind;
        var before = _platformBehind;
        if (behind is not null && behind != before)
        {
            Log.BehindPlatform(_logger, _options.Namespace, behind);
        }
        else if (behind is null && before is not null)
        {
            Log.CaughtUpWithPlatform(_logger, _options.Namespace);
        }

        _platformBehind = behind;
    }

    /// <summary>Logs a change of the damage, then makes it visible (whoever sees the new state finds it logged).</summary>
    private void SetDamage(string? damage)
    {
        var before = _damage;
        if (damage is not null && damage != before)
        {
            Log.ListDataDamaged(_logger, _options.Namespace, damage);
        }
        else if (damage is null && before is not null)
        {
            Log.ListDataRestored(_logger, _options.Namespace);
        }

        if (damage is not null)
        {
            NoteError(damage);
        }

        _damage = damage;
    }

    /// <summary>Applies the change log since the applied sequence. False when a full resync is needed.</summary>
    private async Task<bool> PollAsync()
    {
        var connection = _connection!;
        var database = connection.Database;
        while (true)
        {
            var started = _time.GetUtcNow();
            var applied = Interlocked.Read(ref _applied);
            // Commands of their own, not a batch: while the namespace's cluster slot moves, its keys are split between
            // two nodes, and only single commands are redirected (ASK) to where each key is now.
            var sequenceTask = database.StringGetAsync(connection.Keys.Sequence);
            var changesTask = database.SortedSetRangeByScoreWithScoresAsync(connection.Keys.Changes, applied, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, 1000);
            var behindTask = database.HashGetAsync(connection.Keys.Platform, "behind");
            var generationsTask = database.HashGetAllAsync(connection.Keys.Generations);
            var epochTask = database.HashGetAsync(connection.Keys.Meta, "epoch");
            var sequence = (long?)await sequenceTask.WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false) ?? 0;
            var changes = await changesTask.WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false);
            SetPlatformBehind((string?)await behindTask.WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false));
            var generations = (await generationsTask.WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false))
                .ToDictionary(g => (string)g.Name!, g => long.TryParse((string?)g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0, StringComparer.Ordinal);
            var epoch = (string?)await epochTask.WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false) ?? string.Empty;

            // Gone back (also when new changes took the sequence past the one applied: the change log alone would apply
            // them over an older copy, found by review): read everything anew, awaiting what was lost.
            if (_state is { } state && WentBack(state, sequence, generations, epoch) is { } how)
            {
                LoseNamespace(how);
                Log.Resync(_logger, _options.Namespace, $"{how} (data replaced or flushed, or writes lost in a failover)");
                return false;
            }

            if (changes.Length == 0)
            {
                if (sequence > applied)
                {
                    Log.Resync(_logger, _options.Namespace, $"the change log no longer holds sequence {applied + 1}");
                    return false;
                }

                if (!await VerifyOrDeferAsync().ConfigureAwait(false))
                {
                    Log.Resync(_logger, _options.Namespace, "the list data changed since it was found damaged");
                    return false;
                }

                Confirm(started);
                return true;
            }

            if ((long)changes[0].Score != applied + 1)
            {
                Log.Resync(_logger, _options.Namespace, $"gap in the change log: expected {applied + 1}, found {(long)changes[0].Score}");
                return false;
            }

            foreach (var change in changes)
            {
                if (!await ApplyAsync(change.Element!).ConfigureAwait(false))
                {
                    // An import is applied by reading everything anew: remembered first, so that a failover that loses
                    // it names it (found from outside: 2152 named no import, the change most often lost).
                    RememberApplied((long)change.Score, change.Element!);
                    return false;
                }

                Interlocked.Exchange(ref _applied, (long)change.Score);
                RememberApplied((long)change.Score, change.Element!);
            }

            if (Interlocked.Read(ref _applied) >= sequence)
            {
                Confirm(started);
                return true;
            }
        }
    }

    private async Task<bool> ApplyAsync(string record)
    {
        ChangeRecord? change;
        try
        {
            change = JsonSerializer.Deserialize(record, ChangeJsonContext.Default.ChangeRecord);
        }
        catch (JsonException)
        {
            change = null;
        }

        var state = _state!;
        switch (change?.Op)
        {
            case "entry" when change.K is not null:
                if (change.F is { } print && ulong.TryParse(print, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var fingerprint))
                {
                    state.Filter.Add(fingerprint);
                    if (state.Filter.Count > state.Filter.Capacity * 5 / 4)
                    {
                        Log.Resync(_logger, _options.Namespace, "the filter grew past its size; rebuilding it");
                        return false;
                    }
                }

                _cache.Invalidate(change.K);
                if (_lostEntries is { } lostEntries)
                {
                    // A change on a subject whose earlier change was lost: made again (or superseded), it is read as it is now.
                    _lostEntries = lostEntries.Without(e => e.Key == change.K && e.List == change.L);
                }

                if (change.L is { } list && !state.ListsHeld.Contains(list))
                {
                    // The first entry of a list never imported: the namespace holds that list from now on.
                    _state = state with { ListsHeld = ListsHeld(state.ListsHeld.Append(list)) };
                }

                return true;

            case "catalog":
                var json = await _connection!.Database.HashGetAsync(_connection.Keys.Catalog, "json").WaitAsync(_options.OperationTimeout, _time, _stop.Token).ConfigureAwait(false);
                var published = CreditCatalog.Parse(json!);
                WarnListsNotHeld(published, state.ListsHeld);
                _state = state with { Catalog = published };
                return true;

            case "list":
                Log.Resync(_logger, _options.Namespace, $"list {change.L} was imported");
                return false;

            default:
                Log.Resync(_logger, _options.Namespace, $"unreadable change record: {record}");
                return false;
        }
    }

    /// <summary>The store's multiplexer (the store started if need be), for what else a host runs on the same
    /// namespace — the feedback forwarder, say: one multiplexer per host.</summary>
    /// <param name="cancellationToken">Stops waiting for the start.</param>
    /// <returns>The multiplexer; the store owns it (or the host, when it passed its own).</returns>
    public async Task<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken = default) =>
        (await GetConnectionAsync().WaitAsync(cancellationToken).ConfigureAwait(false)).Multiplexer;

    /// <summary>The store's connection (started if need be), shared with the feedback sink: one
    /// multiplexer per host.</summary>
    internal async Task<RedisConnection> GetConnectionAsync()
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        return _connection!;
    }

    /// <summary>Test hook: a paused feed neither polls nor confirms, as if this host fell behind.</summary>
    internal void PauseFeed(bool paused)
    {
        _feedPaused = paused;
        Wake();
    }

    /// <summary>Test hook: bytes per piece of a filter source read at a resync (a multiple of 8).</summary>
    internal int FilterPieceBytes { get; set; } = FilterSourceReader.PieceBytes;

    /// <summary>Test hook: pieces requested at once at a resync.</summary>
    internal int FilterPiecesInFlight { get; set; } = FilterSourceReader.PiecesInFlight;

    /// <summary>Resyncs in a row that may start over (an import committed while the sources were read in pieces)
    /// before the next reads them in one consistent step.</summary>
    internal const int MaxResyncRestartsInARow = 3;

    /// <summary>Test hook: runs after each piece of a filter source is read at a resync.</summary>
    internal Func<Task>? FilterPieceRead { get; set; }

    private void Confirm(DateTimeOffset at)
    {
        Interlocked.Exchange(ref _confirmedAtTicks, at.UtcTicks);
        Interlocked.Increment(ref _confirmations);
    }
}
