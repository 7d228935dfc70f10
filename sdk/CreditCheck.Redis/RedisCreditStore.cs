using System.Collections.Frozen;
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
public sealed partial class RedisCreditStore : ICreditStore, IStagedBatchLookup, IStoreHealth, IAsyncDisposable
{
    private static readonly FoundEntry[] NoEntries = [];
    private static readonly UnreadableEntry[] NoProblems = [];

    // Batches of at least this many subjects are probed in two halves at once (ProbeRange): about 0.3 ms of work
    // for 10,000 subjects, against tens of µs to hand half of it to another thread.
    private const int ProbeInHalvesFrom = 4_096;

    private readonly RedisStoreOptions _options;
    private readonly CreditCheckOptions _checkOptions;
    private readonly IConnectionMultiplexer? _sharedMultiplexer;
    private readonly TimeProvider _time;
    private readonly WarningThrottle _lookupWarnings;
    private readonly ILogger _logger;
    private readonly SubjectCache _cache;
    private readonly EntrySelector _selector;
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
    private long _replicaReads;
    private long _replicaReadsBehind;
    private long _replicaReadsFailed;
    private long _replicaReadsBackedOff;
    private readonly ReplicaBackoff _replicaBackoff;
    private int _resyncRestartsInARow;
    private long _resyncRestarts;
    private long _consistentResyncs;
    private volatile StoreError? _lastError;
    private long _confirmations; // how many times the state was confirmed current: an error older than the last is past
    private volatile bool _feedPaused;
    private volatile bool _resyncRequested;
    private string? _resyncReason; // what the connection events since the last resync said, under _resyncReasonLock
    private readonly Lock _resyncReasonLock = new();
    private readonly ConnectionFailures _connectionFailures = new();
    private volatile string? _damage;
    private volatile IReadOnlyDictionary<string, long>? _listsToReload; // lists held before the namespace was lost, not imported again yet: each with the generation Redis held of it then (0: none), which it must move off
    private volatile LostNamespace? _lost; // what this host had applied when it found the namespace lost, until the next resync compares
    private readonly Queue<(long Sequence, string Record)> _recentChanges = new(); // the feed's last applied changes, to name those a failover loses
    private volatile LostEntries? _lostEntries; // subjects of lost single changes, answered by the policy until made again
    private volatile string? _platformBehind; // why the platform link says the namespace is behind its credit platform
    private string? _damageSummary;
    private bool _warnedUnverified;
    private string? _warnedListsNotHeld;
    private bool _evictionPolicyChecked;
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
        _cache = new SubjectCache(options.CacheCapacity);
        _selector = new EntrySelector(_logger, options.Namespace);
        _replicaBackoff = new ReplicaBackoff(_time);
        _lookupWarnings = new WarningThrottle(_time, TimeSpan.FromMinutes(1));
    }

    /// <summary>The store's logger, which the feedback sink built over it writes to.</summary>
    internal ILogger Logger => _logger;

    /// <summary>Whether the namespace has been read from Redis at least once (so it exists, or did).</summary>
    internal bool HasSynchronized => _state is not null;

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
                (state is null ? NotSyncedReason() : null) ?? CurrentError ?? Combine(Combine(_damage, _entryDamage), _lostEntries?.Describe()),
                Combine(Combine(_damage, _entryDamage), _lostEntries?.Describe()))
            {
                ReplicaReads = Interlocked.Read(ref _replicaReads),
                ReplicaReadsBehind = Interlocked.Read(ref _replicaReadsBehind),
                ReplicaReadsFailed = Interlocked.Read(ref _replicaReadsFailed),
                ReplicaReadsBackedOff = Interlocked.Read(ref _replicaReadsBackedOff),
                ReplicaBackoffUntil = _replicaBackoff.Until,
                ResyncRestarts = Interlocked.Read(ref _resyncRestarts),
                ConsistentResyncs = Interlocked.Read(ref _consistentResyncs),
                PlatformBehind = _platformBehind,
            };
        }
    }

    /// <summary>The applied sequence alone: a field read, for a caller that polls it in a loop (Status makes a
    /// new object on every read).</summary>
    internal long AppliedSequence => Interlocked.Read(ref _applied);

    StoreHealth IStoreHealth.Health
    {
        get
        {
            var status = Status;
            var behind = status.PlatformBehind is { } reason ? $"the namespace is behind its credit platform: {reason}" : null;
            return new StoreHealth(status.IsSynchronized, status.IsFresh, status.Sequence, status.ConfirmedAt, status.LastError, Combine(status.Damage, behind)) { Catalog = _state?.Catalog };
        }
    }

    private DateTimeOffset ConfirmedAt => new(Interlocked.Read(ref _confirmedAtTicks), TimeSpan.Zero);

    /// <summary>The last error, unless the state was confirmed current since (a stale error made a store that only
    /// lagged read as unreachable, and /readyz showed a failover's error long after the store had recovered).</summary>
    private string? CurrentError => _lastError is { } error && error.Confirmations == Interlocked.Read(ref _confirmations) ? error.Message : null;

    private void NoteError(string message) => _lastError = new StoreError(message, Interlocked.Read(ref _confirmations));

    /// <summary>Why the store is not synchronized yet: what the client knows of its connections, then the feed's last
    /// error (found in CI on StackExchange.Redis 3.x: the feed's backlog timeout, which names no endpoint, came first and
    /// hid the refused endpoint); null when neither says anything.</summary>
    private string? NotSyncedReason()
    {
        var problem = ConnectionProblem();
        var error = _lastError?.Message;
        return problem is null ? error
            : error is null || error.Contains(problem, StringComparison.Ordinal) ? problem
            : $"{problem}; {error}";
    }

    /// <summary>What the client knows is wrong with its connections, for when nothing else has failed: the endpoints it
    /// is not connected to and its last connection failure, e.g. <c>Not connected to Redis 127.0.0.1:6390
    /// (UnableToConnect on 127.0.0.1:6390/Interactive: Connection refused)</c>; null when it knows of nothing wrong. It
    /// only names a cause, so it never throws.</summary>
    private string? ConnectionProblem()
    {
        var last = _connectionFailures.Last;
        string[] down;
        try
        {
            var servers = _connection?.Multiplexer.GetServers();
            if (servers is null)
            {
                // Still connecting, the client's first attempt not over yet: the endpoints it is trying.
                return last is not null ? $"Cannot connect to Redis ({last})"
                    : _options.Configuration is { } configuration ? $"Connecting to Redis {string.Join(", ", RedisConfiguration.Parse(configuration).EndPoints.Select(RedisConnection.Format))}"
                    : null;
            }

            down = [.. servers.Where(s => !s.IsConnected).Select(s => RedisConnection.Format(s.EndPoint))];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            down = [];
        }

        return down.Length == 0
            ? null // connected: a failure seen before is past
            : $"Not connected to Redis {string.Join(", ", down)}{(last is null ? string.Empty : $" ({last})")}";
    }

    private sealed record StoreError(string Message, long Confirmations);

    /// <summary>Connects, starts the change feed and waits at most <see cref="RedisStoreOptions.StartupTimeout"/>
    /// in all for the connection and the first sync. Returns when synchronized or when the time is up (the store
    /// then reports not ready and keeps trying).</summary>
    /// <param name="cancellationToken">Cancels the wait, not the feed.</param>
    /// <exception cref="InvalidOperationException">The namespace was set up with a different secret, or Redis has the
    /// connection logged in as another user than the configured one (its password refused).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var began = _time.GetTimestamp();
        try
        {
            // Connecting counts toward the timeout too: a host whose Redis is down starts within StartupTimeout
            // (the client may take seconds to give up on a server that refuses; the feed keeps trying).
            await EnsureStartedAsync().WaitAsync(_options.StartupTimeout, _time, cancellationToken).ConfigureAwait(false);
            var left = _options.StartupTimeout - _time.GetElapsedTime(began);
            await _ready.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing failed yet while the first subscribe and snapshot wait in the client's backlog: what the client
            // knows of its connections is the cause (found from outside: "no answer yet", and LastError stayed empty).
            if (_lastError is null && ConnectionProblem() is { } problem)
            {
                NoteError(problem);
            }

            Log.NotReady(_logger, _options.Namespace, _options.StartupTimeout, NotSyncedReason() ?? "no answer yet");
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
            lookups.AsSpan(0, subjects.Count).Fill(NotReady());
            return;
        }

        // Everything answered locally stays local; the rest goes to Redis in one round trip. A large batch is
        // probed in two halves at once (the caller's thread and one from the pool), joined before the read and
        // before this method first yields: the checker decides the local answers as soon as it does.
        var freshness = Freshness(out var fresh);
        var clean = new SubjectLookup(state.Catalog, NoEntries, NoProblems, LookupSource.LocalFilter, freshness) { ListsHeld = state.ListsHeld };
        var ruledOut = fresh && _damage is null && _platformBehind is null && _lostEntries is null; // once for the batch: both halves judge by the same state
        var count = subjects.Count;
        List<Probe> pending;
        List<int> positions;
        if (count >= ProbeInHalvesFrom && Environment.ProcessorCount > 1)
        {
            var half = count / 2;
            var halves = new (List<Probe> Pending, List<int> Positions)[2];
            Parallel.Invoke(
                () => halves[0] = ProbeRange(state, subjects, lookups, answered, 0, half, freshness, fresh, ruledOut, clean),
                () => halves[1] = ProbeRange(state, subjects, lookups, answered, half, count, freshness, fresh, ruledOut, clean));
            (pending, positions) = halves[0];
            pending.AddRange(halves[1].Pending);
            positions.AddRange(halves[1].Positions);
        }
        else
        {
            (pending, positions) = ProbeRange(state, subjects, lookups, answered, 0, count, freshness, fresh, ruledOut, clean);
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

    /// <summary>Probes subjects [<paramref name="from"/>, <paramref name="to"/>) locally, answering what the local
    /// state answers; returns the probes to read from Redis and their positions. Most of a batch is ruled out by
    /// the filter (when <paramref name="ruledOut"/>: fresh, no damage): those share one answer, <paramref name="clean"/>
    /// (what <see cref="ProbeLocally(SyncState, SubjectId, StoreFreshness, bool)"/> answers them); the rest are
    /// probed in full.</summary>
    private (List<Probe> Pending, List<int> Positions) ProbeRange(
        SyncState state, IReadOnlyList<SubjectId> subjects, SubjectLookup[] lookups, bool[] answered, int from, int to, StoreFreshness freshness, bool fresh, bool ruledOut, SubjectLookup clean)
    {
        var pending = new List<Probe>();
        var positions = new List<int>();
        for (var i = from; i < to; i++)
        {
            if (ruledOut && !MayBeListed(state, subjects[i]))
            {
                lookups[i] = clean;
                answered[i] = true;
                continue;
            }

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

        return (pending, positions);
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
            // A host's own multiplexer outlives the store: leave nothing of the store attached to it.
            _connection.Multiplexer.ConnectionRestored -= OnConnectionRestored;
            _connection.Multiplexer.ConnectionFailed -= OnConnectionFailed;
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    // ListsHeld: the lists the namespace holds data of (a committed import, or single entries), one set per state, which
    // every lookup of it carries (the checker names the catalog's other lists as not covered).
    /// <summary>What this host had applied when it found the namespace lost: each list's generation, and the epoch.</summary>
    private sealed record LostNamespace(IReadOnlyDictionary<string, long> Generations, string Epoch);

    private sealed record SyncState(CreditCatalog Catalog, SplitBlockBloomFilter Filter, bool OrganizationKeys, SubjectKeys Keys, IReadOnlyDictionary<string, long> Generations, FrozenSet<string> ListsHeld, string Epoch);
}

/// <summary>What a Redis store knows of its freshness, for readiness and health checks.</summary>
/// <param name="IsSynchronized">Whether the first sync has completed.</param>
/// <param name="IsFresh">Whether the feed confirmed the state within <see cref="CreditCheckOptions.MaxStaleness"/>.</param>
/// <param name="Sequence">The change sequence applied.</param>
/// <param name="ConfirmedAt">When the state was last confirmed current, or null before the first sync.</param>
/// <param name="CatalogVersion">The catalog's version, or null before the first sync.</param>
/// <param name="FilterKeys">Keys in the local filter.</param>
/// <param name="FilterBytes">Memory of the local filter.</param>
/// <param name="LastError">The last feed or lookup error since the state was last confirmed current (or the damage found, while it lasts), or null.</param>
/// <param name="Damage">What is wrong with the list data in Redis (naming each key), or null: while it is
/// set, no subject is answered "not listed" and decisions follow the unavailability policy.</param>
public sealed record RedisStoreStatus(
    bool IsSynchronized,
    bool IsFresh,
    long Sequence,
    DateTimeOffset? ConfirmedAt,
    string? CatalogVersion,
    int FilterKeys,
    long FilterBytes,
    string? LastError,
    string? Damage = null)
{
    /// <summary>Reads sent to a replica under <see cref="RedisReadPreference.PreferReplica"/> (to the primary
    /// when no replica is connected).</summary>
    public long ReplicaReads { get; init; }

    /// <summary>Of <see cref="ReplicaReads"/>, those whose node had not applied this host's sequence: redone on the primary.</summary>
    public long ReplicaReadsBehind { get; init; }

    /// <summary>Of <see cref="ReplicaReads"/>, those the replica could not answer (down, timed out): redone on the
    /// primary, and the replicas are backed off (<see cref="ReplicaBackoffUntil"/>).</summary>
    public long ReplicaReadsFailed { get; init; }

    /// <summary>Reads sent straight to the primary, not counted in <see cref="ReplicaReads"/>, because a replica
    /// failed lately (<see cref="ReplicaBackoffUntil"/>): they paid no replica timeout.</summary>
    public long ReplicaReadsBackedOff { get; init; }

    /// <summary>Until when lookups skip the replicas after a replica read failed or timed out (the back-off
    /// grows from 1 s to at most 1 min while retries fail; a replica answering ends it), or null.</summary>
    public DateTimeOffset? ReplicaBackoffUntil { get; init; }

    /// <summary>Resyncs started over because an import committed (or a filter source changed length) while the
    /// filter sources were read in pieces. After 3 in a row the next read is one consistent step
    /// (<see cref="ConsistentResyncs"/>), so a publisher importing all the time cannot hold a resync off.</summary>
    public long ResyncRestarts { get; init; }

    /// <summary>Resyncs that read the filter sources in one consistent step (one script) after restarting 3 times in a row.</summary>
    public long ConsistentResyncs { get; init; }

    /// <summary>Why the namespace is behind its credit platform, as the platform link's sync relay records it (field
    /// <c>behind</c> of <c>cc:{ns}:platform</c>: a snapshot not yet applied in full, a change it cannot apply yet), or
    /// null. While it is set no subject is answered "not listed": those the namespace does not list are decided by
    /// the unavailability policy, with this as the reason; the health check reports it.</summary>
    public string? PlatformBehind { get; init; }
}
