using System.Buffers;
using System.Buffers.Binary;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>
/// The write side of the Redis store: publishes the catalog and the lists. Every change is one
/// atomic script that also bumps the sequence, appends a change record and wakes the SDKs.
/// </summary>
/// <remarks>
/// An import stages the new data under a fresh generation, invisible to readers, and switches the
/// list to it in one step at the end; a failed, cancelled or killed import leaves the previous data
/// live, and the next import of the list clears what it left. Re-running an import writes nothing
/// and records no change. Thread-safe; one import per list at a time (a Redis lock enforces it
/// across processes).
/// </remarks>
public sealed class RedisCreditPublisher : ICreditPublisher, IAsyncDisposable
{
    // Renewed with every chunk; short, so that the lock of a killed import soon lapses.
    private static readonly TimeSpan LockLease = TimeSpan.FromSeconds(30);

    // Chunks sent and not yet answered: enough to keep Redis busy while the next one is encoded.
    private const int MaxChunksInFlight = 3;

    private readonly RedisConnection _connection;
    private readonly RedisStoreOptions _options;
    private readonly ILogger _logger;

    private RedisCreditPublisher(RedisConnection connection, RedisStoreOptions options, ILogger logger)
    {
        _connection = connection;
        _options = options;
        _logger = logger;
    }

    private RedisKeys Keys => _connection.Keys;

    private string Prefix => _connection.Keys.Prefix;

