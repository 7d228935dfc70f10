using System.Threading.Channels;
using CreditCheck.Catalog;
using CreditCheck.Platform.Protocol;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CreditCheck.Platform;

/// <summary>Keeps a Redis namespace equal to the credit platform's lists: follows the platform's
/// <c>Sync</c> stream and writes through the publisher — a snapshot by replacing each list it names
/// (staged and switched atomically per list by the publisher's import) and the catalog, then every change
/// in version order. The platform version applied is recorded in the namespace (hash
/// <c>cc:{ns}:platform</c>) only after what it names is applied, so after a restart or <c>kill -9</c> the
/// relay resumes from it; a snapshot interrupted half-way is asked for again whole. Any disconnect or
/// error is logged and retried with backoff. A change or a snapshot entry the SDK refuses is set aside and the rest
/// applied; a refused snapshot entry is stored as unreadable when its subject can be keyed (answered Review).</summary>
public sealed partial class PlatformSyncRelay : IDisposable
{
    // Records handed to a list's import ahead of Redis: enough to keep the import busy, bounded in memory.
    private const int ImportBuffer = 20_000;
    private const int OnceAttempts = 8;

    private readonly PlatformSyncOptions _options;
    private readonly RedisCreditPublisher _publisher;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PlatformChannel _channel;
    // The lists asked (--lists, sorted), null: every list the client is entitled to.
    private readonly string? _asked;
    private long _version;
    // The version of the last change or snapshot applied (or recorded at the session's start). A heartbeat moves
    // _version (the platform is there: nothing else for this client), never this: a change a heartbeat overtook must
    // still be applied when it comes (found from outside: heartbeat V before change V, and the change was passed over).
    private long _applied;
    // The mark's lists and history: what the namespace holds. _wanted: what this session's Sync carries.
    private string? _followed;
    private string? _history;
    private string _wanted = "*";
    private string? _warnedUnfollowed;
    private string? _behind;
    private bool _resnapshot;
    private long _refused;
    private long _changes;
    private int _snapshots;
    private int _lists;
    private long _entries;

