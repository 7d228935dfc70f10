using System.Security.Cryptography;
using System.Text;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Proto = CreditCheck.Platform.Protocol;

namespace CreditCheck.Platform;

/// <summary>
/// The query-through store: a department that holds no copy of the lists asks the platform per check
/// (<c>Query</c>, <c>QueryMany</c> for batches), caching answers in the host's <see cref="IDistributedCache"/>.
/// </summary>
/// <remarks>
/// Cache keys are <c>{prefix}{generation}:{kind}:{HMAC of the subject}</c> (no identity number in clear).
/// The <c>Sync</c> stream, followed from the platform's current version, removes the entries of changed
/// subjects; a snapshot, a catalog change or a lost stream starts a new generation (every entry is dropped
/// at once). While the stream is down — ended, failed, or silent for <c>StreamIdleTimeout</c> — the cache is not
/// used: answers come from the platform or are degraded. A platform that fails or is slower than <c>CallTimeout</c> yields
/// <see cref="LookupSource.Unavailable"/> naming the platform, and the checker applies <c>OnUnavailable</c>.
/// </remarks>
internal sealed class PlatformCreditStore : ICreditStore, IStoreHealth, IAsyncDisposable
{
    private const string GenerationKey = "generation";
    private readonly PlatformStoreOptions _options;
    private readonly PlatformChannel _channel;
    private readonly IDistributedCache? _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _maxStaleness;
    private readonly byte[] _subjectKey;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _catalogLock = new(1, 1);
    private volatile CreditCatalog? _catalog;
    private volatile string? _generation;
    private volatile bool _streamLive;
    private volatile string? _lastError;
    private long _version;
    private long _confirmedAtTicks;
    private readonly TaskCompletionSource _live = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _follow;
    private int _disposed;

    public PlatformCreditStore(PlatformStoreOptions options, IDistributedCache? cache, TimeSpan maxStaleness, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        options.Validate();
        _options = options;
        _cache = cache;
        _maxStaleness = maxStaleness;
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PlatformCreditStore>();
        _channel = new PlatformChannel(options.Platform, _time);
        _subjectKey = SHA256.HashData(Encoding.UTF8.GetBytes("creditcheck-cache:" + options.Platform.Secret));
    }

    public StoreHealth Health
    {
        get
        {
            var ticks = Interlocked.Read(ref _confirmedAtTicks);
            DateTimeOffset? confirmed = ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
            var fresh = _lastError is null && confirmed is { } at && _time.GetUtcNow() - at <= _maxStaleness;
            return new StoreHealth(_catalog is not null, fresh, Interlocked.Read(ref _version), confirmed, _lastError) { Catalog = _catalog };
        }
    }

    /// <summary>Loads the catalog (a bounded wait; a platform down at start only degrades checks) and
    /// starts following the <c>Sync</c> stream.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureCatalogAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsPlatformFailure(e))
        {
            Failed(e);
        }

        _follow ??= Task.Run(() => FollowAsync(_stopping.Token), CancellationToken.None);

