using System.Collections.Frozen;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>The read path: the local probe (filter and cache), the one-subject and batch reads from
/// Redis, and the answers when Redis cannot give one.</summary>
public sealed partial class RedisCreditStore
{
    private Probe ProbeLocally(SyncState state, SubjectId subject) => ProbeLocally(state, subject, Freshness(out var fresh), fresh);

    /// <summary>How fresh the local state is now; a batch asks once, not once per subject.</summary>
    private StoreFreshness Freshness(out bool fresh)
    {
        var confirmed = ConfirmedAt;
        fresh = _time.GetUtcNow() - confirmed <= _checkOptions.MaxStaleness;
        return new StoreFreshness(Interlocked.Read(ref _applied), confirmed);
    }

    /// <summary>Whether the filter holds the subject (or the organization code in it, when the namespace keys them).</summary>
    private static bool MayBeListed(SyncState state, SubjectId subject) =>
        state.Filter.MayContain(state.Keys.Fingerprint(subject))
        || (state.OrganizationKeys && subject.Scheme == IdentifierScheme.UnifiedSocialCreditCode
            && state.Filter.MayContain(state.Keys.EmbeddedOrganizationFingerprint(subject)));

    private Probe ProbeLocally(SyncState state, SubjectId subject, StoreFreshness freshness, bool fresh)
    {
        var keys = state.Keys;
        var fingerprint = keys.Fingerprint(subject);
        var maybe = state.Filter.MayContain(fingerprint);
        SubjectId? organization = null;
        if (state.OrganizationKeys && subject.EmbeddedOrganizationCode is { } embedded)
        {
            organization = embedded;
            maybe |= state.Filter.MayContain(keys.Fingerprint(embedded));
        }

        // A subject of a single change the namespace lost: the older data may not list it (LostEntries).
        if (_lostEntries is { } lost
            && (lost.Find(fingerprint) ?? (organization is { } code ? lost.Find(keys.Fingerprint(code)) : null)) is { } entry)
        {
            return new Probe(new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.Unavailable, freshness,
                LostEntries.Reason(_connection!.Keys.Entries(entry.Key), entry)) { ListsHeld = state.ListsHeld });
        }

