using CreditCheck.Catalog;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Redis;

/// <summary>Whole-list imports: the lock, the staging pipeline (records read on a thread of their own,
/// chunks staged in order), the sweep of entries the file did not mention, and the atomic commit.</summary>
public sealed partial class RedisCreditPublisher
{
    /// <inheritdoc/>
    public Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, CancellationToken cancellationToken = default) =>
        ImportCoreAsync(listCode, records, mode, monitor: null, progress: null, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Progress is reported as chunks are staged (every <see cref="RedisStoreOptions.ImportChunkSize"/> records).</remarks>
    public Task<ImportSummary> ImportListAsync(string listCode, IEnumerable<ListRecord> records, ImportMode mode, IProgress<ImportProgress>? progress, CancellationToken cancellationToken = default) =>
        ImportCoreAsync(listCode, records, mode, monitor: null, progress, cancellationToken);

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
        var deadline = ImportDeadline;
        var catalog = await deadline.WithinAsync(RequireCatalogAsync(cancellationToken), "the read of the catalog").ConfigureAwait(false);
        if (catalog.FindList(listCode) is null)
        {
            throw new ListEntryException($"List '{listCode}' is not in catalog {catalog.Version}.");
        }

        var token = Guid.NewGuid().ToString("N");
        var lockKey = Keys.ImportLock(listCode);
        if (!await deadline.WithinAsync(_connection.Database.LockTakeAsync(lockKey, token, LockLease), "the taking of the import's lock").ConfigureAwait(false))
        {
            throw new ImportConflictException(
                $"Another import of list '{listCode}' is running in namespace '{Keys.Namespace}', or one that failed or was killed still holds its lock, which lapses within {LockLease.TotalSeconds:F0} s; nothing was imported. Run the import again then.")
            {
                ChineseMessage = $"命名空间 '{Keys.Namespace}' 中名单 '{listCode}' 的另一次导入正在进行，或一次失败、被终止的导入仍持有锁（{LockLease.TotalSeconds:F0} 秒内失效）；未导入任何数据，请稍后重新导入",
            };
        }

        try
        {
            await CollectLeftoversAsync(listCode, cancellationToken).ConfigureAwait(false);
            return await ImportLockedAsync(listCode, records, mode, catalog, token, monitor, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (ImportConflictException e)
        {
            // A lost lock or a list version that changed is what another writer does, and also what a namespace whose
            // keys were evicted, deleted or lost in a restart looks like: told apart here.
            if (await MissingDataAsync(deadline, e).ConfigureAwait(false) is { } missing)
            {
                throw missing;
            }

            throw;
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
        var deadline = ImportDeadline;
        var begin = (RedisResult[])(await deadline.WithinAsync(Run(RedisScripts.BeginStage, listCode, modeText), "the start of the staging").ConfigureAwait(false))!;
        var expectedVersion = (string)begin[0]!;
        var generation = (string)begin[1]!;
        var committed = false;
        var nothingStaged = false;
        var inFlight = new Queue<StagedChunk>();
        var counts = new ImportCounts();
        var copied = new FilterChecksum((long)begin[3], (uint)(long)begin[4], (uint)(long)begin[5]);
        var stager = ImportStager.Open(_connection, listCode, generation, mode == ImportMode.Replace, hasCommitted: (int)begin[2] == 1, token, LockLease, deadline, copied);
        stager.RestoreUnchanged = mode == ImportMode.Replace && (int)begin[2] == 1
            && await deadline.WithinAsync(EntriesMayBeMissingAsync(listCode), "the read of the eviction facts").ConfigureAwait(false);
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
            var removed = await deadline.WithinAsync(_connection.Database.HashLengthAsync(Keys.ListIndex(listCode)), "the length of the list's index").ConfigureAwait(false) > counts.Updated + counts.Unchanged
                ? await SweepAsync(listCode, modeText, cancellationToken).ConfigureAwait(false)
                : 0;
            // An import that changed nothing still commits when the list is damaged (its filter source or
            // index deleted, evicted or altered): in replace mode the staged fingerprints and index are whole.
            // Checked only then, since it reads the list's fingerprints whole.
            var unchanged = counts.Added + counts.Updated + removed == 0;
            var damage = unchanged && mode == ImportMode.Replace ? await deadline.WithinAsync(CheckListAsync(listCode), "the check of the list").ConfigureAwait(false) : null;

            // The first import of a list commits even when empty (an empty export, a platform list with no entry yet): from
            // then on the namespace holds the list, and hosts stop naming it as not covered (CreditDecision.ListsNotHeld).
            var first = unchanged && damage is null
                && !await deadline.WithinAsync(_connection.Database.HashExistsAsync(Keys.Generations, listCode), "the read of the list's generation").ConfigureAwait(false);
            if (unchanged && damage is null && !first)
            {
                nothingStaged = true;
                return new ImportSummary(listCode, 0, 0, counts.Unchanged, 0, await deadline.WithinAsync(GetSequenceAsync(CancellationToken.None), "the read of the sequence").ConfigureAwait(false))
                {
                    Restored = stager.Restored,
                };
            }

            var prints = stager.StagedPrints;
            var result = (RedisResult[])(await deadline.WithinAsync(
                Run(RedisScripts.Commit, listCode, expectedVersion, Keep, generation, prints.Count, prints.Low, prints.High),
                "the commit (it may or may not have run)").ConfigureAwait(false))!;
            if ((int)result[0] != 1)
            {
                throw new ImportConflictException($"List '{listCode}' was changed by a single-entry update during the import; nothing was imported. Run the import again.")
                {
                    ChineseMessage = $"导入期间名单 '{listCode}' 有单条变更（修复、异议等）；未导入任何数据，请重新导入",
                };
            }

            committed = true;
            var sequence = (long)result[1];
            Log.ListImported(_logger, listCode, Keys.Namespace, counts.Added, counts.Updated, counts.Unchanged, removed, sequence);
            await CollectAsync(Keys.Garbage(listCode), CancellationToken.None).ConfigureAwait(false);
            return new ImportSummary(listCode, counts.Added, counts.Updated, counts.Unchanged, removed, sequence) { Restored = stager.Restored };
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
                    Apply(OutcomeOf(inFlight.Peek()), inFlight.Dequeue(), counts, monitor, progress);
                }
            }
        }

        if (chunk.Count > 0)
        {
            inFlight.Enqueue(new StagedChunk(chunk, position, stager.Stage(chunk)));
        }

        while (inFlight.Count > 0)
        {
            Apply(OutcomeOf(inFlight.Peek()), inFlight.Dequeue(), counts, monitor, progress);
        }
    }

    /// <summary>Waits for the oldest chunk in flight to be staged, bounded: a chunk waits for its reads and then for
    /// the previous chunk's writes, each within the import's bound, so twice the bound. (The client can also hold the
    /// staging thread itself: a batch sent to a Redis that stopped reading blocks until the client's own timeout.)</summary>
    private ChunkOutcome OutcomeOf(StagedChunk chunk) =>
        new ReplyDeadline(ImportDeadline.Bound * 2).WithinAsync(chunk.Outcome, "the staging of a chunk").GetAwaiter().GetResult();

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
            var page = (RedisResult[])(await ImportDeadline.WithinAsync(Run(RedisScripts.Sweep, listCode, mode, cursor), "a page of the sweep").ConfigureAwait(false))!;
            cursor = (string)page[0]!;
            removed += (int)page[1];
            await ImportDeadline.WithinAsync(_connection.Database.KeyExpireAsync(Keys.ImportLock(listCode), LockLease), "the renewal of the import's lock").ConfigureAwait(false);
        }
        while (cursor != "0");

        return removed;
    }

    private async Task ReleaseLockAsync(string lockKey, string token)
    {
        // A release can fail for as long as what failed the import lasts (a slot being moved answers TRYAGAIN):
        // tried 5 times over about 3 s, so that the next import need not wait out the lease; else it lapses. Each
        // attempt is bounded, and all of them together by the import's bound.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var deadline = ImportDeadline;
        var perAttempt = new ReplyDeadline(TimeSpan.FromTicks(Math.Min(deadline.Bound.Ticks, TimeSpan.FromSeconds(5).Ticks)));
        for (var attempt = 0; attempt < 5 && clock.Elapsed < deadline.Bound; attempt++)
        {
            try
            {
                // Deletes the lock only while it still holds this import's token.
                // Started on the pool: the client's transaction (the token's check and the delete) can block the calling
                // thread while the connection does not write, and only a task can be bounded.
                await perAttempt.WithinAsync(Task.Run(() => _connection.Database.LockReleaseAsync(lockKey, token)), "the release of the import's lock").ConfigureAwait(false);
                return;
            }
            catch (Exception e) when ((e is RedisException or TimeoutException) && attempt < 4)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), TimeProvider.System).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return; // the lease lapses by itself
            }
        }
    }

    /// <summary>The import's bound on each wait for Redis (<see cref="ReplyDeadline"/>).</summary>
    private ReplyDeadline ImportDeadline => ReplyDeadline.For(_options, LockLease);

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