        // A bounded wait for the stream, so that the cache serves from the first checks; without it, checks
        // still go to the platform.
        await _live.Task.WaitAsync(_options.Platform.CallTimeout, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask<SubjectLookup> LookupAsync(SubjectId subject, CancellationToken cancellationToken = default) =>
        (await LookupManyAsync([subject], cancellationToken).ConfigureAwait(false))[0];

    public async ValueTask<IReadOnlyList<SubjectLookup>> LookupManyAsync(IReadOnlyList<SubjectId> subjects, CancellationToken cancellationToken = default)
    {
        var results = new SubjectLookup[subjects.Count];
        CreditCatalog catalog;
        try
        {
            catalog = await EnsureCatalogAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsPlatformFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            Failed(e);
            Array.Fill(results, Unavailable(null, e));
            return results;
        }

        // The cache only while the Sync stream is live: without it changes could not reach the cache.
        var cache = _streamLive ? _cache : null;
        var generation = cache is null ? null : await GenerationAsync(cache, cancellationToken).ConfigureAwait(false);
        var missing = new List<int>(subjects.Count);
        if (generation is not null)
        {
            var reads = new Task<byte[]?>[subjects.Count];
            for (var i = 0; i < subjects.Count; i++)
            {
                reads[i] = cache!.GetAsync(CacheKey(generation, subjects[i]), cancellationToken);
            }

            for (var i = 0; i < subjects.Count; i++)
            {
                var cached = await CachedAsync(reads[i]).ConfigureAwait(false);
                if (cached is not null)
                {
                    results[i] = Answer(catalog, subjects[i], cached, LookupSource.Cache);
                }
                else
                {
                    missing.Add(i);
                }
            }
        }
        else
        {
            missing.AddRange(Enumerable.Range(0, subjects.Count));
        }

        if (missing.Count == 0)
        {
            return results;
        }

        IReadOnlyList<(Proto.QueryResponse? Response, string? Problem)> answers;
        try
        {
            answers = await QueryAsync(missing.Select(i => subjects[i]).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsPlatformFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            Failed(e);
            foreach (var i in missing)
            {
                results[i] = Unavailable(catalog, e);
            }

            return results;
        }

        Succeeded();
        var writes = new List<Task>(missing.Count);
        var written = new List<int>(missing.Count);
        for (var k = 0; k < missing.Count; k++)
        {
            var i = missing[k];
            if (answers[k] is not { Response: { } answer })
            {
                // A reply that cannot be trusted for this subject: degraded under OnUnavailable, never Clear, not cached.
                results[i] = new SubjectLookup(catalog, [], [], LookupSource.Unavailable, new StoreFreshness(Interlocked.Read(ref _version), null), answers[k].Problem);
                continue;
            }

            results[i] = Answer(catalog, subjects[i], answer, LookupSource.Store);

            // An answer older than a change this host has applied is not cached: the change may be this subject's,
            // and its removal from the cache ran before this write (found from outside: a subject listed while its
            // query was in flight was answered Clear from the cache for NotListedTtl).
            if (generation is not null && answer.Version >= Interlocked.Read(ref _version))
            {
                var ttl = answer.Entries.Count > 0 ? _options.ListedTtl : _options.NotListedTtl;
                writes.Add(cache!.SetAsync(CacheKey(generation, subjects[i]), answer.ToByteArray(), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl }, cancellationToken));
                written.Add(k);
            }
        }

        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);

            // A change applied while the write was in flight: the stream bumps the version before it removes the
            // subject, so either its removal comes after this write, or the bump is seen here and the write undone.
            var applied = Interlocked.Read(ref _version);
            foreach (var k in written.Where(k => answers[k].Response!.Version < applied))
            {
                await cache!.RemoveAsync(CacheKey(generation!, subjects[missing[k]]), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PlatformLog.CacheFailed(_logger, e.Message); // the answers stand; only caching failed
        }

        return results;
    }

    /// <summary>Stops following the Sync stream (the host stops); lookups still query the platform.</summary>
    public async Task StopAsync()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        _streamLive = false;
        if (_follow is not null)
        {
            await _follow.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _channel.Dispose();
        _stopping.Dispose();
        _catalogLock.Dispose();
    }

    /// <summary>One answer per subject, or why the platform's reply cannot be trusted for it. An enterprise is asked under
    /// its 统一社会信用代码 and under the 组织机构代码 it embeds (entries designated under the older code, as a replica
    /// matches them), in the same call; the two answers are merged into one. Each result is matched to its query by the
    /// subject it names, normalised as the SDK parses identifiers — never by its position (found from outside: a reply in
    /// reverse order answered a listed subject Clear and a clean one Denied with the other's entry).</summary>
    private async Task<IReadOnlyList<(Proto.QueryResponse? Response, string? Problem)>> QueryAsync(List<SubjectId> subjects, CancellationToken cancellationToken)
    {
        // Each identifier asked once, so that a reply names each exactly once.
        var asked = new List<SubjectId>(subjects.Count * 2);
        var index = new Dictionary<SubjectId, int>(subjects.Count * 2);
        int Ask(SubjectId subject)
        {
            if (!index.TryGetValue(subject, out var k))
            {
                k = asked.Count;
                asked.Add(subject);
                index.Add(subject, k);
            }

            return k;
        }

        var own = subjects.Select(Ask).ToArray();
        var older = subjects.Select(s => s.EmbeddedOrganizationCode is { } organization ? Ask(organization) : -1).ToArray();

        var call = asked.Count == 1 ? "Query" : "QueryMany";
        Google.Protobuf.Collections.RepeatedField<Proto.QueryResponse> results;
        if (asked.Count == 1)
        {
            results = [await _channel.Client.QueryAsync(Request(asked[0]), deadline: _channel.UnaryDeadline(), cancellationToken: cancellationToken).ConfigureAwait(false)];
        }
        else
        {
            var request = new Proto.QueryManyRequest();
            request.Queries.AddRange(asked.Select(Request));
            results = (await _channel.Client.QueryManyAsync(request, deadline: _channel.UnaryDeadline(), cancellationToken: cancellationToken).ConfigureAwait(false)).Results;
        }

        var answers = new Proto.QueryResponse?[asked.Count];
        var counts = new int[asked.Count];
        var doubts = new string?[asked.Count];
        var unasked = new List<string>();
        foreach (var result in results)
        {
            if (Match(result.Subject, index) is not { } k)
            {
                unasked.Add($"it answers for {Masked(result.Subject)}, a subject not asked");
                continue;
            }

            if (++counts[k] > 1)
            {
                doubts[k] = $"it answers for {asked[k].Masked} more than once";
                continue;
            }

            answers[k] = result;
            if (result.Entries.FirstOrDefault(e => !EntryMapping.Names(e, asked[k])) is { } stray)
            {
                doubts[k] = $"its answer for {asked[k].Masked} carries entry '{stray.EntryId}' of list '{stray.ListCode}' naming {Masked(stray.Subject)}, an entry of another subject";
            }
        }

        for (var k = 0; k < asked.Count; k++)
        {
            doubts[k] ??= answers[k] is null ? $"it lacks an answer for {asked[k].Masked}" : null;
        }

        var problems = doubts.Where(d => d is not null).Concat(unasked).ToList();
        if (problems.Count > 0)
        {
            PlatformLog.WrongAnswer(_logger, _options.Platform.Address!.ToString(), call, asked.Count, results.Count, string.Join("; ", problems));
        }

        var replies = new (Proto.QueryResponse?, string?)[subjects.Count];
        for (var i = 0; i < subjects.Count; i++)
        {
            var doubt = doubts[own[i]] ?? (older[i] < 0 ? null : doubts[older[i]]);
            if (doubt is not null)
            {
                // What the reply named that was not asked may be this subject's answer under another name: said with it.
                var also = unasked.Count == 0 ? string.Empty : "; " + string.Join("; ", unasked);
                replies[i] = (null, $"The credit platform {_options.Platform.Address} answered {call} wrongly ({doubt}{also}); its answer for this subject is not used.");
            }
            else
            {
                replies[i] = (older[i] < 0 ? answers[own[i]]! : Merge(answers[own[i]]!, answers[older[i]]!), null);
            }
        }

        return replies;
    }

    /// <summary>The query a reply's subject answers: the identifier normalised as the SDK parses it (either kind, as
    /// the reply does not say), or null.</summary>
    private static int? Match(string subject, Dictionary<SubjectId, int> index)
    {
        foreach (var kind in (ReadOnlySpan<SubjectKind>)[SubjectKind.LegalEntity, SubjectKind.NaturalPerson])
        {
            if (SubjectId.TryParse(subject, kind, SubjectIdParseMode.LenientCheckCharacter, out var id, out _) && index.TryGetValue(id, out var k))
            {
                return k;
            }
        }

        return null;
    }

    /// <summary>An identifier the platform sent, masked for the log (never an identity number in clear).</summary>
    private static string Masked(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "no subject";
        }

        if (SubjectId.TryParseEitherKind(text, SubjectIdParseMode.LenientCheckCharacter, out var id, out _))
        {
            return id.Masked;
        }

        var keep = text.Length >= 12 ? 4 : text.Length >= 6 ? 2 : 0;
        return $"'{text[..keep]}{new string('*', Math.Min(text.Length - (2 * keep), 32))}{text[^keep..]}'";
    }