        // A damaged filter source cannot vouch for anyone: no "not listed" from it, and a subject whose entries are
        // still in Redis is decided from them (found from outside: with a list's fingerprints deleted, a listed
        // subject was degraded, so Clear under FailOpen). An empty read is then degraded (EmptyReadDamage).
        if (!maybe && fresh && _damage is null)
        {
            return _platformBehind is { } behind
                ? new Probe(BehindPlatform(state, freshness, behind))
                : new Probe(new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.LocalFilter, freshness) { ListsHeld = state.ListsHeld });
        }

        if (maybe && fresh && _cache.TryGetValue(subject, out var cached) && (cached.Entries.Length > 0 || cached.Unreadable.Length > 0 || (_damage is null && _entryDamage is null && _platformBehind is null)))
        {
            return new Probe(new SubjectLookup(state.Catalog, cached.Entries, cached.Unreadable, LookupSource.Cache, freshness) { ListsHeld = state.ListsHeld });
        }

        return new Probe(subject, keys.StorageKey(subject), organization is { } org ? keys.StorageKey(org) : null, organization?.Scheme, maybe, freshness, _cache.Generation);
    }

    /// <summary>One subject under one key: a plain HGETALL awaited directly, the cheapest read there
    /// is (no script, no array, no extra continuation), so a cold check costs little more than the
    /// bare round trip.</summary>
    private async ValueTask<SubjectLookup> ReadOneAsync(SyncState state, Probe probe, CancellationToken cancellationToken)
    {
        // Two keys, or a replica's read (which must bring the node's sequence): the script.
        if (probe.AlternateKey is not null || _options.ReadPreference != RedisReadPreference.Primary)
        {
            return (await ReadAsync(state, [probe], cancellationToken).ConfigureAwait(false))[0];
        }

        var connection = _connection!;
        HashEntry[] fields;
        try
        {
            fields = await connection.Database.HashGetAllAsync(connection.Keys.Entries(probe.Key!))
                .WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
        {
            return await WrongTypeAsync(state, probe, new StoreFreshness(Interlocked.Read(ref _applied), _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            return Failed(state, [probe], cause)[0];
        }

        var lookup = EntrySelector.IsAhead(state.Generations, fields)
            ? (await ReadAheadAsync(state, [probe], cancellationToken).ConfigureAwait(false))[0]
            : Found(state, probe, fields, null, new StoreFreshness(Interlocked.Read(ref _applied), _time.GetUtcNow()));
        return await ProveEmptyReadAsync(state, probe, lookup, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads subjects again with the node's committed generations, in one atomic call: for subjects
    /// whose hashes showed that Redis has committed an import this host has not applied yet (the feed is
    /// about to read it). Their superseded fields may already be collected, so the host's own generations
    /// would show them unlisted; the node's are consistent with the hashes read with them.</summary>
    private async Task<SubjectLookup[]> ReadAheadAsync(SyncState state, List<Probe> probes, CancellationToken cancellationToken)
    {
        var connection = _connection!;
        var keys = new List<RedisKey>((probes.Count * 2) + 1) { connection.Keys.Generations };
        foreach (var probe in probes)
        {
            keys.Add(connection.Keys.Entries(probe.Key!));
            if (probe.AlternateKey is not null)
            {
                keys.Add(connection.Keys.Entries(probe.AlternateKey));
            }
        }

        RedisResult[] reply;
        try
        {
            RedisKey[] keyArray = [.. keys];
            reply = (RedisResult[])(await WhileSlotMovesAsync(
                () => connection.EvaluateAsync(RedisScripts.ReadManyWithGenerations, keyArray, []).WaitAsync(_options.OperationTimeout, _time, cancellationToken),
                cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            return Failed(state, probes, cause);
        }

        var generations = new Dictionary<string, long>(state.Generations, StringComparer.Ordinal);
        var flat = (RedisValue[])reply[0]!;
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            if (long.TryParse((string?)flat[i + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var generation))
            {
                generations[(string)flat[i]!] = generation;
            }
        }

        Log.ReadAhead(_logger, _options.Namespace, probes.Count);
        return Parse(state with { Generations = generations }, probes, reply, 1, current: true, checkAhead: false, out _);
    }

    /// <summary>Reads the subjects' hashes in one round trip: pipelined HGETALLs when each subject has one key
    /// and the primary answers (<see cref="ReadEachAsync"/>), else one script call that returns them all (two
    /// keys of a subject read together, or a replica's read with the node's sequence).</summary>
    private async Task<SubjectLookup[]> ReadAsync(SyncState state, List<Probe> probes, CancellationToken cancellationToken)
    {
        if (_options.ReadPreference == RedisReadPreference.Primary && probes.TrueForAll(p => p.AlternateKey is null))
        {
            return await ReadEachAsync(state, probes, cancellationToken).ConfigureAwait(false);
        }

        return await ReadByScriptAsync(state, probes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subjects' hashes by one script call that returns them all; while a cluster slot moves and the
    /// script is refused, each subject read apart (<see cref="ReadApartAsync"/>).</summary>
    private async Task<SubjectLookup[]> ReadByScriptAsync(SyncState state, List<Probe> probes, CancellationToken cancellationToken)
    {
        var connection = _connection!;
        var keys = new List<RedisKey>(probes.Count);
        foreach (var probe in probes)
        {
            keys.Add(connection.Keys.Entries(probe.Key!));
            if (probe.AlternateKey is not null)
            {
                keys.Add(connection.Keys.Entries(probe.AlternateKey));
            }
        }

        RedisResult[] hashes;
        var position = 0;
        var current = true;
        try
        {
            if (_options.ReadPreference == RedisReadPreference.Primary)
            {
                hashes = (RedisResult[])(await connection.EvaluateAsync(RedisScripts.ReadMany, [.. keys], [])
                    .WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false))!;
            }
            else
            {
                (hashes, current) = await ReadPreferringReplicaAsync(connection, keys, cancellationToken).ConfigureAwait(false);
                position = 1; // after the node's sequence
            }
        }
        catch (Exception e) when (Unwrap(e) is RedisServerException moving && IsSlotMoving(moving) && !cancellationToken.IsCancellationRequested)
        {
            // The keys are split between two nodes while a slot moves (a move by hand can take minutes), and one
            // script cannot name them all: each subject is read on its own, as the cluster redirects it.
            return await ReadApartAsync(state, probes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            return Failed(state, probes, cause);
        }

        var lookups = Parse(state, probes, hashes, position, current, out var at);
        return await ReadAheadAndProveAsync(state, probes, lookups, at, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subjects read again that showed an import this host has not applied yet (<paramref name="at"/>),
    /// then the empty reads proven.</summary>
    private async Task<SubjectLookup[]> ReadAheadAndProveAsync(SyncState state, List<Probe> probes, SubjectLookup[] lookups, List<int>? at, CancellationToken cancellationToken, bool readOnPrimary = false)
    {
        if (at is not null)
        {
            var again = await ReadAheadAsync(state, [.. at.Select(i => probes[i])], cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < again.Length; j++)
            {
                lookups[at[j]] = again[j];
            }
        }

        return await ProveEmptyReadsAsync(state, probes, lookups, cancellationToken, readOnPrimary).ConfigureAwait(false);
    }

    /// <summary>One HGETALL per subject, pipelined in one batch (one round trip). Cheaper on Redis than the script
    /// that loops over the keys (Redis copies every field into Lua and back: a read of 100 subjects cost about
    /// 410 µs of its time as a script), and no atomicity is lost: each subject's hash is judged on its own against the
    /// generations (<see cref="EntrySelector.IsAhead"/>).</summary>
    private async Task<SubjectLookup[]> ReadEachAsync(SyncState state, List<Probe> probes, CancellationToken cancellationToken)
    {
        var connection = _connection!;
        var reads = new Task<HashEntry[]>[probes.Count];
        try
        {
            var batch = connection.Database.CreateBatch();
            for (var i = 0; i < reads.Length; i++)
            {
                reads[i] = batch.HashGetAllAsync(connection.Keys.Entries(probes[i].Key!));
            }

            batch.Execute(); // throws at once when no connection is available

            // Replies come in the order sent, on the namespace's one connection: when the last is in, so are the
            // others (a read redirected meanwhile in a cluster is still waited for, below).
            await reads[^1].WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException)
        {
            // a refusal of that one key (WRONGTYPE), taken below with the others
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            return Failed(state, probes, Observed(reads, cause));
        }

        if (!Array.TrueForAll(reads, r => r.IsCompleted))
        {
            try
            {
                await Task.WhenAll(reads).WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException)
            {
                // taken below, per key
            }
            catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
            {
                return Failed(state, probes, Observed(reads, cause));
            }
        }

        var freshness = new StoreFreshness(Interlocked.Read(ref _applied), _time.GetUtcNow());
        var lookups = new SubjectLookup[probes.Count];
        List<int>? ahead = null;
        for (var i = 0; i < reads.Length; i++)
        {
            var read = reads[i];
            if (!read.IsCompletedSuccessfully)
            {
                var cause = Unwrap(read.Exception!);
                if (cause is RedisServerException moving && IsSlotMoving(moving) && !cancellationToken.IsCancellationRequested)
                {
                    // A slot migrating in a cluster: a batch's commands are not redirected (StackExchange.Redis 3.x
                    // answers "redirect not followed"); commands of their own are.
                    Observed(reads, cause);
                    return await ReadApartAsync(state, probes, cancellationToken).ConfigureAwait(false);
                }

                if (cause is not RedisServerException { Message: var message } || !message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
                {
                    return Failed(state, probes, Observed(reads, cause));
                }

                try
                {
                    lookups[i] = await WrongTypeAsync(state, probes[i], freshness, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (Unwrap(e) is var failure && IsRedisFailure(failure) && !cancellationToken.IsCancellationRequested)
                {
                    return Failed(state, probes, Observed(reads, failure));
                }

                continue;
            }

            var fields = read.Result;
            if (EntrySelector.IsAhead(state.Generations, fields))
            {
                (ahead ??= []).Add(i); // read again below, with the node's generations
                continue;
            }

            lookups[i] = Found(state, probes[i], fields, null, freshness);
        }

        return await ReadAheadAndProveAsync(state, probes, lookups, ahead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subjects' hashes on the primary, each key by a command of its own: what a Redis Cluster redirects
    /// (ASK) key by key while the namespace's slot moves and its keys are split between two nodes, where a batch is not
    /// redirected and one script cannot name them all. Each subject's hash is judged on its own against the
    /// generations, as in <see cref="ReadEachAsync"/>.</summary>
    private async Task<SubjectLookup[]> ReadApartAsync(SyncState state, List<Probe> probes, CancellationToken cancellationToken)
    {
        var connection = _connection!;
        var reads = ReadOnPrimaryApart(connection, probes);
        try
        {
            await Task.WhenAll(reads.OfType<Task<HashEntry[]>>()).WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException)
        {
            // a refusal of one key (WRONGTYPE), taken below with the others
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            return Failed(state, probes, Observed(reads, cause));
        }

        Log.ReadApart(_logger, _options.Namespace, probes.Count);
        var freshness = new StoreFreshness(Interlocked.Read(ref _applied), _time.GetUtcNow());
        var lookups = new SubjectLookup[probes.Count];
        List<int>? ahead = null;
        for (var i = 0; i < probes.Count; i++)
        {
            var (main, other) = (reads[2 * i]!, reads[(2 * i) + 1]);
            if (!main.IsCompletedSuccessfully || other is { IsCompletedSuccessfully: false })
            {
                var failed = main.IsCompletedSuccessfully ? other! : main;
                if (Unwrap(failed.Exception!) is not RedisServerException { Message: var message } || !message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
                {
                    return Failed(state, probes, Observed(reads, Unwrap(failed.Exception!)));
                }

                try
                {
                    lookups[i] = await WrongTypeAsync(state, probes[i], freshness, cancellationToken, failed == main ? null : probes[i].AlternateKey).ConfigureAwait(false);
                }
                catch (Exception e) when (Unwrap(e) is var failure && IsRedisFailure(failure) && !cancellationToken.IsCancellationRequested)
                {
                    return Failed(state, probes, Observed(reads, failure));
                }

                continue;
            }

            if (EntrySelector.IsAhead(state.Generations, main.Result) || (other is not null && EntrySelector.IsAhead(state.Generations, other.Result)))
            {
                (ahead ??= []).Add(i); // read again, with the node's generations
                continue;
            }

            lookups[i] = Found(state, probes[i], main.Result, other?.Result, freshness);
        }

        return await ReadAheadAndProveAsync(state, probes, lookups, ahead, cancellationToken, readOnPrimary: true).ConfigureAwait(false);
    }

    /// <summary>Each probe's entry hash and its organization code's (null when it has none) at positions 2i and 2i + 1,
    /// each key by a command of its own on the primary, which a Redis Cluster redirects (ASK) while the slot moves.</summary>
    private static Task<HashEntry[]>?[] ReadOnPrimaryApart(RedisConnection connection, IReadOnlyList<Probe> probes)
    {
        var reads = new Task<HashEntry[]>?[probes.Count * 2];
        for (var i = 0; i < probes.Count; i++)
        {
            reads[2 * i] = connection.Database.HashGetAllAsync(connection.Keys.Entries(probes[i].Key!), CommandFlags.DemandMaster);
            reads[(2 * i) + 1] = probes[i].AlternateKey is { } alternate ? connection.Database.HashGetAllAsync(connection.Keys.Entries(alternate), CommandFlags.DemandMaster) : null;
        }

        return reads;
    }

    /// <summary>Marks the failures of a batch's other reads as seen (a read may still fail after the batch gave up on
    /// it), and returns <paramref name="cause"/>.</summary>
    private static Exception Observed(Task<HashEntry[]>?[] reads, Exception cause)
    {
        foreach (var read in reads)
        {
            _ = read?.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return cause;
    }

    /// <summary>The subjects' answers from a reply holding their hashes from <paramref name="position"/> on. With
    /// <paramref name="ahead"/> not null (a list to fill), subjects whose hashes show an import this host has
    /// not applied yet are left unanswered and their positions listed, to be read again with the node's
    /// generations (<see cref="ReadAheadAsync"/>).</summary>
    private SubjectLookup[] Parse(SyncState state, List<Probe> probes, RedisResult[] hashes, int position, bool current, out List<int>? ahead) =>
        Parse(state, probes, hashes, position, current, checkAhead: true, out ahead);

    private SubjectLookup[] Parse(SyncState state, List<Probe> probes, RedisResult[] hashes, int position, bool current, bool checkAhead, out List<int>? ahead)
    {
        ahead = null;
        var connection = _connection!;
        var freshness = new StoreFreshness(Interlocked.Read(ref _applied), _time.GetUtcNow());
        var lookups = new SubjectLookup[probes.Count];
        for (var i = 0; i < probes.Count; i++)
        {
            var probe = probes[i];
            var main = hashes[position++];
            var other = probe.AlternateKey is null ? null : hashes[position++];
            if (main.Resp2Type != ResultType.Array)
            {
                lookups[i] = WrongType(state, probe, connection.Keys.Entries(probe.Key!), (string?)main ?? "?", freshness);
            }
            else if (other is not null && other.Resp2Type != ResultType.Array)
            {
                lookups[i] = WrongType(state, probe, connection.Keys.Entries(probe.AlternateKey!), (string?)other ?? "?", freshness);
            }
            else
            {
                var fields = Pairs((RedisValue[])main!);
                var alternate = other is null ? null : Pairs((RedisValue[])other!);
                if (checkAhead && (EntrySelector.IsAhead(state.Generations, fields) || (alternate is not null && EntrySelector.IsAhead(state.Generations, alternate))))
                {
                    (ahead ??= []).Add(i); // read again by the caller
                    continue;
                }

                lookups[i] = Found(state, probe, fields, alternate, freshness, current);
            }
        }

        return lookups;
    }

    /// <summary>The read under <see cref="RedisReadPreference.PreferReplica"/>: one read-only script on a replica
    /// (the primary when none is connected) that returns the node's sequence with the hashes. The freshness
    /// rule: a node that has not applied the sequence this host has applied (S, taken before the read) is not
    /// trusted for it — nor is a replica that fails to answer — and the read is redone on the primary. After a
    /// replica fails, reads go straight to the primary for a while (<see cref="Redis.ReplicaBackoff"/>).
    /// Returns the reply (sequence first) and whether it is at least as fresh as S (only then is it cached).</summary>
    private async Task<(RedisResult[] Reply, bool Current)> ReadPreferringReplicaAsync(RedisConnection connection, List<RedisKey> keys, CancellationToken cancellationToken)
    {
        var applied = Interlocked.Read(ref _applied);
        RedisKey[] withSequence = [connection.Keys.Sequence, .. keys];
        if (!_replicaBackoff.TryUseReplica(out var probing))
        {
            // A replica failed lately: straight to the primary, without paying the replica's timeout again.
            Interlocked.Increment(ref _replicaReadsBackedOff);
        }
        else
        {
            Interlocked.Increment(ref _replicaReads);
            try
            {
                var reply = await ReadWithSequenceAsync(connection, withSequence, CommandFlags.PreferReplica, cancellationToken).ConfigureAwait(false);
                if (_replicaBackoff.Succeeded())
                {
                    Log.ReplicaReadsResumed(_logger, _options.Namespace);
                }

                var sequence = SequenceOf(reply);
                if (sequence >= applied)
                {
                    return (reply, true);
                }

                Interlocked.Increment(ref _replicaReadsBehind);
                Log.ReplicaBehind(_logger, _options.Namespace, sequence, applied);
            }
            catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _replicaReadsFailed);
                var reason = $"{cause.GetType().Name}: {cause.Message}";
                Log.ReplicaReadFailed(_logger, _options.Namespace, reason);
                if (_replicaBackoff.Failed(_time.GetUtcNow()) is { } backoff)
                {
                    Log.ReplicaReadsSuspended(_logger, _options.Namespace, backoff, reason);
                }
            }
            finally
            {
                _replicaBackoff.EndProbe(probing);
            }
        }

        // Not retried while a slot moves: the caller reads the subjects apart instead (ReadApartAsync).
        var primary = (RedisResult[])(await connection.EvaluateReadOnlyAsync(RedisScripts.ReadManyWithSequence, withSequence, CommandFlags.DemandMaster)
            .WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false))!;
        if (SequenceOf(primary) < applied)
        {
            // The primary itself is behind what this host applied (a failover lost writes, data replaced): its
            // "no entry" may be a listing it lost. Not an answer; the feed reads everything anew.
            RequestResync($"the primary is at change sequence {SequenceOf(primary)}, behind the {applied} this host applied");
            throw new RedisException($"The primary of namespace '{_options.Namespace}' is at change sequence {SequenceOf(primary)}, behind the {applied} this host has applied (a failover lost writes, or the data was replaced); reading everything anew.");
        }

        return (primary, true);
    }

    /// <summary>Test hook: the replicas' back-off (its lengths can be set).</summary>
    internal ReplicaBackoff ReplicaBackoff => _replicaBackoff;

    private async Task<RedisResult[]> ReadWithSequenceAsync(RedisConnection connection, RedisKey[] keys, CommandFlags flags, CancellationToken cancellationToken) =>
        (RedisResult[])(await WhileSlotMovesAsync(
            () => connection.EvaluateReadOnlyAsync(RedisScripts.ReadManyWithSequence, keys, flags).WaitAsync(_options.OperationTimeout, _time, cancellationToken),
            cancellationToken).ConfigureAwait(false))!;

    /// <summary>Runs a multi-key read again while a Redis Cluster's slot moves: during a migration some of the
    /// namespace's keys have moved and others not, and the cluster answers TRYAGAIN (which StackExchange.Redis does not
    /// follow), or a script's redirect is not followed twice (see <see cref="IsSlotMoving"/>). Retries back off from 5 ms and stop within <see cref="RedisStoreOptions.OperationTimeout"/>;
    /// after that the failure is the caller's, answered under the policy like any other.</summary>
    private async Task<RedisResult> WhileSlotMovesAsync(Func<Task<RedisResult>> read, CancellationToken cancellationToken)
    {
        // Real time, not the store's clock: the pacing is the server's, whatever clock the host tests with.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var delay = TimeSpan.FromMilliseconds(5); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerMillisecond * 100)))
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (RedisServerException e) when (IsSlotMoving(e) && System.Diagnostics.Stopwatch.GetElapsedTime(started) + delay < _options.OperationTimeout)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>TRYAGAIN, or a MOVED the client did not follow for a script (StackExchange.Redis redirects a message
    /// once; a slot that moved on meanwhile answers MOVED again): the slot is moving, and a retry goes where the
    /// client's refreshed slot map now points.</summary>
    private static bool IsSlotMoving(RedisServerException e) =>
        e.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || e.Message.StartsWith("MOVED", StringComparison.Ordinal)
        || e.Message.StartsWith("ASK", StringComparison.Ordinal)
        || e.Message.StartsWith("Key has MOVED", StringComparison.Ordinal);

    private static long SequenceOf(RedisResult[] reply) =>
        long.TryParse((string?)reply[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence) ? sequence : -1;

    /// <summary>The answer for a subject whose entry key Redis refused to read as a hash (WRONGTYPE): what the key
    /// holds instead, asked of Redis, named in <see cref="WrongType"/>. <paramref name="subjectKey"/>: the key refused
    /// when it is not the probe's own (its organization code's).</summary>
    private async Task<SubjectLookup> WrongTypeAsync(SyncState state, Probe probe, StoreFreshness freshness, CancellationToken cancellationToken, string? subjectKey = null)
    {
        var key = _connection!.Keys.Entries(subjectKey ?? probe.Key!);
        var type = await _connection.Database.KeyTypeAsync(key).WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        return WrongType(state, probe, key, type.ToString().ToLowerInvariant(), freshness);
    }

    /// <summary>A subject's entry key that holds something other than a hash (written by hand or by
    /// another program): the subject cannot be read, so it is not answered as clean — it is named as an
    /// unreadable entry (decided for review), with the key and what it holds.</summary>
    private SubjectLookup WrongType(SyncState state, Probe probe, string key, string type, StoreFreshness freshness)
    {
        var reason = $"expected a hash of the subject's entries, found a {type} (WRONGTYPE)";
        NoteError($"{key}: {reason}");
        Log.UnreadableEntry(_logger, probe.Subject.Masked, _options.Namespace, key, reason);
        return new SubjectLookup(state.Catalog, NoEntries, [new UnreadableEntry(key, reason)], LookupSource.Store, freshness) { ListsHeld = state.ListsHeld };
    }

    private static HashEntry[] Pairs(RedisValue[] flat)
    {
        var pairs = new HashEntry[flat.Length / 2];
        for (var j = 0; j < pairs.Length; j++)
        {
            pairs[j] = new HashEntry(flat[2 * j], flat[(2 * j) + 1]);
        }

        return pairs;
    }

    /// <summary>Event 2104 once a minute while the same failure lasts (and when it changes); 2143, at Debug, between.</summary>
    private void LogLookupFailed(string subject, string reason)
    {
        if (_lookupWarnings.ShouldWarn(reason, out var quiet))
        {
            Log.LookupFailed(_logger, subject, reason, quiet);
        }
        else
        {
            Log.LookupStillFailing(_logger, subject, quiet, reason);
        }
    }

    private SubjectLookup[] Failed(SyncState state, List<Probe> probes, Exception cause)
    {
        var reason = $"Redis could not answer ({cause.GetType().Name}: {cause.Message}){_connection?.Shard()}.";
        NoteError(reason);
        LogLookupFailed(probes[0].Subject.Masked, reason);
        return [.. probes.Select(p => Fallback(state, p, reason))];
    }

    // current: whether the read is at least as fresh as the sequence the host has applied; only then is it
    // cached (a primary behind the host, after a failover that lost writes, is answered but not kept).
    private SubjectLookup Found(SyncState state, Probe probe, HashEntry[] fields, HashEntry[]? alternate, StoreFreshness freshness, bool current = true)
    {
        List<FoundEntry>? entries = null;
        List<UnreadableEntry>? unreadable = null;
        _selector.Select(state.Generations, fields, probe.Subject.Scheme, probe.Subject, ref entries, ref unreadable);
        if (alternate is not null)
        {
            _selector.Select(state.Generations, alternate, probe.AlternateScheme!.Value, probe.Subject, ref entries, ref unreadable);
        }

        var cached = new CachedSubject(entries is null ? NoEntries : [.. entries], unreadable is null ? NoProblems : [.. unreadable], probe.Key!, probe.AlternateKey);
        // An empty read of a subject the filter holds is cached once proven (ProveEmptyReadsAsync), not before.
        if (probe.MayBeListed && current && (cached.Entries.Length > 0 || cached.Unreadable.Length > 0))
        {
            _cache.Remember(probe.Subject, cached, probe.CacheGeneration);
        }

        return cached.Entries.Length == 0 && cached.Unreadable.Length == 0 && EmptyReadDamage(probe) is { } damage
            ? Damaged(state, freshness, damage)
            : cached.Entries.Length == 0 && cached.Unreadable.Length == 0 && _platformBehind is { } behind
                ? BehindPlatform(state, freshness, behind)
                : new SubjectLookup(state.Catalog, cached.Entries, cached.Unreadable, LookupSource.Store, freshness) { ListsHeld = state.ListsHeld };
    }

    /// <summary>The answer for a subject found in no entry while the namespace is behind its credit platform: the
    /// platform may list it in a change not applied yet, so not a clean bill but the policy's decision.</summary>
    private static SubjectLookup BehindPlatform(SyncState state, StoreFreshness freshness, string behind) =>
        new(state.Catalog, NoEntries, NoProblems, LookupSource.Unavailable, freshness, $"The namespace is behind its credit platform: {behind.TrimEnd('.')}.");

    /// <summary>The answer for a subject found in no entry while the list data is damaged: not a clean
    /// bill but an unavailable store, decided by the policy, with the damage as the reason.</summary>
    private static SubjectLookup Damaged(SyncState state, StoreFreshness freshness, string damage) =>
        new(state.Catalog, NoEntries, NoProblems, LookupSource.Unavailable, freshness, $"The list data in Redis is damaged: {damage}.");

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? inner : e;

    // Redis could not answer: the last known state under LastKnown, otherwise nothing (the checker
    // applies the policy).
    private SubjectLookup Fallback(SyncState state, Probe probe, string reason)
    {
        var freshness = probe.Freshness;
        if (_checkOptions.OnUnavailable == UnavailablePolicy.LastKnown)
        {
            if (_cache.TryGetValue(probe.Subject, out var cached))
            {
                return new SubjectLookup(state.Catalog, cached.Entries, cached.Unreadable, LookupSource.LastKnown, freshness, reason + " Last known entries used.") { ListsHeld = state.ListsHeld };
            }

            // Not when the filter was built from damaged data: it vouches for no one (such probes now reach here).
            if (!probe.MayBeListed && _damage is null)
            {
                return new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.LastKnown, freshness, reason + " Not listed as of the last sync.") { ListsHeld = state.ListsHeld };
            }
        }

        return new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.Unavailable, freshness, reason) { ListsHeld = state.ListsHeld };
    }

    private async ValueTask<SubjectLookup> LookupWhenReadyAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var state = await WaitForStateAsync(cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return NotReady();
        }

        var probe = ProbeLocally(state, subject);
        return probe.Answered ? probe.Lookup : await ReadOneAsync(state, probe, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Before the first sync a check waits for it at most <see cref="RedisStoreOptions.OperationTimeout"/>
    /// (connecting included), not <see cref="RedisStoreOptions.StartupTimeout"/>: while Redis is down, or the
    /// namespace cannot be read, a clerk's check is answered under the policy at once, not held for seconds.</summary>
    private async Task<SyncState?> WaitForStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartedAndReadyAsync().WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // reported as not ready
        }

        return _state;
    }

    private async Task StartedAndReadyAsync()
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        await _ready.Task.ConfigureAwait(false);
    }

    private SubjectLookup NotReady() => new(
        null,
        NoEntries,
        NoProblems,
        LookupSource.Unavailable,
        default,
        $"Not synchronized with Redis namespace '{_options.Namespace}' yet: {(NotSyncedReason() ?? "no answer").TrimEnd('.')}.");

    /// <summary>Whether Redis, or the client on its way to it, failed: a Redis error, a timeout, a disposed connection,
    /// or any exception thrown from inside StackExchange.Redis or the pipes it writes through (found from outside: during
    /// a cluster failover "Writing is not allowed after writer was completed", an InvalidOperationException from
    /// System.IO.Pipelines, fell through to the checker's "the store failed" with no node named, logged with a stack as
    /// a bug). Told by the assembly of the method that threw, never by the message's text, and only for the kinds a broken
    /// connection throws (InvalidOperationException, IOException): an InvalidCastException or FormatException from a
    /// reply's conversion, or an ArgumentException, is a fault of our own reading, logged as one.</summary>
    internal static bool IsRedisFailure(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException
        || (e is InvalidOperationException or IOException && e.TargetSite?.DeclaringType?.Assembly is { } thrower && RedisClientAssemblies.Contains(thrower.GetName().Name));

    // StackExchange.Redis, the pipes it writes and reads through, and the socket pipes of its 2.x versions.
    private static readonly FrozenSet<string?> RedisClientAssemblies = new[]
    {
        typeof(IDatabase).Assembly.GetName().Name,
        typeof(System.IO.Pipelines.PipeWriter).Assembly.GetName().Name,
        "Pipelines.Sockets.Unofficial",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>What the local state says of a subject: an answer, or what to read from Redis.</summary>
    private readonly struct Probe
    {
        public Probe(SubjectLookup answer)
        {
            Answered = true;
            Lookup = answer;
        }

        public Probe(SubjectId subject, string key, string? alternateKey, IdentifierScheme? alternateScheme, bool mayBeListed, StoreFreshness freshness, long cacheGeneration)
        {
            Subject = subject;
            CacheGeneration = cacheGeneration;
            Key = key;
            AlternateKey = alternateKey;
            AlternateScheme = alternateScheme;
            MayBeListed = mayBeListed;
            Freshness = freshness;
        }

        public bool Answered { get; }

        public SubjectLookup Lookup { get; }

        public SubjectId Subject { get; }

        public string? Key { get; }

        public string? AlternateKey { get; }

        public IdentifierScheme? AlternateScheme { get; }

        public bool MayBeListed { get; }

        public StoreFreshness Freshness { get; }

        /// <summary>The cache's generation before the read: what the read returns may be cached only if no
        /// invalidation came in between (<see cref="SubjectCache.Remember"/>).</summary>
        public long CacheGeneration { get; }
    }
}
