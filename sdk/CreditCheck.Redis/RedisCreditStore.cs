using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// The read side of the Redis store, inside each host: a local filter of every subject that may be
/// listed, a bounded cache of listed subjects' entries and the catalog, kept current by the change
/// feed (a pub/sub wake-up plus a poll of the change log; a full resync on a gap). A clean subject —
/// the vast majority — is answered without a network round trip.
/// </summary>
/// <remarks>
/// <para>One per host, registered by <c>UseRedis</c>; thread-safe. Start-up waits at most
/// <see cref="RedisStoreOptions.StartupTimeout"/> for the first sync; until then, and whenever Redis
/// cannot answer, lookups say so and the checker applies <see cref="CreditCheckOptions.OnUnavailable"/>.
/// It never falls back silently to one Redis call per check.</para>
/// <para>Local negatives are trusted while the feed has confirmed the state within
/// <see cref="CreditCheckOptions.MaxStaleness"/>; past it they are re-checked in Redis.</para>
/// </remarks>
public sealed class RedisCreditStore : ICreditStore, IStagedBatchLookup, IStoreHealth, IAsyncDisposable
{
    private static readonly FoundEntry[] NoEntries = [];
    private static readonly UnreadableEntry[] NoProblems = [];

    private readonly RedisStoreOptions _options;
    private readonly CreditCheckOptions _checkOptions;
    private readonly IConnectionMultiplexer? _sharedMultiplexer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<SubjectId, CachedSubject> _cache = new();

    // Storage key → cached subject, so a change record (which names storage keys) finds its cache line.
    private readonly ConcurrentDictionary<string, SubjectId> _cachedKeys = new(StringComparer.Ordinal);
    private int _cacheCount;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _startLock = new();
    private RedisConnection? _connection;
    private Task? _start;
    private Task? _feed;
    private volatile SyncState? _state;
    private long _applied;
    private long _confirmedAtTicks;
    private volatile string? _lastError;
    private volatile bool _feedPaused;
    private volatile bool _resyncRequested;
    private int _disposed;