    /// <summary>The subject's answer with the older code's entries added (once: a platform that already matches
    /// the embedded code returns them in both). The request id stays the subject's; the version is the older of
    /// the two, so that the answer is not cached past a change either missed.</summary>
    private static Proto.QueryResponse Merge(Proto.QueryResponse subject, Proto.QueryResponse older)
    {
        var merged = subject.Clone();
        merged.Version = Math.Min(subject.Version, older.Version);
        foreach (var entry in older.Entries)
        {
            if (!merged.Entries.Any(e => e.ListCode == entry.ListCode && e.EntryId == entry.EntryId && e.Subject == entry.Subject))
            {
                merged.Entries.Add(entry);
            }
        }

        return merged;
    }

    private Proto.QueryRequest Request(SubjectId subject)
    {
        var request = new Proto.QueryRequest
        {
            Subject = subject.Value,
            SubjectKind = subject.Kind == SubjectKind.LegalEntity ? Proto.SubjectKind.LegalEntity : Proto.SubjectKind.NaturalPerson,
        };
        request.Lists.AddRange(_options.Platform.Lists);
        return request;
    }

    private SubjectLookup Answer(CreditCatalog catalog, SubjectId subject, Proto.QueryResponse response, LookupSource source)
    {
        var (found, unreadable) = EntryMapping.FromResponse(response, subject);
        return new SubjectLookup(catalog, found, unreadable, source, new StoreFreshness(response.Version, _time.GetUtcNow()))
        {
            PlatformRequestId = string.IsNullOrEmpty(response.RequestId) ? null : response.RequestId,
        };
    }