    /// <summary>Creates a relay; nothing is opened until <see cref="RunAsync"/> or <see cref="SyncOnceAsync"/>.</summary>
    /// <param name="options">The platform and the reconnection settings.</param>
    /// <param name="publisher">The publisher of the namespace to keep equal to the platform.</param>
    /// <param name="logger">Where disconnects, refusals and snapshots are logged.</param>
    /// <param name="time">The clock (tests inject one).</param>
    public PlatformSyncRelay(PlatformSyncOptions options, RedisCreditPublisher publisher, ILogger<PlatformSyncRelay>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publisher);
        options.Validate();
        _options = options;
        _publisher = publisher;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _channel = new PlatformChannel(options.Platform, _time);
        _asked = options.Platform.Lists.Count == 0 ? null : ListsKey(options.Platform.Lists);
    }

    /// <summary>Told of the relay's progress (a snapshot's entries, changes applied).</summary>
    public IProgress<PlatformSyncProgress>? Progress { get; set; }

    /// <summary>Follows the platform until cancelled: reconnects with backoff after any disconnect or error.</summary>
    /// <param name="cancellationToken">Stops the relay.</param>
    /// <returns>What was done, once cancelled.</returns>
    public async Task<PlatformSyncSummary> RunAsync(CancellationToken cancellationToken)
    {
        var delay = _options.MinReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            var before = Summary();
            Exception? failure = null;
            try
            {
                await SessionAsync(once: false, cancellationToken).ConfigureAwait(false);
                LogStreamEnded(_logger, _options.Platform.Address!, _version);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped (Ctrl+C, SIGTERM, the host): the call's Cancelled status is not a platform failure.
                break;
            }
            catch (Exception e) when (IsRetried(e))
            {
                failure = e;
            }

            // Progress made: the backoff starts again, and the log says the wait really taken.
            delay = Summary() != before ? _options.MinReconnectDelay : delay;
            if (failure is not null)
            {
                LogFailed(_logger, _options.Platform.Address!, _version, Describe(failure), delay.TotalSeconds);
            }
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }

        return Summary();
    }

    /// <summary>Brings the namespace up to the platform's current version (asked with <c>GetCatalog</c>)
    /// and returns. A refused credential or entitlement, or data the SDK refuses, fails at once (nothing of
    /// the refused change or list is applied); other errors are retried a few times with backoff.</summary>
    /// <param name="cancellationToken">Stops the sync.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="RpcException">The platform refused the client, or stayed unreachable.</exception>
    /// <exception cref="PlatformDataException">The platform kept sending a snapshot the SDK refuses as a whole (its catalog,
    /// its order); a change or a snapshot entry the SDK refuses is set aside in <c>cc:{ns}:platform:refused</c> and the sync goes on.</exception>
    /// <exception cref="PlatformUnavailableException">The address's scheme is probably wrong (TLS against plain HTTP/2 or the reverse).</exception>
    public async Task<PlatformSyncSummary> SyncOnceAsync(CancellationToken cancellationToken)
    {
        var delay = _options.MinReconnectDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await SessionAsync(once: true, cancellationToken).ConfigureAwait(false))
                {
                    return Summary();
                }

                LogStreamEnded(_logger, _options.Platform.Address!, _version);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                // Stopped: said as a cancellation, not as a platform that cannot be reached.
                throw new OperationCanceledException("the sync was stopped", e, cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.InvalidArgument)
            {
                throw;
            }
            catch (PlatformDataException)
            {
                // The same data would be refused again: say so now (RunAsync logs it and retries, for the platform to fix it).
                throw;
            }
            catch (RpcException e) when (PlatformFailure.SchemeMismatch(e, _options.Platform.Address!) is { } wrong)
            {
                // Waiting does not fix a wrong scheme.
                throw new PlatformUnavailableException(_options.Platform.Address!, wrong, e);
            }
            catch (Exception e) when (IsRetried(e) && attempt < OnceAttempts && !cancellationToken.IsCancellationRequested)
            {
                LogFailed(_logger, _options.Platform.Address!, _version, Describe(e), delay.TotalSeconds);
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    /// <summary>Closes the channel to the platform (not the publisher, which the caller owns).</summary>
    public void Dispose() => _channel.Dispose();

    /// <summary>What went wrong, in one line naming the platform's status or the refusal.</summary>
    internal string Describe(Exception e) => PlatformFailure.Describe(e, _options.Platform.Address, _options.Platform.CallTimeout);

    private static bool IsRetried(Exception e) => e is not (OutOfMemoryException or StackOverflowException);

    private PlatformSyncSummary Summary() => new(_version, _snapshots, _lists, _entries, _changes) { Refused = _refused };

    /// <summary>Records the mark: the version applied, the snapshot being applied, why the namespace is behind, the lists followed.</summary>
    private Task WriteMarkAsync(long snapshot, CancellationToken cancellationToken) =>
        _publisher.SetPlatformMarkAsync(new RedisPlatformMark(_version, snapshot) { Behind = _behind, Lists = _followed, History = _history }, cancellationToken);

    /// <summary>A list set as the mark records it: the codes, distinct, sorted, comma-separated.</summary>
    private static string ListsKey(IEnumerable<string> lists) => string.Join(',', lists.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>The platform states a history other than the one of the version applied: its versions no longer
    /// say what the namespace holds. Not compared when the platform states none, or when a snapshot is asked for anyway.</summary>
    private bool OtherHistory(string history) => history.Length > 0 && _version > 0 && history != _history && !_resnapshot;

    /// <summary>Like a version gone backwards (the platform restored from a copy, or started afresh, and numbering
    /// its changes anew): what it holds is unknown, so the namespace is marked behind and a snapshot asked for.</summary>
    private async Task OtherHistoryAsync(string history, string seenIn, CancellationToken cancellationToken)
    {
        LogOtherHistory(_logger, _options.Platform.Address!, history, seenIn, _history ?? "(not recorded)", _version);
        _resnapshot = true;
        _behind = $"the platform's history changed from {_history ?? "(not recorded)"} to {history} (restored from an older state, or started afresh); a snapshot is asked for";
        await WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Says once which of the platform's lists the namespace does not hold: hosts answer their subjects "not listed".</summary>
    private void WarnUnfollowed(string catalogJson)
    {
        if (_wanted == "*" || _warnedUnfollowed == _wanted)
        {
            return;
        }

        _warnedUnfollowed = _wanted;
        try
        {
            var followed = _wanted.Split(',').ToHashSet(StringComparer.Ordinal);
            var missing = CreditCatalog.Parse(catalogJson).Lists.Select(l => l.Code).Where(c => !followed.Contains(c)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                LogUnfollowed(_logger, _wanted, string.Join(", ", missing));
            }
        }
        catch (CatalogValidationException)
        {
            // A catalog the SDK refuses is reported when the relay applies it.
        }
    }

    /// <summary>The platform's version is below the one applied (restarted from an older state): what it
    /// changed since is unknown, so the namespace is marked behind and a snapshot asked for.</summary>
    private async Task WentBackwardsAsync(long platformVersion, string seenIn, CancellationToken cancellationToken)
    {
        LogWentBackwards(_logger, _options.Platform.Address!, platformVersion, seenIn, _version);
        _resnapshot = true;
        _behind = $"the platform's version went backwards from {_version} to {platformVersion}; a snapshot is asked for";
        await WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
    }

    private void Report(long snapshotVersion = 0, long snapshotEntries = 0, long snapshotTotal = 0) =>
        Progress?.Report(new PlatformSyncProgress(_version, snapshotVersion, snapshotEntries, snapshotTotal, _changes));

    /// <summary>One Sync stream, from the version recorded in the namespace. First <c>GetCatalog</c>: the
    /// platform's version (the target when <paramref name="once"/>), its history and the lists the client is
    /// entitled to, so that a namespace that would not continue by version (another history, other lists) takes
    /// a snapshot before any change is applied. Returns true once the namespace holds the target; false when
    /// the platform ended the stream or a snapshot must be asked for on a new one.</summary>
    private async Task<bool> SessionAsync(bool once, CancellationToken cancellationToken)
    {
        // The mark first, so that a platform that cannot be reached is logged against the namespace's real version.
        var mark = await _publisher.GetPlatformMarkAsync(cancellationToken).ConfigureAwait(false);
        _version = mark.Version;
        _applied = mark.Version;
        _behind = mark.Behind;
        _followed = mark.Lists;
        _history = mark.History;
        var platform = await _channel.Client.GetCatalogAsync(new GetCatalogRequest(), deadline: _channel.UnaryDeadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        _wanted = _asked ?? (platform.Lists.Count == 0 ? "*" : ListsKey(platform.Lists));
        WarnUnfollowed(platform.CatalogJson);
        var fresh = mark.SnapshotInProgress > 0 || _resnapshot;
        var markWhenAccepted = false;
        if (mark.SnapshotInProgress > 0)
        {
            LogSnapshotInterrupted(_logger, mark.SnapshotInProgress);
        }
        else if (fresh || mark.Version == 0)
        {
            // A snapshot comes anyway.
        }
        else if (platform.Version < _version)
        {
            // Following, the stream says it (a snapshot or a heartbeat below the version applied); once, it is said now.
            if (once)
            {
                await WentBackwardsAsync(platform.Version, "its catalog", cancellationToken).ConfigureAwait(false);
                fresh = true;
            }
        }
        else if (OtherHistory(platform.History))
        {
            await OtherHistoryAsync(platform.History, "its catalog", cancellationToken).ConfigureAwait(false);
            fresh = true;
        }
        else if (_followed != _wanted)
        {
            // The lists asked or granted changed (or were not recorded): resuming by version would never load a list added.
            LogListsChanged(_logger, _followed ?? "(not recorded)", _wanted);
            fresh = true;
            _resnapshot = true;
            _behind = $"the lists followed changed from {_followed ?? "(not recorded)"} to {_wanted}; a snapshot is asked for";
            // Recorded only once the platform accepts the lists: a refused one (not entitled) changes nothing.
            markWhenAccepted = true;
        }

        long? target = once ? platform.Version : null;
        if (target is { } already && !fresh && _version >= already)
        {
            await CaughtUpAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        var request = new SyncRequest { Client = _options.Platform.ClientId, LastAppliedVersion = fresh ? 0 : mark.Version };
        request.Lists.AddRange(_options.Platform.Lists);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_options.StreamIdleTimeout);
        using var call = _channel.Client.Sync(request, cancellationToken: idle.Token);
        SnapshotApplier? snapshot = null;
        try
        {
            while (true)
            {
                try
                {
                    if (!await call.ResponseStream.MoveNext(idle.Token).ConfigureAwait(false))
                    {
                        return false;
                    }

                    if (markWhenAccepted)
                    {
                        markWhenAccepted = false;
                        await WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException)
                {
                    throw new TimeoutException($"the Sync stream was silent for {_options.StreamIdleTimeout.TotalSeconds:F0} s (no change, no heartbeat); reconnecting", e);
                }

                // Applying may take a while (a list's import); the silence timer counts only the platform's.
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
                var message = call.ResponseStream.Current;
                switch (message.KindCase)
                {
                    case SyncMessage.KindOneofCase.SnapshotBegin:
                        if (snapshot is not null)
                        {
                            throw new PlatformDataException("the platform began a snapshot inside another");
                        }

                        snapshot = await SnapshotApplier.BeginAsync(this, message.SnapshotBegin, cancellationToken).ConfigureAwait(false);
                        break;
                    case SyncMessage.KindOneofCase.SnapshotChunk:
                        await (snapshot ?? throw new PlatformDataException("the platform sent a snapshot chunk outside a snapshot"))
                            .AddAsync(message.SnapshotChunk, cancellationToken).ConfigureAwait(false);
                        break;
                    case SyncMessage.KindOneofCase.SnapshotEnd:
                        await (snapshot ?? throw new PlatformDataException("the platform ended a snapshot it had not begun"))
                            .FinishAsync(message.SnapshotEnd.Version, cancellationToken).ConfigureAwait(false);
                        snapshot = null;
                        break;
                    case SyncMessage.KindOneofCase.Change:
                        if (snapshot is not null)
                        {
                            throw new PlatformDataException($"the platform sent change {message.Change.Version} inside a snapshot");
                        }

                        if (OtherHistory(message.Change.History))
                        {
                            // Checked before the change is applied: its number may repeat one of the history the namespace holds.
                            await OtherHistoryAsync(message.Change.History, $"change {message.Change.Version}", cancellationToken).ConfigureAwait(false);
                            return false;
                        }

                        await ApplyAsync(message.Change, cancellationToken).ConfigureAwait(false);
                        break;
                    case SyncMessage.KindOneofCase.Heartbeat:
                        // Changes to lists this client does not follow are not sent; the heartbeat moves it on.
                        if (snapshot is null && message.Heartbeat.Version >= _version && OtherHistory(message.Heartbeat.History))
                        {
                            await OtherHistoryAsync(message.Heartbeat.History, "a heartbeat", cancellationToken).ConfigureAwait(false);
                            return false;
                        }
                        else if (snapshot is null && message.Heartbeat.Version > _version)
                        {
                            _version = message.Heartbeat.Version;
                            _behind = null;
                            await WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
                            Report();
                        }
                        else if (snapshot is null && message.Heartbeat.Version < _version)
                        {
                            // Restarted from an older state: ask for a snapshot on a new stream.
                            await WentBackwardsAsync(message.Heartbeat.Version, "a heartbeat", cancellationToken).ConfigureAwait(false);
                            return false;
                        }
                        else if (snapshot is null)
                        {
                            await CaughtUpAsync(cancellationToken).ConfigureAwait(false);
                        }

                        break;
                }

                if (target is { } version && snapshot is null && !_resnapshot && _version >= version)
                {
                    await CaughtUpAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }

                idle.CancelAfter(_options.StreamIdleTimeout);
            }
        }
        finally
        {
            if (snapshot is not null)
            {
                await snapshot.AbortAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The namespace holds what the platform announced: nothing makes it behind any more.</summary>
    private async Task CaughtUpAsync(CancellationToken cancellationToken)
    {
        if (_behind is not null && !_resnapshot)
        {
            _behind = null;
            await WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies one change and then records its version. A change at or below the last change or snapshot
    /// applied is skipped and logged (5109): already applied, or out of order. A change above it is applied even when a
    /// heartbeat already announced its version (the heartbeat overtook it, 5118): re-applying is harmless, losing it is
    /// not. A crash between the
    /// write and the record re-applies the change on restart, which is harmless: upsert (same content),
    /// remove and status (the same status and reason) are idempotent. A change the SDK refuses (it can never
    /// be applied: an invalid identifier, a list the catalog lacks) is logged, set aside in
    /// <c>cc:{ns}:platform:refused</c> and passed over; a transient failure (Redis) marks the namespace
    /// behind and is retried.</summary>
    private async Task ApplyAsync(Change change, CancellationToken cancellationToken)
    {
        if (change.Version <= _applied)
        {
            LogOutOfOrder(_logger, change.Version, _applied, Entry(change), change.Version == _applied ? "already applied (sent again)" : "arrived out of order");
            return;
        }

        if (change.Version <= _version)
        {
            LogAfterHeartbeat(_logger, change.Version, Entry(change), _version);
        }

        string? refusal = null;
        try
        {
            switch (change.OperationCase)
            {
                case Change.OperationOneofCase.Upsert:
                    await _publisher.UpsertAsync(PlatformEntries.ToRecord(change.Upsert), cancellationToken).ConfigureAwait(false);
                    break;
                case Change.OperationOneofCase.Remove:
                    var removed = change.Remove;
                    await _publisher.RemoveAsync(PlatformEntries.Subject(removed.Subject, removed.SubjectKind, removed.ListCode, removed.EntryId), removed.ListCode, removed.EntryId, cancellationToken)
                        .ConfigureAwait(false);
                    break;
                case Change.OperationOneofCase.Status:
                    var key = change.Status.Entry;
                    var status = PlatformEntries.Status(change.Status.Status, key.ListCode, key.EntryId);
                    var reason = string.IsNullOrWhiteSpace(change.Status.Reason) ? $"status {status} set by the credit platform" : change.Status.Reason;
                    if (!await _publisher.SetStatusAsync(PlatformEntries.Subject(key.Subject, key.SubjectKind, key.ListCode, key.EntryId), key.ListCode, key.EntryId, status, reason, cancellationToken)
                            .ConfigureAwait(false))
                    {
                        LogStatusOfAbsentEntry(_logger, change.Version, key.ListCode, key.EntryId);
                    }

                    break;
                case Change.OperationOneofCase.CatalogJson:
                    await PublishCatalogAsync(change.CatalogJson, $"change {change.Version}", cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new PlatformDataException($"change {change.Version} carries no operation this SDK knows (a newer contract?)");
            }

            _behind = _resnapshot ? _behind : null;
        }
        catch (InvalidOperationException e) when (change.OperationCase == Change.OperationOneofCase.Status && e.Message.Contains("is unreadable in Redis", StringComparison.Ordinal))
        {
            // The entry is held as unreadable (a snapshot sent it with a field the SDK refuses): a status cannot be set on
            // it, and waiting does not change that. It stays unreadable (Review) until the platform sends it whole.
            refusal = $"change {change.Version}: {e.Message}";
        }
        catch (PlatformDataException e)
        {
            refusal = e.Message.StartsWith($"change {change.Version}", StringComparison.Ordinal) ? e.Message : $"change {change.Version}: {e.Message}";
        }
        catch (ListEntryException e)
        {
            if (change.OperationCase == Change.OperationOneofCase.Upsert && await NewerCatalogAsync(change, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException(_behind, e);
            }

            refusal = $"change {change.Version} was refused by the SDK: {e.Message}";
        }
        catch (Exception e) when (e is not OperationCanceledException && IsRetried(e))
        {
            // Not the change's fault (Redis unreachable, a concurrent write): retried, and the namespace says it is behind meanwhile.
            await MarkBehindAsync($"change {change.Version} ({Entry(change)}) could not be applied ({e.Message}); retrying", cancellationToken).ConfigureAwait(false);
            throw;
        }

        if (refusal is not null)
        {
            // Written after the try (found by review: a Redis failure inside a catch escaped without marking the namespace behind).
            try
            {
                await RefuseAsync(change, refusal, await StoreUnreadableAsync(change, refusal, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                _behind = _resnapshot ? _behind : null; // set aside for good: no longer behind for it (a retry may have said so)
            }
            catch (Exception e) when (e is not OperationCanceledException && IsRetried(e))
            {
                await MarkBehindAsync($"change {change.Version} ({Entry(change)}) is refused by the SDK and could not be set aside ({e.Message}); retrying", cancellationToken).ConfigureAwait(false);
                throw;
            }
        }

        _applied = change.Version;
        _version = Math.Max(_version, change.Version);
        await WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
        _changes += refusal is null ? 1 : 0;
        Report();
    }

    /// <summary>Says the namespace is behind while a change is retried: best effort, since Redis itself may be what fails
    /// (the retry records it once it answers again).</summary>
    private async Task MarkBehindAsync(string reason, CancellationToken cancellationToken)
    {
        _behind = reason;
        try
        {
            await WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception mark) when (mark is not OperationCanceledException && IsRetried(mark))
        {
            // Redis itself is failing.
        }
    }

    /// <summary>An upsert on a list the namespace's catalog lacks while the platform's current catalog has it:
    /// the change ran ahead of its catalog change. Passing it over would leave its subject answered "not
    /// listed" for good; instead the namespace is marked behind and a snapshot (the platform's catalog and
    /// lists together) is asked for. A list the platform's catalog lacks too has no measure anywhere: its
    /// change is set aside as refused.</summary>
    private async Task<bool> NewerCatalogAsync(Change change, CancellationToken cancellationToken)
    {
        var list = change.Upsert.ListCode;
        if ((await _publisher.GetCatalogAsync(cancellationToken).ConfigureAwait(false))?.FindList(list) is not null)
        {
            return false;
        }

        var platform = await _channel.Client.GetCatalogAsync(new GetCatalogRequest(), deadline: _channel.UnaryDeadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        CreditCatalog newer;
        try
        {
            newer = CreditCatalog.Parse(platform.CatalogJson);
        }
        catch (CatalogValidationException)
        {
            return false; // the snapshot would be refused for it as well
        }

        if (newer.FindList(list) is null)
        {
            return false;
        }

        LogUnknownListResnapshot(_logger, change.Version, Entry(change), newer.Version);
        _resnapshot = true;
        _behind = $"change {change.Version} ({Entry(change)}) names a list that the namespace's catalog lacks and the platform's catalog {newer.Version} has; a snapshot is asked for";
        await WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>A change that can never be applied: logged naming it, set aside for an operator, passed over.</summary>
    private Task RefuseAsync(Change change, string reason, CancellationToken cancellationToken) => RefuseAsync(change, reason, false, cancellationToken);

    /// <inheritdoc cref="RefuseAsync(Change, string, CancellationToken)"/>
    /// <param name="change">The change.</param>
    /// <param name="reason">Why the SDK refuses it.</param>
    /// <param name="storedAsUnreadable">Whether its entry was stored as unreadable (<see cref="StoreUnreadableAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    private async Task RefuseAsync(Change change, string reason, bool storedAsUnreadable, CancellationToken cancellationToken)
    {
        var key = _publisher.PlatformRefusalsKey;
        if (storedAsUnreadable)
        {
            LogChangeUnreadable(_logger, change.Version, Entry(change), key, reason);
        }
        else
        {
            LogChangeRefused(_logger, change.Version, Entry(change), reason, key);
        }

        var record = new System.Text.Json.Nodes.JsonObject
        {
            ["version"] = change.Version,
            ["operation"] = change.OperationCase.ToString(),
            ["entry"] = Entry(change),
            ["reason"] = reason,
            ["storedAsUnreadable"] = storedAsUnreadable,
            ["change"] = Google.Protobuf.JsonFormatter.Default.Format(change),
            ["refusedAt"] = _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        await _publisher.AddPlatformRefusalAsync(record.ToJsonString(), cancellationToken).ConfigureAwait(false);
        _refused++;
    }

    /// <summary>An upsert the SDK refuses (a date, a status or a field it cannot take) must not leave its subject answered
    /// as not listed, nor an older version of its entry standing as if current: when its subject can be keyed and the
    /// namespace's catalog has its list, the entry is stored as unreadable, as a refused snapshot entry is (hosts answer
    /// Review), until the platform sends it whole. A subject that cannot be keyed cannot be checked by any host, and a
    /// list no catalog has carries no measure: those are only set aside.</summary>
    /// <returns>Whether the entry was stored as unreadable.</returns>
    private async Task<bool> StoreUnreadableAsync(Change change, string reason, CancellationToken cancellationToken)
    {
        if (change.OperationCase != Change.OperationOneofCase.Upsert || string.IsNullOrWhiteSpace(change.Upsert.ListCode)
            || PlatformEntries.Keyable(change.Upsert) is not { } subject)
        {
            return false;
        }

        var entry = change.Upsert;
        if ((await _publisher.GetCatalogAsync(cancellationToken).ConfigureAwait(false))?.FindList(entry.ListCode) is null)
        {
            return false;
        }

        await _publisher.SetUnreadableAsync(subject, entry.ListCode, entry.EntryId, reason, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>What a change names, for the log: its entry, or the catalog.</summary>
    private static string Entry(Change change) => change.OperationCase switch
    {
        Change.OperationOneofCase.Upsert => $"upsert of entry '{change.Upsert.EntryId}' of list '{change.Upsert.ListCode}', subject '{change.Upsert.Subject}'",
        Change.OperationOneofCase.Remove => $"removal of entry '{change.Remove.EntryId}' of list '{change.Remove.ListCode}', subject '{change.Remove.Subject}'",
        Change.OperationOneofCase.Status => $"status of entry '{change.Status.Entry.EntryId}' of list '{change.Status.Entry.ListCode}', subject '{change.Status.Entry.Subject}'",
        Change.OperationOneofCase.CatalogJson => "catalog",
        _ => "an unknown operation",
    };

    /// <summary>Publishes the platform's catalog unless the namespace holds it already.</summary>
    private async Task PublishCatalogAsync(string json, string from, CancellationToken cancellationToken)
    {
        CreditCatalog catalog;
        try
        {
            catalog = CreditCatalog.Parse(json);
        }
        catch (CatalogValidationException e)
        {
            throw new PlatformDataException($"the platform's catalog ({from}) was refused by the SDK: {e.Message}", e);
        }

        var current = await _publisher.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        if (current is not null && current.Version == catalog.Version && current.ToJson() == catalog.ToJson())
        {
            return;
        }

        try
        {
            await _publisher.PublishCatalogAsync(catalog, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new PlatformDataException($"the platform's catalog {catalog.Version} ({from}) was refused by the namespace: {e.Message}", e);
        }
    }

    /// <summary>One snapshot being applied: the namespace is marked "snapshot in progress" first (a relay
    /// restarted before the end asks for a new snapshot), the catalog published, then each list replaced
    /// by the publisher's import as its chunks stream in (a list's chunks are contiguous), lists named
    /// without chunks replaced by nothing; the version is recorded at the end.</summary>
    private sealed class SnapshotApplier
    {
        private readonly PlatformSyncRelay _relay;
        private readonly SnapshotBegin _begin;
        private readonly HashSet<string> _lists;
        private readonly HashSet<string> _done = new(StringComparer.Ordinal);
        private readonly CreditCatalog _catalog;
        // The current list's entries the SDK refuses: those of a subject that can be keyed (stored as unreadable once
        // the list's import is committed), and the ids of those whose subject cannot be keyed.
        private readonly List<(SubjectId Subject, string EntryId, string Reason)> _unreadable = [];
        private readonly List<string> _unkeyed = [];
        private (string List, Channel<ListRecord> Records, Task<ImportSummary> Import)? _current;
        private long _written;
        private int _listsReplaced;

        private SnapshotApplier(PlatformSyncRelay relay, SnapshotBegin begin, CreditCatalog catalog)
        {
            _relay = relay;
            _begin = begin;
            _catalog = catalog;
            _lists = new HashSet<string>(begin.Lists, StringComparer.Ordinal);
        }

        public static async Task<SnapshotApplier> BeginAsync(PlatformSyncRelay relay, SnapshotBegin begin, CancellationToken cancellationToken)
        {
            LogSnapshotBegins(relay._logger, begin.Version, begin.Lists.Count, begin.TotalEntries);
            if (string.IsNullOrEmpty(begin.CatalogJson))
            {
                throw new PlatformDataException($"snapshot {begin.Version} carries no catalog");
            }

            // Checked before anything is written: a refused catalog leaves the namespace as it was.
            CreditCatalog catalog;
            try
            {
                catalog = CreditCatalog.Parse(begin.CatalogJson);
            }
            catch (CatalogValidationException e)
            {
                throw new PlatformDataException($"the platform's catalog (snapshot {begin.Version}) was refused by the SDK: {e.Message}", e);
            }

            if (begin.Version < relay._version)
            {
                LogWentBackwards(relay._logger, relay._options.Platform.Address!, begin.Version, "a snapshot", relay._version);
            }

            relay._behind = $"snapshot {begin.Version} is being applied";
            await relay.WriteMarkAsync(begin.Version, cancellationToken).ConfigureAwait(false);
            await relay.PublishCatalogAsync(begin.CatalogJson, $"snapshot {begin.Version}", cancellationToken).ConfigureAwait(false);
            relay.Report(begin.Version, 0, begin.TotalEntries);
            return new SnapshotApplier(relay, begin, catalog);
        }

        public async Task AddAsync(SnapshotChunk chunk, CancellationToken cancellationToken)
        {
            if (!_lists.Contains(chunk.ListCode))
            {
                throw new PlatformDataException($"snapshot {_begin.Version} sent entries of list '{chunk.ListCode}', which its beginning does not name");
            }

            if (_catalog.FindList(chunk.ListCode) is null)
            {
                // The whole list is refused (its import would be), not each of its entries.
                throw new PlatformDataException($"snapshot {_begin.Version} sent entries of list '{chunk.ListCode}', which its catalog {_catalog.Version} does not have");
            }

            if (_current?.List != chunk.ListCode)
            {
                await FinishCurrentAsync(cancellationToken).ConfigureAwait(false);
                if (!_done.Add(chunk.ListCode))
                {
                    throw new PlatformDataException($"snapshot {_begin.Version} sent the chunks of list '{chunk.ListCode}' apart (a list's chunks must be contiguous)");
                }

                var records = Channel.CreateBounded<ListRecord>(new BoundedChannelOptions(ImportBuffer) { SingleReader = true, SingleWriter = true });
                var list = chunk.ListCode;
                var import = Task.Run(() => _relay._publisher.ImportListAsync(list, Drain(records.Reader), ImportMode.Replace, progress: null, cancellationToken), cancellationToken);
                // An import that stops early (refused, locked) closes the buffer, so that the stream's reader is not left waiting on it.
                _ = import.ContinueWith(t => records.Writer.TryComplete(t.Exception?.InnerException ?? new InvalidOperationException($"the import of list '{list}' ended early")),
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                _current = (list, records, import);
            }

            var writer = _current.Value.Records.Writer;
            foreach (var entry in chunk.Entries)
            {
                if (entry.ListCode.Length > 0 && entry.ListCode != chunk.ListCode)
                {
                    throw new PlatformDataException($"snapshot {_begin.Version}: entry '{entry.EntryId}' names list '{entry.ListCode}' inside a chunk of '{chunk.ListCode}'");
                }

                if (entry.ListCode.Length == 0)
                {
                    entry.ListCode = chunk.ListCode;
                }

                if (Refusal(entry, out var record) is { } reason)
                {
                    await SetAsideAsync(entry, reason, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!writer.TryWrite(record))
                {
                    try
                    {
                        await writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ChannelClosedException)
                    {
                        // The import ended early: its own exception says why.
                        var (list, _, import) = _current.Value;
                        _current = null;
                        await Import(list, import).ConfigureAwait(false);
                        throw new PlatformDataException($"snapshot {_begin.Version}: the import of list '{list}' ended before its entries did");
                    }
                }
            }

            _written += chunk.Entries.Count;
            _relay.Report(_begin.Version, _written, _begin.TotalEntries);
        }

        public async Task FinishAsync(long version, CancellationToken cancellationToken)
        {
            if (version != _begin.Version)
            {
                throw new PlatformDataException($"snapshot {_begin.Version} ended as version {version}");
            }

            await FinishCurrentAsync(cancellationToken).ConfigureAwait(false);
            foreach (var list in _lists.Where(l => !_done.Contains(l)).Order(StringComparer.Ordinal))
            {
                await Import(list, _relay._publisher.ImportListAsync(list, [], ImportMode.Replace, progress: null, cancellationToken)).ConfigureAwait(false);
            }

            _relay._version = version;
            _relay._applied = version;
            _relay._behind = null;
            _relay._resnapshot = false;
            // The namespace now holds this session's lists, as of the snapshot's history.
            _relay._followed = _relay._wanted;
            _relay._history = _begin.History.Length > 0 ? _begin.History : null;
            await _relay.WriteMarkAsync(0, cancellationToken).ConfigureAwait(false);
            _relay._snapshots++;
            _relay._lists += _listsReplaced;
            _relay._entries += _written;
            _relay.Report();
            LogSnapshotApplied(_relay._logger, version, _lists.Count, _written);
        }

        /// <summary>Stops the list being imported: its import fails and switches nothing.</summary>
        public async Task AbortAsync()
        {
            if (_current is { } current)
            {
                current.Records.Writer.TryComplete(new OperationCanceledException("the snapshot was interrupted"));
                try
                {
                    await current.Import.ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The import ends without switching the list; the next snapshot replaces it.
                }

                _current = null;
            }
        }

        private async Task FinishCurrentAsync(CancellationToken cancellationToken)
        {
            if (_current is not { } current)
            {
                return;
            }

            // An entry whose subject cannot be keyed and whose id the list already holds (under a subject that could be
            // keyed then): replacing the list would drop that entry, so the list keeps its previous content whole.
            string? held = null;
            foreach (var id in _unkeyed)
            {
                if (await _relay._publisher.HoldsEntryAsync(current.List, id, cancellationToken).ConfigureAwait(false))
                {
                    held = id;
                    break;
                }
            }

            _current = null;
            _unkeyed.Clear();
            if (held is not null)
            {
                current.Records.Writer.TryComplete(new OperationCanceledException($"list '{current.List}' keeps its previous content"));
                try
                {
                    await current.Import.ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Expected: the import ends without switching the list.
                }

                LogListKept(_relay._logger, _begin.Version, current.List, held);
            }
            else
            {
                current.Records.Writer.TryComplete();
                await Import(current.List, current.Import).ConfigureAwait(false);
            }

            // After the list's import (which would supersede them): its refused entries of a keyable subject, as unreadable.
            foreach (var (subject, entryId, reason) in _unreadable)
            {
                await _relay._publisher.SetUnreadableAsync(subject, current.List, entryId, reason, cancellationToken).ConfigureAwait(false);
            }

            _unreadable.Clear();
        }

        /// <summary>Why the SDK refuses the entry (its subject, a field, or the catalog's rules), or null with its record.</summary>
        private string? Refusal(Protocol.Entry entry, out ListRecord record)
        {
            record = null!;
            try
            {
                record = PlatformEntries.ToRecord(entry);
            }
            catch (PlatformDataException e)
            {
                return e.Message;
            }

            return ListEntryRules.CheckDetailed(record, _catalog) is { } refusal
                ? $"entry '{entry.EntryId}' of list '{entry.ListCode}' was refused by the SDK: {refusal.Message}"
                : null;
        }

        /// <summary>An entry of the snapshot the SDK refuses, as a change it refuses is: logged, set aside in
        /// <c>cc:{ns}:platform:refused</c> and counted, the rest of the snapshot applied. Its subject must not become clean:
        /// when it can be keyed, the entry is stored as unreadable (hosts answer Review); when it cannot, no host can
        /// check it, and an entry of the same id the list already holds is kept (<see cref="FinishCurrentAsync"/>).</summary>
        private async Task SetAsideAsync(Protocol.Entry entry, string reason, CancellationToken cancellationToken)
        {
            var subject = PlatformEntries.Keyable(entry); // null: not keyable, set aside only

            if (subject is { } keyed)
            {
                _unreadable.Add((keyed, entry.EntryId, reason));
                LogEntryUnreadable(_relay._logger, _begin.Version, entry.ListCode, entry.EntryId, _relay._publisher.PlatformRefusalsKey, reason);
            }
            else
            {
                if (!string.IsNullOrWhiteSpace(entry.EntryId))
                {
                    _unkeyed.Add(entry.EntryId);
                }

                LogEntryUnkeyed(_relay._logger, _begin.Version, entry.ListCode, entry.EntryId, _relay._publisher.PlatformRefusalsKey, reason);
            }

            var record = new System.Text.Json.Nodes.JsonObject
            {
                ["version"] = _begin.Version,
                ["operation"] = "SnapshotEntry",
                ["entry"] = $"entry '{entry.EntryId}' of list '{entry.ListCode}', subject '{entry.Subject}'",
                ["reason"] = reason,
                ["storedAsUnreadable"] = subject is not null,
                ["change"] = Google.Protobuf.JsonFormatter.Default.Format(entry),
                ["refusedAt"] = _relay._time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            };
            await _relay._publisher.AddPlatformRefusalAsync(record.ToJsonString(), cancellationToken).ConfigureAwait(false);
            _relay._refused++;
        }

        private async Task Import(string list, Task<ImportSummary> import)
        {
            try
            {
                await import.ConfigureAwait(false);
            }
            catch (ListEntryException e)
            {
                throw new PlatformDataException($"snapshot {_begin.Version}: list '{list}' was refused by the SDK (the namespace keeps its previous content): {e.Message}", e);
            }
            catch (ImportConflictException e) when (e.Message.Contains("lock", StringComparison.Ordinal))
            {
                // Left by a relay killed mid-snapshot: the relay's own retry takes the list once the lock lapses.
                throw new ImportConflictException($"snapshot {_begin.Version}: "
                    + e.Message.Replace("Run the import again then.", "The relay retries by itself once it lapses.", StringComparison.Ordinal));
            }

            _listsReplaced++;
        }

        /// <summary>The records as the import reads them: blocks its (pool) thread while the stream is behind.</summary>
        private static IEnumerable<ListRecord> Drain(ChannelReader<ListRecord> reader)
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var record))
                {
                    yield return record;
                }
            }
        }
    }

    [LoggerMessage(5101, LogLevel.Warning, "Platform sync: {Reason} (platform {Address}, namespace at platform version {Version}); retrying in {Seconds:F0} s", EventName = "PlatformSyncFailed")]
    private static partial void LogFailed(ILogger logger, Uri address, long version, string reason, double seconds);

    [LoggerMessage(5102, LogLevel.Information, "Platform sync: the platform {Address} ended the Sync stream at version {Version}; reconnecting", EventName = "PlatformSyncStreamEnded")]
    private static partial void LogStreamEnded(ILogger logger, Uri address, long version);

    [LoggerMessage(5103, LogLevel.Information, "Platform sync: snapshot {Version} begins ({Lists} lists, {Entries} entries)", EventName = "PlatformSnapshotBegins")]
    private static partial void LogSnapshotBegins(ILogger logger, long version, int lists, long entries);

    [LoggerMessage(5104, LogLevel.Information, "Platform sync: snapshot {Version} applied ({Lists} lists, {Entries} entries)", EventName = "PlatformSnapshotApplied")]
    private static partial void LogSnapshotApplied(ILogger logger, long version, int lists, long entries);

    [LoggerMessage(5105, LogLevel.Warning, "Platform sync: snapshot {Version} was left unfinished (the relay stopped, or the platform's stream or Redis failed while it was applied); asking the platform for a new snapshot", EventName = "PlatformSnapshotInterrupted")]
    private static partial void LogSnapshotInterrupted(ILogger logger, long version);

    [LoggerMessage(5106, LogLevel.Warning, "Platform sync: change {Version} sets the status of entry '{EntryId}' of list '{List}', which the namespace does not hold; skipped", EventName = "PlatformStatusOfAbsentEntry")]
    private static partial void LogStatusOfAbsentEntry(ILogger logger, long version, string list, string entryId);

    [LoggerMessage(5107, LogLevel.Error, "Platform sync: change {Version} ({Entry}) can never be applied and is set aside in {Key}; going on with the next change. {Reason}", EventName = "PlatformChangeRefused")]
    private static partial void LogChangeRefused(ILogger logger, long version, string entry, string reason, string key);

    [LoggerMessage(5108, LogLevel.Warning, "Platform sync: the platform {Address} is at version {PlatformVersion} (from {SeenIn}), below version {Version} the namespace applied: it went backwards (restarted from an older state?); asking for a snapshot", EventName = "PlatformWentBackwards")]
    private static partial void LogWentBackwards(ILogger logger, Uri address, long platformVersion, string seenIn, long version);

    [LoggerMessage(5109, LogLevel.Warning, "Platform sync: change {Version} ({Entry}) {Why}: version {Applied} is applied; skipped", EventName = "PlatformChangeOutOfOrder")]
    private static partial void LogOutOfOrder(ILogger logger, long version, long applied, string entry, string why);

    [LoggerMessage(5118, LogLevel.Warning, "Platform sync: change {Version} ({Entry}) arrived after a heartbeat announced version {Heartbeat} (the platform's heartbeat overtook its change); applied now — re-applying a change is harmless", EventName = "PlatformChangeAfterHeartbeat")]
    private static partial void LogAfterHeartbeat(ILogger logger, long version, string entry, long heartbeat);

    [LoggerMessage(5111, LogLevel.Warning, "Platform sync: change {Version} ({Entry}) names a list that the namespace's catalog lacks and the platform's catalog {Catalog} has (the change ran ahead of its catalog change); asking for a snapshot", EventName = "PlatformUnknownListResnapshot")]
    private static partial void LogUnknownListResnapshot(ILogger logger, long version, string entry, string catalog);

    [LoggerMessage(5112, LogLevel.Warning, "Platform sync: the namespace follows only the platform's lists {Followed}; not followed: {Missing} — subjects on these lists are answered as not listed by hosts of this namespace", EventName = "PlatformListsNotFollowed")]
    private static partial void LogUnfollowed(ILogger logger, string followed, string missing);

    [LoggerMessage(5113, LogLevel.Warning, "Platform sync: the platform {Address} is on history '{History}' (from {SeenIn}), not history '{Applied}' of version {Version} the namespace applied: its state does not continue the one the namespace holds (restored from an older copy, or started afresh); asking for a snapshot", EventName = "PlatformHistoryChanged")]
    private static partial void LogOtherHistory(ILogger logger, Uri address, string history, string seenIn, string applied, long version);

    [LoggerMessage(5117, LogLevel.Warning, "Platform sync: change {Version} ({Entry}) is refused by the SDK and its entry stored as unreadable, so that checks of its subject are answered Review until the platform sends it whole; set aside in {Key}, going on with the next change. {Reason}", EventName = "PlatformChangeEntryUnreadable")]
    private static partial void LogChangeUnreadable(ILogger logger, long version, string entry, string key, string reason);

    [LoggerMessage(5114, LogLevel.Warning, "Platform sync: snapshot {Version}: entry '{EntryId}' of list '{List}' is refused by the SDK and stored as unreadable, so that checks of its subject are answered Review; set aside in {Key}, the rest of the snapshot is applied. {Reason}", EventName = "PlatformSnapshotEntryUnreadable")]
    private static partial void LogEntryUnreadable(ILogger logger, long version, string list, string entryId, string key, string reason);

    [LoggerMessage(5115, LogLevel.Warning, "Platform sync: snapshot {Version}: entry '{EntryId}' of list '{List}' names no subject that can be keyed, so no host can check it; set aside in {Key}, the rest of the snapshot is applied. {Reason}", EventName = "PlatformSnapshotEntryUnkeyed")]
    private static partial void LogEntryUnkeyed(ILogger logger, long version, string list, string entryId, string key, string reason);

    [LoggerMessage(5116, LogLevel.Warning, "Platform sync: snapshot {Version}: list '{List}' keeps its previous content: it already holds entry '{EntryId}', which the snapshot sends with a subject that cannot be keyed (replacing the list would drop that entry); the other lists are applied, and a later snapshot replaces the list", EventName = "PlatformSnapshotListKept")]
    private static partial void LogListKept(ILogger logger, long version, string list, string entryId);

    [LoggerMessage(5110, LogLevel.Warning, "Platform sync: the lists followed changed from {Before} to {After}; asking for a snapshot", EventName = "PlatformListsChanged")]
    private static partial void LogListsChanged(ILogger logger, string before, string after);
}