    /// <summary>A store on its own, without a container (hosts use <c>UseRedis</c>); call
    /// <see cref="StartAsync"/> before the first lookup, and dispose it at the end.</summary>
    /// <param name="options">Connection, namespace, secret and timings.</param>
    /// <param name="checkOptions">The checker's options (their <see cref="CreditCheckOptions.MaxStaleness"/>); null for the defaults.</param>
    /// <param name="sharedMultiplexer">The host's own connection, left open; null to connect with <see cref="RedisStoreOptions.Configuration"/>.</param>
    /// <param name="time">The clock; null for the system clock.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <exception cref="OptionsValidationException">The options are invalid; the message names each one.</exception>
    public RedisCreditStore(
        RedisStoreOptions options,
        CreditCheckOptions? checkOptions = null,
        IConnectionMultiplexer? sharedMultiplexer = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = RedisStoreOptionsValidator.Check(options, requireConfiguration: sharedMultiplexer is null);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(RedisStoreOptions), typeof(RedisStoreOptions), validation.Failures);
        }

        _options = options;
        _checkOptions = checkOptions ?? new CreditCheckOptions();
        _sharedMultiplexer = sharedMultiplexer;
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisCreditStore>();
    }

    /// <summary>Whether the store has synchronized at least once and the feed is within
    /// <see cref="CreditCheckOptions.MaxStaleness"/>; the sequence applied; when it was last confirmed
    /// current; the last error.</summary>
    public RedisStoreStatus Status
    {
        get
        {
            var state = _state;
            var confirmed = ConfirmedAt;
            var fresh = state is not null && _time.GetUtcNow() - confirmed <= _checkOptions.MaxStaleness;
            return new RedisStoreStatus(
                state is not null,
                fresh,
                Interlocked.Read(ref _applied),
                state is null ? null : confirmed,
                state?.Catalog.Version,
                state?.Filter.Count ?? 0,
                state?.Filter.SizeInBytes ?? 0,
                _lastError);
        }
    }

    StoreHealth IStoreHealth.Health
    {
        get
        {
            var status = Status;
            return new StoreHealth(status.IsSynchronized, status.IsFresh, status.Sequence, status.ConfirmedAt, status.LastError);
        }
    }

    private DateTimeOffset ConfirmedAt => new(Interlocked.Read(ref _confirmedAtTicks), TimeSpan.Zero);

    /// <summary>Connects, starts the change feed and waits at most <see cref="RedisStoreOptions.StartupTimeout"/>
    /// for the first sync. Returns when synchronized or when the time is up (the store then reports
    /// not ready and keeps trying).</summary>
    /// <param name="cancellationToken">Cancels the wait, not the feed.</param>
    /// <exception cref="InvalidOperationException">The namespace was set up with a different secret.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        try
        {
            await _ready.Task.WaitAsync(_options.StartupTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.NotReady(_logger, _options.Namespace, _options.StartupTimeout, _lastError ?? "no answer yet");
        }
    }

    /// <inheritdoc/>
    public ValueTask<SubjectLookup> LookupAsync(SubjectId subject, CancellationToken cancellationToken = default)
    {
        if (subject.IsEmpty)
        {
            throw new ArgumentException("The subject id is empty.", nameof(subject));
        }

        var state = _state;
        if (state is null)
        {
            return LookupWhenReadyAsync(subject, cancellationToken);
        }

        var probe = ProbeLocally(state, subject);
        return probe.Answered ? new ValueTask<SubjectLookup>(probe.Lookup) : ReadOneAsync(state, probe, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SubjectLookup>> LookupManyAsync(IReadOnlyList<SubjectId> subjects, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var lookups = new SubjectLookup[subjects.Count];
        await ((IStagedBatchLookup)this).LookupManyAsync(subjects, lookups, new bool[subjects.Count], cancellationToken).ConfigureAwait(false);
        return lookups;
    }

    async ValueTask IStagedBatchLookup.LookupManyAsync(IReadOnlyList<SubjectId> subjects, SubjectLookup[] lookups, bool[] answered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var state = _state ?? await WaitForStateAsync(cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            Array.Fill(lookups, NotReady());
            return;
        }

        // Everything answered locally stays local; the rest goes to Redis in one round trip.
        var pending = new List<Probe>();
        var positions = new List<int>();
        var freshness = Freshness(out var fresh);
        for (var i = 0; i < subjects.Count; i++)
        {
            var probe = ProbeLocally(state, subjects[i], freshness, fresh);
            if (probe.Answered)
            {
                lookups[i] = probe.Lookup;
                answered[i] = true;
            }
            else
            {
                pending.Add(probe);
                positions.Add(i);
            }
        }

        if (pending.Count > 0)
        {
            var read = await ReadAsync(state, pending, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < read.Length; i++)
            {
                lookups[positions[i]] = read[i];
            }
        }
    }

    /// <summary>Stops the feed and closes the connection if the store opened it. Idempotent: the
    /// container may dispose it under both of its registrations.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_feed is not null)
        {
            try
            {
                await _feed.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private Probe ProbeLocally(SyncState state, SubjectId subject) => ProbeLocally(state, subject, Freshness(out var fresh), fresh);

    /// <summary>How fresh the local state is now; a batch asks once, not once per subject.</summary>
    private StoreFreshness Freshness(out bool fresh)
    {
        var confirmed = ConfirmedAt;
        fresh = _time.GetUtcNow() - confirmed <= _checkOptions.MaxStaleness;
        return new StoreFreshness(Interlocked.Read(ref _applied), confirmed);
    }

    private Probe ProbeLocally(SyncState state, SubjectId subject, StoreFreshness freshness, bool fresh)
    {
        var keys = state.Keys;
        var maybe = state.Filter.MayContain(keys.Fingerprint(subject));
        SubjectId? organization = null;
        if (state.OrganizationKeys && subject.EmbeddedOrganizationCode is { } embedded)
        {
            organization = embedded;
            maybe |= state.Filter.MayContain(keys.Fingerprint(embedded));
        }

        if (!maybe && fresh)
        {
            return new Probe(new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.LocalFilter, freshness));
        }

        if (maybe && fresh && _cache.TryGetValue(subject, out var cached))
        {
            return new Probe(new SubjectLookup(state.Catalog, cached.Entries, cached.Unreadable, LookupSource.Cache, freshness));
        }

        return new Probe(subject, keys.StorageKey(subject), organization is { } org ? keys.StorageKey(org) : null, organization?.Scheme, maybe, freshness);
    }

    /// <summary>One subject under one key: a plain HGETALL awaited directly, the cheapest read there
    /// is (no script, no array, no extra continuation), so a cold check costs little more than the
    /// bare round trip.</summary>
    private async ValueTask<SubjectLookup> ReadOneAsync(SyncState state, Probe probe, CancellationToken cancellationToken)
    {
        if (probe.AlternateKey is not null)
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
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            return Failed(state, [probe], cause)[0];
        }

        return Found(state, probe, fields, null, new StoreFreshness(Interlocked.Read(ref _applied), _time.GetUtcNow()));
    }

    /// <summary>Reads the subjects' hashes in one round trip (one script call that returns them all:
    /// one reply to parse instead of one per subject).</summary>
    private async Task<SubjectLookup[]> ReadAsync(SyncState state, List<Probe> probes, CancellationToken cancellationToken)
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
        try
        {
            hashes = (RedisResult[])(await connection.EvaluateAsync(RedisScripts.ReadMany, [.. keys], [])
                .WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsRedisFailure(cause) && !cancellationToken.IsCancellationRequested)
        {
            return Failed(state, probes, cause);
        }

        var freshness = new StoreFreshness(Interlocked.Read(ref _applied), _time.GetUtcNow());
        var lookups = new SubjectLookup[probes.Count];
        var position = 0;
        for (var i = 0; i < probes.Count; i++)
        {
            var probe = probes[i];
            var fields = Pairs((RedisValue[])hashes[position++]!);
            var alternate = probe.AlternateKey is null ? null : Pairs((RedisValue[])hashes[position++]!);
            lookups[i] = Found(state, probe, fields, alternate, freshness);
        }

        return lookups;
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

    private SubjectLookup[] Failed(SyncState state, List<Probe> probes, Exception cause)
    {
        var reason = $"Redis could not answer ({cause.GetType().Name}: {cause.Message}).";
        _lastError = reason;
        Log.LookupFailed(_logger, probes[0].Subject.Masked, reason);
        return [.. probes.Select(p => Fallback(state, p, reason))];
    }

    private SubjectLookup Found(SyncState state, Probe probe, HashEntry[] fields, HashEntry[]? alternate, StoreFreshness freshness)
    {
        List<FoundEntry>? entries = null;
        List<UnreadableEntry>? unreadable = null;
        Select(state, fields, probe.Subject.Scheme, probe.Subject, ref entries, ref unreadable);
        if (alternate is not null)
        {
            Select(state, alternate, probe.AlternateScheme!.Value, probe.Subject, ref entries, ref unreadable);
        }

        var cached = new CachedSubject(entries is null ? NoEntries : [.. entries], unreadable is null ? NoProblems : [.. unreadable], probe.Key!, probe.AlternateKey);
        if (probe.MayBeListed)
        {
            Remember(probe.Subject, cached);
        }

        return new SubjectLookup(state.Catalog, cached.Entries, cached.Unreadable, LookupSource.Store, freshness);
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? inner : e;

    /// <summary>Of each entry's fields, the newest generation at or below its list's committed one:
    /// newer fields belong to an import not yet switched on; older ones were superseded. A subject has
    /// a handful of fields, so a linear scan beats a dictionary; names and values stay UTF-8.</summary>
    private void Select(SyncState state, HashEntry[] fields, IdentifierScheme scheme, SubjectId subject, ref List<FoundEntry>? entries, ref List<UnreadableEntry>? unreadable)
    {
        if (fields.Length == 0)
        {
            return;
        }

        var chosen = new List<(FieldName Name, byte[] Json)>(fields.Length);
        foreach (var field in fields)
        {
            var raw = (byte[])field.Name!;
            if (!FieldName.TryParse(raw, out var name))
            {
                Report(subject, System.Text.Encoding.UTF8.GetString(raw), "the field name is not list⇥entryId⇥generation", ref unreadable);
                continue;
            }

            if (name.Generation > state.Generations.GetValueOrDefault(name.List))
            {
                continue;
            }

            var existing = chosen.FindIndex(c => c.Name.SameEntry(name));
            if (existing < 0)
            {
                chosen.Add((name, (byte[])field.Value!));
            }
            else if (chosen[existing].Name.Generation < name.Generation)
            {
                chosen[existing] = (name, (byte[])field.Value!);
            }
        }

        foreach (var (name, json) in chosen)
        {
            if (EntryCodec.Deserialize(json, out var error) is not { } entry)
            {
                Report(subject, $"{name.List}/{name.EntryId}", error!, ref unreadable);
            }
            else if (entry.ListCode != name.List || entry.EntryId != name.EntryId)
            {
                Report(subject, $"{name.List}/{name.EntryId}", $"the JSON says {entry.ListCode}/{entry.EntryId}", ref unreadable);
            }
            else
            {
                (entries ??= []).Add(new FoundEntry(entry, scheme));
            }
        }
    }

    private void Report(SubjectId subject, string field, string reason, ref List<UnreadableEntry>? unreadable)
    {
        Log.UnreadableEntry(_logger, subject.Masked, _options.Namespace, field, reason);
        (unreadable ??= []).Add(new UnreadableEntry(field, reason));
    }

    // Redis could not answer: the last known state under LastKnown, otherwise nothing (the checker
    // applies the policy).
    private SubjectLookup Fallback(SyncState state, Probe probe, string reason)
    {
        var freshness = probe.Freshness;
        if (_checkOptions.OnUnavailable == UnavailablePolicy.LastKnown)
        {
            if (_cache.TryGetValue(probe.Subject, out var cached))
            {
                return new SubjectLookup(state.Catalog, cached.Entries, cached.Unreadable, LookupSource.LastKnown, freshness, reason + " Last known entries used.");
            }

            if (!probe.MayBeListed)
            {
                return new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.LastKnown, freshness, reason + " Not listed as of the last sync.");
            }
        }

        return new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.Unavailable, freshness, reason);
    }

    private void Remember(SubjectId subject, CachedSubject cached)
    {
        if (_options.CacheCapacity == 0)
        {
            return;
        }

        if (Volatile.Read(ref _cacheCount) >= _options.CacheCapacity)
        {
            // Bounded: drop a quarter; tracking age is not worth it for a cache this cheap to refill.
            foreach (var stale in _cache.Keys.Take(Math.Max(1, _options.CacheCapacity / 4)))
            {
                Forget(stale);
            }
        }

        if (_cache.TryAdd(subject, cached))
        {
            Interlocked.Increment(ref _cacheCount);
        }
        else
        {
            _cache[subject] = cached;
        }

        _cachedKeys[cached.Key] = subject;
        if (cached.AlternateKey is not null)
        {
            _cachedKeys[cached.AlternateKey] = subject;
        }
    }

    private void Forget(SubjectId subject)
    {
        if (_cache.TryRemove(subject, out var cached))
        {
            Interlocked.Decrement(ref _cacheCount);
            _cachedKeys.TryRemove(cached.Key, out _);
            if (cached.AlternateKey is not null)
            {
                _cachedKeys.TryRemove(cached.AlternateKey, out _);
            }
        }
    }

    private void Invalidate(string key)
    {
        if (_cachedKeys.TryRemove(key, out var subject))
        {
            Forget(subject);
        }
    }

    private void ClearCache()
    {
        _cache.Clear();
        _cachedKeys.Clear();
        Interlocked.Exchange(ref _cacheCount, 0);
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

    private async Task<SyncState?> WaitForStateAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync().ConfigureAwait(false);
        try
        {
            await _ready.Task.WaitAsync(_options.StartupTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // reported as not ready
        }

        return _state;
    }

    private SubjectLookup NotReady() => new(
        null,
        NoEntries,
        NoProblems,
        LookupSource.Unavailable,
        default,
        $"Not synchronized with Redis namespace '{_options.Namespace}' yet: {_lastError ?? "no answer"}.");

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
        _connection = await RedisConnection.ConnectAsync(_options, _sharedMultiplexer).ConfigureAwait(false);

        // After a reconnect the server may have restarted or failed over: read everything anew.
        _connection.Multiplexer.ConnectionRestored += (_, _) =>
        {
            _resyncRequested = true;
            Wake();
        };
        _feed = Task.Run(() => RunFeedAsync(_stop.Token));
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

    private async Task RunFeedAsync(CancellationToken stop)
    {
        var resync = true;
        var subscribed = false;
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!subscribed)
                {
                    // The wake-up; the client resubscribes by itself after a reconnect.
                    await _connection!.Multiplexer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_connection.Keys.Notify), (_, _) => Wake()).ConfigureAwait(false);
                    subscribed = true;
                }

                if (_resyncRequested)
                {
                    _resyncRequested = false;
                    resync = true;
                    Log.Resync(_logger, _options.Namespace, "the connection to Redis was restored");
                }

                if (!_feedPaused)
                {
                    resync = resync ? !await ResyncAsync().ConfigureAwait(false) : !await PollAsync().ConfigureAwait(false);
                }

                failures = 0;
            }
            catch (SecretMismatchException e)
            {
                _lastError = e.Message;
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
                _lastError = $"{e.GetType().Name}: {e.Message}";
                Log.FeedFailed(_logger, e, _options.Namespace);
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

    /// <summary>Reads everything anew: catalog, filter sources, sequence. True when done.</summary>
    private async Task<bool> ResyncAsync()
    {
        var connection = _connection!;
        var started = _time.GetUtcNow();
        var result = (RedisResult[])(await connection.EvaluateAsync(RedisScripts.Snapshot, [connection.Keys.Sequence], [connection.Keys.Prefix])
            .WaitAsync(_options.OperationTimeout * 5, _time).ConfigureAwait(false))!;
        var sequence = long.Parse((string)result[0]!, CultureInfo.InvariantCulture);
        var fingerprint = (string)result[1]!;
        if (fingerprint.Length == 0)
        {
            throw new InvalidOperationException($"Namespace '{_options.Namespace}' has no data yet: no publisher has set it up.");
        }

        if (fingerprint != connection.SubjectKeys.SecretFingerprint)
        {
            throw new SecretMismatchException(_options.Namespace, fingerprint, connection.SubjectKeys.SecretFingerprint);
        }

        var catalogJson = (string)result[3]!;
        if (catalogJson.Length == 0)
        {
            throw new InvalidOperationException($"Namespace '{_options.Namespace}' has no catalog; publish one.");
        }

        var catalog = CreditCatalog.Parse(catalogJson);
        var committed = (RedisResult[])result[4]!;
        var generations = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < committed.Length; i += 2)
        {
            generations[(string)committed[i]!] = (long)committed[i + 1];
        }

        var blobs = new List<byte[]>();
        long keys = 0;
        for (var i = 5; i + 1 < result.Length; i += 2)
        {
            var blob = (byte[])result[i + 1]!;
            blobs.Add(blob);
            keys += blob.Length / 8;
        }

        var filter = new SplitBlockBloomFilter(keys);
        foreach (var blob in blobs)
        {
            for (var offset = 0; offset + 8 <= blob.Length; offset += 8)
            {
                filter.Add(BinaryPrimitives.ReadUInt64LittleEndian(blob.AsSpan(offset)));
            }
        }

        // Cached entries stay valid when nothing changed (a resync after a reconnect, say): they are
        // what the LastKnown policy answers from while Redis is away.
        if (sequence != Interlocked.Read(ref _applied) || _state?.Catalog.Version != catalog.Version)
        {
            ClearCache();
        }

        _state = new SyncState(catalog, filter, (string)result[2]! == "1", connection.SubjectKeys, generations);
        Interlocked.Exchange(ref _applied, sequence);
        Confirm(started);
        _lastError = null;
        Log.Synchronized(_logger, _options.Namespace, sequence, catalog.Version, filter.Count, filter.SizeInBytes);
        _ready.TrySetResult();
        return true;
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
            var batch = database.CreateBatch();
            var sequenceTask = batch.StringGetAsync(connection.Keys.Sequence);
            var changesTask = batch.SortedSetRangeByScoreWithScoresAsync(connection.Keys.Changes, applied, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, 1000);
            batch.Execute();
            var sequence = (long?)await sequenceTask.WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false) ?? 0;
            var changes = await changesTask.WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false);

            if (changes.Length == 0)
            {
                if (sequence > applied)
                {
                    Log.Resync(_logger, _options.Namespace, $"the change log no longer holds sequence {applied + 1}");
                    return false;
                }

                if (sequence < applied)
                {
                    Log.Resync(_logger, _options.Namespace, $"the namespace went back from sequence {applied} to {sequence} (data replaced or flushed)");
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
                    return false;
                }

                Interlocked.Exchange(ref _applied, (long)change.Score);
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

                Invalidate(change.K);
                return true;

            case "catalog":
                var json = await _connection!.Database.HashGetAsync(_connection.Keys.Catalog, "json").WaitAsync(_options.OperationTimeout, _time).ConfigureAwait(false);
                _state = state with { Catalog = CreditCatalog.Parse(json!) };
                return true;

            case "list":
                Log.Resync(_logger, _options.Namespace, $"list {change.L} was imported");
                return false;

            default:
                Log.Resync(_logger, _options.Namespace, $"unreadable change record: {record}");
                return false;
        }
    }

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

    private void Confirm(DateTimeOffset at) => Interlocked.Exchange(ref _confirmedAtTicks, at.UtcTicks);

    private static bool IsRedisFailure(Exception e) => e is RedisException or TimeoutException or ObjectDisposedException;

    private sealed record SyncState(CreditCatalog Catalog, SplitBlockBloomFilter Filter, bool OrganizationKeys, SubjectKeys Keys, IReadOnlyDictionary<string, long> Generations);

    private sealed record CachedSubject(FoundEntry[] Entries, UnreadableEntry[] Unreadable, string Key, string? AlternateKey);

    /// <summary>What the local state says of a subject: an answer, or what to read from Redis.</summary>
    private readonly struct Probe
    {
        public Probe(SubjectLookup answer)
        {
            Answered = true;
            Lookup = answer;
        }

        public Probe(SubjectId subject, string key, string? alternateKey, IdentifierScheme? alternateScheme, bool mayBeListed, StoreFreshness freshness)
        {
            Subject = subject;
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
    }
}

/// <summary>What a Redis store knows of its freshness, for readiness and health checks.</summary>
/// <param name="IsSynchronized">Whether the first sync has completed.</param>
/// <param name="IsFresh">Whether the feed confirmed the state within <see cref="CreditCheckOptions.MaxStaleness"/>.</param>
/// <param name="Sequence">The change sequence applied.</param>
/// <param name="ConfirmedAt">When the state was last confirmed current, or null before the first sync.</param>
/// <param name="CatalogVersion">The catalog's version, or null before the first sync.</param>
/// <param name="FilterKeys">Keys in the local filter.</param>
/// <param name="FilterBytes">Memory of the local filter.</param>
/// <param name="LastError">The last feed or lookup error since the last success, or null.</param>
public sealed record RedisStoreStatus(
    bool IsSynchronized,
    bool IsFresh,
    long Sequence,
    DateTimeOffset? ConfirmedAt,
    string? CatalogVersion,
    int FilterKeys,
    long FilterBytes,
    string? LastError);