    private SubjectLookup Unavailable(CreditCatalog? catalog, Exception e) =>
        new(catalog, [], [], LookupSource.Unavailable, new StoreFreshness(Interlocked.Read(ref _version), null),
            $"The credit platform {_options.Platform.Address} could not answer ({Describe(e)}).");

    private async Task<byte[]?> CachedAsync(Task<byte[]?> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PlatformLog.CacheFailed(_logger, e.Message);
            return null; // a cache that fails is skipped: the platform answers
        }
    }

    private SubjectLookup Answer(CreditCatalog catalog, SubjectId subject, byte[] cached, LookupSource source) =>
        Answer(catalog, subject, Proto.QueryResponse.Parser.ParseFrom(cached), source);

    private async Task<CreditCatalog> EnsureCatalogAsync(CancellationToken cancellationToken)
    {
        if (_catalog is { } known)
        {
            return known;
        }

        await _catalogLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_catalog is { } loaded)
            {
                return loaded;
            }

            var response = await _channel.Client.GetCatalogAsync(new Proto.GetCatalogRequest(), deadline: _channel.UnaryDeadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            var catalog = CreditCatalog.Parse(response.CatalogJson);
            Interlocked.CompareExchange(ref _version, response.Version, 0);
            _catalog = catalog;
            Succeeded();
            return catalog;
        }
        finally
        {
            _catalogLock.Release();
        }
    }

    /// <summary>Follows the Sync stream from the version the catalog was read at, removing changed subjects'
    /// cache entries; reconnects with backoff, starting a new cache generation each time.</summary>
    private async Task FollowAsync(CancellationToken stopping)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await EnsureCatalogAsync(stopping).ConfigureAwait(false);
                var request = new Proto.SyncRequest { Client = _options.Platform.ClientId, LastAppliedVersion = Interlocked.Read(ref _version) };
                request.Lists.AddRange(_options.Platform.Lists);
                // A platform that stops sending (hung, SIGSTOPped) leaves the stream open: silence past
                // StreamIdleTimeout counts as a lost stream, as for the relay, so the cache is not served unchecked.
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                idle.CancelAfter(_options.StreamIdleTimeout);
                using var call = _channel.Client.Sync(request, cancellationToken: idle.Token);
                try
                {
                    await call.ResponseHeadersAsync.ConfigureAwait(false);

                    // Changes may have been missed while the stream was down: drop every cached answer.
                    await NewGenerationAsync(stopping).ConfigureAwait(false);
                    _streamLive = true;
                    _live.TrySetResult();
                    backoff = TimeSpan.FromMilliseconds(200);
                    while (await call.ResponseStream.MoveNext(idle.Token).ConfigureAwait(false))
                    {
                        idle.CancelAfter(_options.StreamIdleTimeout);
                        await ApplyAsync(call.ResponseStream.Current, stopping).ConfigureAwait(false);
                        Succeeded();
                    }
                }
                catch (Exception e) when (idle.IsCancellationRequested && !stopping.IsCancellationRequested && e is OperationCanceledException or RpcException)
                {
                    throw new TimeoutException($"the Sync stream was silent for {_options.StreamIdleTimeout.TotalSeconds:0.###} s (no change, no heartbeat)", e);
                }

                throw new RpcException(new Status(StatusCode.Unavailable, "the Sync stream ended"));
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Stopping (the host stops): the call ends as RpcException(Cancelled), not only as an
                // OperationCanceledException; neither is a lost stream (found from outside: warning 4301 on every stop).
                return;
            }
            catch (Exception e)
            {
                _streamLive = false;
                if (IsPlatformFailure(e))
                {
                    Failed(e);
                }

                PlatformLog.SyncLost(_logger, _options.Platform.Address!.ToString(), Describe(e), backoff);
                try
                {
                    await Task.Delay(backoff, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task ApplyAsync(Proto.SyncMessage message, CancellationToken cancellationToken)
    {
        switch (message.KindCase)
        {
            case Proto.SyncMessage.KindOneofCase.Change:
                var change = message.Change;
                var subject = change.OperationCase switch
                {
                    Proto.Change.OperationOneofCase.Upsert => (change.Upsert.Subject, change.Upsert.SubjectKind),
                    Proto.Change.OperationOneofCase.Remove => (change.Remove.Subject, change.Remove.SubjectKind),
                    Proto.Change.OperationOneofCase.Status => (change.Status.Entry.Subject, change.Status.Entry.SubjectKind),
                    _ => default,
                };
                // The version first, then the cache: a lookup whose answer predates the change either sees the new
                // version (and does not cache, or undoes its write) or wrote before this removal.
                Interlocked.Exchange(ref _version, change.Version);
                if (change.OperationCase == Proto.Change.OperationOneofCase.CatalogJson)
                {
                    _catalog = CreditCatalog.Parse(change.CatalogJson);
                    await NewGenerationAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (subject.Subject is { Length: > 0 })
                {
                    await RemoveAsync(subject.Subject, subject.SubjectKind, cancellationToken).ConfigureAwait(false);
                }

                break;
            case Proto.SyncMessage.KindOneofCase.SnapshotBegin:
                _catalog = string.IsNullOrEmpty(message.SnapshotBegin.CatalogJson) ? _catalog : CreditCatalog.Parse(message.SnapshotBegin.CatalogJson);
                await NewGenerationAsync(cancellationToken).ConfigureAwait(false);
                break;
            case Proto.SyncMessage.KindOneofCase.SnapshotEnd:
                Interlocked.Exchange(ref _version, message.SnapshotEnd.Version);
                break;
            case Proto.SyncMessage.KindOneofCase.Heartbeat:
                break;
        }
    }

    /// <summary>Removes a changed subject's answers, under the key its query used: the subject normalised as the relay
    /// reads a change's (<see cref="PlatformEntries.Subject"/>: upper case, both kinds when subject_kind is unspecified) —
    /// found from outside: a lower-case check character or an unspecified kind hashed another key, and the cached "not
    /// listed" answer stood for NotListedTtl. A subject that cannot be read, or an older code (the 统一社会信用代码 whose
    /// embedded 组织机构代码 it may be is not known here), starts a new generation instead.</summary>
    private async Task RemoveAsync(string subject, Proto.SubjectKind kind, CancellationToken cancellationToken)
    {
        if (_cache is null || _generation is not { } generation)
        {
            return;
        }

        var keys = new List<string>(2);
        foreach (var sdkKind in kind switch
        {
            Proto.SubjectKind.LegalEntity => [SubjectKind.LegalEntity],
            Proto.SubjectKind.NaturalPerson => [SubjectKind.NaturalPerson],
            _ => (SubjectKind[])[SubjectKind.LegalEntity, SubjectKind.NaturalPerson],
        })
        {
            if (!SubjectId.TryParse(subject, sdkKind, SubjectIdParseMode.LenientCheckCharacter, out var id, out _))
            {
                continue;
            }

            if (id.Scheme is IdentifierScheme.OrganizationCode or IdentifierScheme.RegistrationNumber)
            {
                await NewGenerationAsync(cancellationToken).ConfigureAwait(false); // an older code: its 18-character holders are unknown
                return;
            }

            keys.Add(CacheKey(generation, id));
        }

        if (keys.Count == 0)
        {
            await NewGenerationAsync(cancellationToken).ConfigureAwait(false); // which answer it changes is unknown
            return;
        }

        foreach (var key in keys)
        {
            await _cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> GenerationAsync(IDistributedCache cache, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await cache.GetStringAsync(_options.CacheKeyPrefix + GenerationKey, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                await NewGenerationAsync(cancellationToken).ConfigureAwait(false);
                return _generation;
            }

            _generation = stored;
            return stored;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PlatformLog.CacheFailed(_logger, e.Message);
            return null;
        }
    }

    /// <summary>A new generation shared through the cache: every host sharing it drops every cached answer.</summary>
    private async Task NewGenerationAsync(CancellationToken cancellationToken)
    {
        var generation = Guid.NewGuid().ToString("N");
        _generation = generation;
        if (_cache is not null)
        {
            await _cache.SetStringAsync(_options.CacheKeyPrefix + GenerationKey, generation, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The key of a subject's answer: always of the parsed (normalised) identifier, so that a query and a
    /// change naming one subject in different spellings meet.</summary>
    private string CacheKey(string generation, SubjectId subject)
    {
        var mac = HMACSHA256.HashData(_subjectKey, Encoding.UTF8.GetBytes(subject.Value));
        return $"{_options.CacheKeyPrefix}{generation}:{(subject.Kind == SubjectKind.NaturalPerson ? 'p' : 'e')}:{Convert.ToHexStringLower(mac.AsSpan(0, 16))}";
    }

    private void Succeeded()
    {
        _lastError = null;
        Interlocked.Exchange(ref _confirmedAtTicks, _time.GetUtcNow().UtcTicks);
    }

    private void Failed(Exception e) => _lastError = $"the credit platform {_options.Platform.Address} could not answer ({Describe(e)})";

    private static bool IsPlatformFailure(Exception e) => e is RpcException or TimeoutException or HttpRequestException or OperationCanceledException or CatalogValidationException;

    private string Describe(Exception e) => e switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded } or OperationCanceledException => PlatformFailure.NoAnswerWithin(_options.Platform.CallTimeout),
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => e.Message,
    };
}