    private string Keep => _options.ChangeLogLength.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Connects, and claims the namespace for this secret or checks that it was claimed with
    /// the same one.</summary>
    /// <param name="options">Connection, namespace and secret.</param>
    /// <param name="multiplexer">The host's own connection, or null to connect with <see cref="RedisStoreOptions.Configuration"/>.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The namespace was set up with a different secret.</exception>
    public static async Task<RedisCreditPublisher> ConnectAsync(
        RedisStoreOptions options,
        IConnectionMultiplexer? multiplexer = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = RedisStoreOptionsValidator.Check(options, requireConfiguration: multiplexer is null);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(RedisStoreOptions), typeof(RedisStoreOptions), validation.Failures);
        }

        var connection = await RedisConnection.ConnectAsync(options, multiplexer).ConfigureAwait(false);
        var publisher = new RedisCreditPublisher(connection, options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisCreditPublisher>());
        try
        {
            await publisher.ClaimNamespaceAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return publisher;
    }

    /// <summary>The catalog currently published, or null when none is.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<CreditCatalog?> GetCatalogAsync(CancellationToken cancellationToken = default)
    {
        var json = await _connection.Database.HashGetAsync(Keys.Catalog, "json").WaitAsync(cancellationToken).ConfigureAwait(false);
        return json.IsNullOrEmpty ? null : CreditCatalog.Parse(json!);
    }

    /// <summary>The namespace's current change sequence.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<long> GetSequenceAsync(CancellationToken cancellationToken = default)
    {
        var value = await _connection.Database.StringGetAsync(Keys.Sequence).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value.IsNull ? 0 : (long)value;
    }

    /// <summary>How many entries each list holds (the committed view), and how many change records the log keeps.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<(IReadOnlyDictionary<string, long> EntriesByList, long ChangeRecords)> CountAsync(CancellationToken cancellationToken = default)
    {
        var database = _connection.Database;
        var lists = await database.SetMembersAsync(Keys.Lists).WaitAsync(cancellationToken).ConfigureAwait(false);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var list in lists)
        {
            counts[(string)list!] = await database.HashLengthAsync(Keys.ListIndex(list!)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var changes = await database.SortedSetLengthAsync(Keys.Changes).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (counts, changes);
    }

    /// <inheritdoc/>
    public async Task<long> PublishCatalogAsync(CreditCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var result = await Run(RedisScripts.PublishCatalog, catalog.ToJson(), catalog.Version, Keep).WaitAsync(cancellationToken).ConfigureAwait(false);
        Log.CatalogPublished(_logger, catalog.Version, Keys.Namespace, (long)result);
        return (long)result;
    }

    /// <inheritdoc/>
    public async Task<long> UpsertAsync(ListRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var catalog = await RequireCatalogAsync(cancellationToken).ConfigureAwait(false);
        if (ListEntryRules.Check(record, catalog) is { } problem)
        {
            throw new ListEntryException(problem);
        }

        var (status, sequence) = await WriteAsync(record, expectedHash: string.Empty, cancellationToken).ConfigureAwait(false);
        return status >= 0 ? sequence : throw new InvalidOperationException("The entry changed concurrently; try again.");
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveAsync(SubjectId subject, string listCode, string entryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(listCode);
        ArgumentException.ThrowIfNullOrEmpty(entryId);
        var key = _connection.SubjectKeys.StorageKey(subject);
        var result = (RedisResult[])(await Run(RedisScripts.Remove, listCode, key, entryId, Keep).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        return (int)result[0] == 1;
    }

    /// <inheritdoc/>
    public async Task<bool> SetStatusAsync(SubjectId subject, string listCode, string entryId, EntryStatus status, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown entry status.");
        }

        var key = _connection.SubjectKeys.StorageKey(subject);

        // Read, change, write back only if nobody changed the entry meanwhile (compare-and-set).
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await ReadEntryAsync(key, listCode, entryId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return false;
            }

            var changed = current.Value.Entry with { Status = status, StatusReason = reason };
            var (result, _) = await WriteAsync(new ListRecord(subject, changed), current.Value.Hash, cancellationToken).ConfigureAwait(false);
            if (result >= 0)
            {
                return true;
            }

            if (result == -2)
            {
                return false;
            }
        }

        throw new InvalidOperationException($"Entry '{entryId}' of list '{listCode}' kept changing concurrently; its status was not set.");
    }

    /// <inheritdoc/>
    public Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, CancellationToken cancellationToken = default) =>
        ImportCoreAsync(listCode, records, mode, monitor: null, progress: null, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Progress is reported as chunks are staged (every <see cref="RedisStoreOptions.ImportChunkSize"/> records).</remarks>
    public Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, IProgress<ImportProgress>? progress, CancellationToken cancellationToken = default) =>
        ImportCoreAsync(listCode, records, mode, monitor: null, progress, cancellationToken);

    /// <summary>Closes the connection if the publisher opened it.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>An import that reports repeated entries to <paramref name="monitor"/> instead of refusing
    /// the import over them, and lets it refuse the import once everything is staged (the operator tool
    /// uses it to report both lines and to write rejected rows).</summary>
    /// <param name="listCode">The list being loaded; every record must belong to it.</param>
    /// <param name="records">The list's entries.</param>
    /// <param name="mode">Merge or replace.</param>
    /// <param name="monitor">Told of repeated entries and asked, once everything is staged, whether to commit.</param>
    /// <param name="progress">Receives the counts so far, or null.</param>
    /// <param name="cancellationToken">Cancels the import; nothing is changed then.</param>
    /// <returns>What the import changed.</returns>
    /// <exception cref="ListEntryException">A record does not fit the catalog; nothing is written.</exception>
    /// <exception cref="ImportConflictException">Another import of the list runs, or the list changed meanwhile.</exception>
    public Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, IImportMonitor monitor, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        return ImportCoreAsync(listCode, records, mode, monitor, progress, cancellationToken);
    }

    private async Task<ImportSummary> ImportCoreAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, IImportMonitor? monitor, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(listCode);
        ArgumentNullException.ThrowIfNull(records);
        var catalog = await RequireCatalogAsync(cancellationToken).ConfigureAwait(false);
        if (catalog.FindList(listCode) is null)
        {
            throw new ListEntryException($"List '{listCode}' is not in catalog {catalog.Version}.");
        }

        var token = Guid.NewGuid().ToString("N");
        var lockKey = Keys.ImportLock(listCode);
        if (!await _connection.Database.LockTakeAsync(lockKey, token, LockLease).ConfigureAwait(false))
        {
            throw new ImportConflictException(
                $"Another import of list '{listCode}' is running in namespace '{Keys.Namespace}' (if it was killed, its lock lapses within {LockLease.TotalSeconds:F0} s).");
        }

        try
        {
            await CollectLeftoversAsync(listCode, cancellationToken).ConfigureAwait(false);
            return await ImportLockedAsync(listCode, records, mode, catalog, token, monitor, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseLockAsync(lockKey, token).ConfigureAwait(false);
        }
    }

    private async Task<ImportSummary> ImportLockedAsync(
        string listCode,
        IEnumerable<ListRecord> records,
        ImportMode mode,
        CreditCatalog catalog,
        string token,
        IImportMonitor? monitor,
        IProgress<ImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        var modeText = mode == ImportMode.Replace ? "replace" : "merge";
        var begin = (RedisResult[])(await Run(RedisScripts.BeginStage, listCode, modeText).ConfigureAwait(false))!;
        var expectedVersion = (string)begin[0]!;
        var generation = (string)begin[1]!;
        var committed = false;
        var nothingStaged = false;
        var inFlight = new Queue<StagedChunk>();
        var counts = new ImportCounts();
        var stager = ImportStager.Open(_connection, listCode, generation, mode == ImportMode.Replace, hasCommitted: (int)begin[2] == 1, token, LockLease);
        try
        {
            // A pipeline: a thread of its own reads and checks the records (the source may block on a
            // file); chunks are encoded on the thread pool and staged one after another, in order (so
            // the first of two repeated entries is the one kept), while the next ones are read.
            await Task.Factory.StartNew(
                () => Produce(records, listCode, catalog, stager, inFlight, counts, monitor, progress, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).ConfigureAwait(false);

            await stager.FinishAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            monitor?.Staged();

            // Committed entries the file did not mention: kept (merge) or removed (replace). None when
            // every committed entry was staged again, as in a re-import; then the scan is skipped.
            var removed = await _connection.Database.HashLengthAsync(Keys.ListIndex(listCode)).ConfigureAwait(false) > counts.Updated + counts.Unchanged
                ? await SweepAsync(listCode, modeText, cancellationToken).ConfigureAwait(false)
                : 0;
            if (counts.Added + counts.Updated + removed == 0)
            {
                nothingStaged = true;
                return new ImportSummary(listCode, 0, 0, counts.Unchanged, 0, await GetSequenceAsync(CancellationToken.None).ConfigureAwait(false));
            }

            var result = (RedisResult[])(await Run(RedisScripts.Commit, listCode, expectedVersion, Keep, generation).ConfigureAwait(false))!;
            if ((int)result[0] != 1)
            {
                throw new ImportConflictException($"List '{listCode}' was changed by a single-entry update during the import; nothing was imported. Run the import again.");
            }

            committed = true;
            var sequence = (long)result[1];
            Log.ListImported(_logger, listCode, Keys.Namespace, counts.Added, counts.Updated, counts.Unchanged, removed, sequence);
            await CollectAsync(Keys.Garbage(listCode), CancellationToken.None).ConfigureAwait(false);
            return new ImportSummary(listCode, counts.Added, counts.Updated, counts.Unchanged, removed, sequence);
        }
        finally
        {
            // Nothing switched: drop the staged data, readers never saw it. What was sent lands
            // first, so that nothing is staged after the drop; if that cannot be known (the staging
            // connection broke), the staging is left for the next import of the list to collect.
            inFlight.Clear();
            var settled = committed || await stager.SettleAsync().ConfigureAwait(false);
            if (!committed && settled)
            {
                await DiscardStagingAsync(listCode, entriesStaged: !nothingStaged).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads the records into chunks and hands them to the stager, a few chunks in flight at
    /// once; takes each chunk's outcome on this thread, so the monitor is never called concurrently
    /// with the source.</summary>
    private void Produce(
        IEnumerable<ListRecord> records,
        string listCode,
        CreditCatalog catalog,
        ImportStager stager,
        Queue<StagedChunk> inFlight,
        ImportCounts counts,
        IImportMonitor? monitor,
        IProgress<ImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        var size = _options.ImportChunkSize;
        var chunk = new List<ListRecord>(size);
        var position = 0L;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ListEntryRules.EnsureImportable(record, listCode, catalog);
            chunk.Add(record);
            if (chunk.Count == size)
            {
                inFlight.Enqueue(new StagedChunk(chunk, position, stager.Stage(chunk)));
                position += chunk.Count;
                chunk = new List<ListRecord>(size);
                while (inFlight.Count > MaxChunksInFlight || (inFlight.Count > 0 && inFlight.Peek().Outcome.IsCompleted))
                {
                    Apply(inFlight.Peek().Outcome.GetAwaiter().GetResult(), inFlight.Dequeue(), counts, monitor, progress);
                }
            }
        }

        if (chunk.Count > 0)
        {
            inFlight.Enqueue(new StagedChunk(chunk, position, stager.Stage(chunk)));
        }

        while (inFlight.Count > 0)
        {
            Apply(inFlight.Peek().Outcome.GetAwaiter().GetResult(), inFlight.Dequeue(), counts, monitor, progress);
        }
    }

    /// <summary>Takes one staged chunk's counts, and reports its repeated entries (or refuses the import
    /// over an entry given twice with different content, when nobody monitors the import).</summary>
    private static void Apply(ChunkOutcome outcome, StagedChunk chunk, ImportCounts counts, IImportMonitor? monitor, IProgress<ImportProgress>? progress)
    {
        counts.Added += outcome.Added;
        counts.Updated += outcome.Updated;
        counts.Unchanged += outcome.Unchanged;
        progress?.Report(new ImportProgress(chunk.Position + chunk.Records.Count, counts.Added, counts.Updated, counts.Unchanged));
        foreach (var repeat in outcome.Repeats ?? [])
        {
            var record = chunk.Records[repeat.Index];
            if (monitor is not null)
            {
                monitor.Repeated(chunk.Position + repeat.Index, record, repeat.Differs);
            }
            else if (repeat.Differs)
            {
                throw new ListEntryException($"Entry '{record.Entry.EntryId}' of {record.Subject} appears twice in the import with different content; nothing was imported.");
            }

            // else: the same entry twice; once is enough
        }
    }

    private async Task<int> SweepAsync(string listCode, string mode, CancellationToken cancellationToken)
    {
        var removed = 0;
        var cursor = "0";
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = (RedisResult[])(await Run(RedisScripts.Sweep, listCode, mode, cursor).ConfigureAwait(false))!;
            cursor = (string)page[0]!;
            removed += (int)page[1];
            await _connection.Database.KeyExpireAsync(Keys.ImportLock(listCode), LockLease).ConfigureAwait(false);
        }
        while (cursor != "0");

        return removed;
    }

    private async Task CollectLeftoversAsync(string listCode, CancellationToken cancellationToken)
    {
        // An import that died before its commit left staged fields; one that died after it, garbage.
        await CollectStagedAsync(listCode, cancellationToken).ConfigureAwait(false);
        await CollectAsync(Keys.StagedFields(listCode), cancellationToken).ConfigureAwait(false); // as earlier versions listed them
        await CollectAsync(Keys.Garbage(listCode), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops what an import staged. <paramref name="entriesStaged"/> false: it staged no entry
    /// field (a re-import that changed nothing), so its staged index need not be scanned.</summary>
    private async Task DiscardStagingAsync(string listCode, bool entriesStaged)
    {
        try
        {
            if (entriesStaged)
            {
                await CollectStagedAsync(listCode, CancellationToken.None).ConfigureAwait(false);
            }

            // UNLINK frees a big staged index in the background instead of blocking Redis.
            await _connection.Database.ExecuteAsync("UNLINK", Keys.StagedIndex(listCode), Keys.StagedFingerprints(listCode), Keys.StagedGarbage(listCode), Keys.StagedRemovals(listCode), Keys.Prefix + "stage:gen:" + listCode).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            // Staged data is invisible; the next import of the list collects it.
            Log.DiscardFailed(_logger, e, listCode);
        }
    }

    private async Task CollectStagedAsync(string listCode, CancellationToken cancellationToken)
    {
        var cursor = "0";
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            cursor = (string)(await Run(RedisScripts.CollectStaged, listCode, cursor).ConfigureAwait(false))!;
        }
        while (cursor != "0");
    }

    private async Task CollectAsync(string source, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = (long)await _connection.EvaluateAsync(RedisScripts.Collect, [Keys.Sequence], [Prefix, source, 1000]).ConfigureAwait(false);
            if (remaining == 0)
            {
                return;
            }
        }
    }

    private async Task ReleaseLockAsync(string lockKey, string token)
    {
        try
        {
            // Deletes the lock only while it still holds this import's token.
            await _connection.Database.LockReleaseAsync(lockKey, token).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // The lease expires by itself.
        }
    }

    private async Task<(int Status, long Sequence)> WriteAsync(ListRecord record, string expectedHash, CancellationToken cancellationToken)
    {
        var json = EntryCodec.Serialize(record.Entry);
        var fingerprint = _connection.SubjectKeys.Fingerprint(record.Subject);
        var result = (RedisResult[])(await Run(
            RedisScripts.Upsert,
            record.Entry.ListCode,
            _connection.SubjectKeys.StorageKey(record.Subject),
            record.Entry.EntryId,
            EntryCodec.ContentHash(json),
            json,
            FingerprintBytes(record.Subject),
            fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            expectedHash,
            record.Subject.Scheme == IdentifierScheme.OrganizationCode ? "1" : "0",
            Keep).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        return ((int)result[0], (long)result[1]);
    }

    private async Task<(ListEntry Entry, string Hash)?> ReadEntryAsync(string key, string listCode, string entryId, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await _connection.EvaluateAsync(RedisScripts.Lookup, [Keys.Entries(key)], [Prefix]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        for (var i = 2; i + 1 < result.Length; i += 2)
        {
            var field = ((string)result[i]!).Split('\t');
            if (field.Length == 3 && field[0] == listCode && field[1] == entryId)
            {
                var json = (string)result[i + 1]!;
                return EntryCodec.Deserialize(json, out var error) is { } entry
                    ? (entry, EntryCodec.ContentHash(json))
                    : throw new InvalidOperationException($"Entry '{entryId}' of list '{listCode}' is unreadable in Redis ({error}); re-import it.");
            }
        }

        return null;
    }

    private byte[] FingerprintBytes(SubjectId subject)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, _connection.SubjectKeys.Fingerprint(subject));
        return bytes;
    }

    private async Task<CreditCatalog> RequireCatalogAsync(CancellationToken cancellationToken) =>
        await GetCatalogAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Namespace '{Keys.Namespace}' has no catalog; publish one first.");

    private async Task ClaimNamespaceAsync()
    {
        var database = _connection.Database;
        var mine = _connection.SubjectKeys.SecretFingerprint;
        await database.HashSetAsync(Keys.Meta, "fingerprint", mine, When.NotExists).ConfigureAwait(false);
        await database.HashSetAsync(Keys.Meta, "layout", "1", When.NotExists).ConfigureAwait(false);
        var stored = (string?)await database.HashGetAsync(Keys.Meta, "fingerprint").ConfigureAwait(false);
        if (!string.Equals(stored, mine, StringComparison.Ordinal))
        {
            throw new SecretMismatchException(Keys.Namespace, stored, mine);
        }
    }

    private Task<RedisResult> Run(string script, params RedisValue[] arguments) =>
        _connection.EvaluateAsync(script, [Keys.Sequence], [Prefix, .. arguments]);

    /// <summary>One chunk handed to the stager: its records, the position of its first record in the
    /// import, and what staging it did.</summary>
    private sealed record StagedChunk(List<ListRecord> Records, long Position, Task<ChunkOutcome> Outcome);

    /// <summary>An import's counts so far.</summary>
    private sealed class ImportCounts
    {
        public int Added { get; set; }

        public int Updated { get; set; }

        public int Unchanged { get; set; }
    }
}
