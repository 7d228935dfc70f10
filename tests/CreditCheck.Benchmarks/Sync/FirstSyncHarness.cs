using System.Diagnostics;
using CreditCheck.Benchmarks.Compare;
using CreditCheck.Benchmarks.Support;
using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Benchmarks.Sync;

/// <summary>
/// <c>sync</c>: what N listed subjects cost a host and Redis, without the rest of <c>compare</c> — Redis
/// memory per listed subject, the host's managed heap beyond the filter, the first sync's time and peaks, and
/// a resync's. The baseline of the same run: the bare read of every filter source with StackExchange.Redis
/// (<c>GETRANGE</c> in 4 MiB pieces, all sent at once), the least any first sync must do.
/// </summary>
internal static class FirstSyncHarness
{
    private const string ResyncList = "customs-dishonest"; // a list of the default catalog that ListedData leaves empty

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        CompareSettings settings;
        try
        {
            settings = CompareSettings.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        if (settings.Cluster)
        {
            // The settings are compare's; sync measures one server only, so it says so rather than ignore the option.
            await Console.Error.WriteLineAsync("sync runs against one redis-server; --cluster is compare's option (compare --cluster).");
            return 2;
        }

        var run = Stopwatch.StartNew();
        var results = new CompareHarness.Results();
        RedisServer? server = null;
        RedisCreditPublisher? publisher = null;
        ConnectionMultiplexer? admin = null;
        Sdk? sdk = null;
        try
        {
            server = await RedisServer.StartAsync();
            Console.WriteLine($"-- redis {server.Version} on 127.0.0.1:{server.Port}");
            admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true,syncTimeout=120000,asyncTimeout=120000");
            publisher = await RedisCreditPublisher.ConnectAsync(Sdk.PublisherOptions(server.Configuration));
            await Measure(results, settings.Listed, server, admin, publisher, s => sdk = s);
            Finish(results, server, run);
            Console.WriteLine(results.ToString().Replace(", ", "\n", StringComparison.Ordinal));
            if (settings.JsonPath is { } path)
            {
                Report.WriteJson(results, path);
                Console.WriteLine($"JSON written to {Path.GetFullPath(path)}");
            }

            return 0;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"sync failed: {e}");
            return 1;
        }
        finally
        {
            if (sdk is not null)
            {
                await sdk.DisposeAsync();
            }

            if (publisher is not null)
            {
                await publisher.DisposeAsync();
            }

            admin?.Dispose();
            if (server is not null)
            {
                await server.DisposeAsync();
                Console.WriteLine($"redis-server stopped; whole run {run.Elapsed.TotalSeconds:N1} s");
            }
        }
    }

    /// <summary>Imports N listed subjects and measures; hands the started SDK back for disposal.</summary>
    internal static async Task Measure(
        CompareHarness.Results results, int listed, RedisServer server, ConnectionMultiplexer admin, RedisCreditPublisher publisher, Action<Sdk> started)
    {
        var db = admin.GetDatabase();
        var usedBefore = await RedisMemory.UsedMemoryAsync(admin);
        Console.WriteLine($"-- importing {listed:N0} listed subjects (ImportListAsync, replace, one list at a time)");
        await publisher.PublishCatalogAsync(CreditCatalog.Default);
        var importStarted = Stopwatch.GetTimestamp();
        foreach (var (list, records) in ListedData.Stream(listed))
        {
            await publisher.ImportListAsync(list, records, ImportMode.Replace);
        }

        var importRate = listed / Stopwatch.GetElapsedTime(importStarted).TotalSeconds;
        results.Add("import_rows_per_sec", importRate);
        Console.WriteLine($"   {importRate:N0} rows/s");

        await RedisFigures(results, listed, admin, db, usedBefore);

        Console.WriteLine("-- baseline: every filter source read bare (GETRANGE, 4 MiB pieces, all sent at once)");
        var bare = await BareReadAsync(db);
        results.Add("bare_read_seconds", bare);
        Console.WriteLine($"   {bare:N3} s");

        Console.WriteLine("-- what an SDK instance costs whatever is listed");
        await FixedCostAsync(results, server.Configuration);
        Console.WriteLine("-- first sync of one SDK instance (DI, UseRedis, default options)");
        var (sdk, memory) = await HostMemory.MeasureAsync(() => Sdk.StartRedisAsync(server.Configuration), s => s.RedisStore!.Status.FilterBytes);
        started(sdk);
        AddHost(results, "first_sync", memory, listed);
        results.Add("first_sync_over_bare_read", memory.SyncSeconds / bare);
        Console.WriteLine($"   {memory.SyncSeconds:N3} s ({memory.SyncSeconds / bare:N2} × the bare read); heap +{memory.HeapGrowth:N0} B "
            + $"(filter {memory.FilterBytes:N0} B, beyond it {memory.BeyondFilter:N0} B = {(double)memory.BeyondFilter / listed:N3} B/listed); "
            + $"peak heap +{memory.PeakHeapGrowth:N0} B, peak working set +{memory.PeakWorkingSetGrowth:N0} B");

        Console.WriteLine($"-- a resync: importing one entry on {ResyncList} makes every host read everything anew");
        var store = sdk.RedisStore!;
        var (_, resync) = await HostMemory.MeasureAsync<int>(
            async () =>
            {
                var subject = SyntheticIds.Company(SyntheticIds.Ranges.PropagationCompanies - 1);
                await publisher.ImportListAsync(ResyncList, [new ListRecord(subject, ListedData.Entry(ResyncList, "resync", SubjectKind.LegalEntity, 0))], ImportMode.Replace);
                var sequence = (long)await db.StringGetAsync(new RedisKeys(Sdk.Namespace).Sequence);
                var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 300);
                while (store.Status.Sequence < sequence && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(1);
                }

                return store.Status.Sequence >= sequence ? 0 : throw new TimeoutException("The SDK did not resync within 300 s.");
            },
            _ => store.Status.FilterBytes);
        results.Add("resync_seconds", resync.SyncSeconds);
        results.Add("resync_peak_heap_growth_bytes", resync.PeakHeapGrowth);
        results.Add("resync_heap_growth_bytes", resync.HeapGrowth);
        Console.WriteLine($"   {resync.SyncSeconds:N3} s (import of one entry included); heap {resync.HeapGrowth:+#,0;-#,0;0} B after, peak +{resync.PeakHeapGrowth:N0} B while it ran "
            + $"(the filter is {store.Status.FilterBytes:N0} B)");
    }

    /// <summary>What one SDK instance costs whatever is listed: one started on a namespace of one listed subject,
    /// measured, and disposed (<c>sdk_fixed_heap_bytes</c>). Run first, it also pays what the process pays once
    /// (statics, caches), so the instance measured next shows only what it keeps for itself.</summary>
    internal static async Task FixedCostAsync(CompareHarness.Results results, string configuration)
    {
        const string ns = "bench-fixed";
        var options = Sdk.PublisherOptions(configuration);
        options.Namespace = ns;
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(options))
        {
            await publisher.PublishCatalogAsync(CreditCatalog.Default);
            var subject = ListedData.Subject(0);
            await publisher.ImportListAsync("court-dishonest-debtors", [new ListRecord(subject, ListedData.Entry("court-dishonest-debtors", "fixed", subject.Kind, 0))], ImportMode.Replace);
        }

        var (sdk, memory) = await HostMemory.MeasureAsync(() => Sdk.StartRedisAsync(configuration, o => o.Namespace = ns), s => s.RedisStore!.Status.FilterBytes);
        await sdk.DisposeAsync();
        results.Add("sdk_fixed_heap_bytes", memory.BeyondFilter);
        Console.WriteLine($"   one SDK instance on a namespace of one listed subject: heap +{memory.HeapGrowth:N0} B (the filter {memory.FilterBytes:N0} B)");
    }

    /// <summary>The host figures under <paramref name="prefix"/>.</summary>
    internal static void AddHost(CompareHarness.Results results, string prefix, HostMemory memory, int listed)
    {
        results.Add($"{prefix}_seconds", memory.SyncSeconds);
        results.Add("sdk_heap_bytes_per_listed", (double)memory.HeapGrowth / listed);
        results.Add("sdk_heap_beyond_filter_bytes_per_listed", (double)memory.BeyondFilter / listed);

        // What grows with the lists: beyond the filter and beyond what an instance keeps whatever is listed.
        results.Add("sdk_heap_beyond_filter_and_instance_bytes_per_listed", (double)(memory.BeyondFilter - results.Get("sdk_fixed_heap_bytes")) / listed);
        results.Add("sdk_heap_growth_bytes", memory.HeapGrowth);
        results.Add("sdk_loh_growth_bytes", memory.LargeObjectHeapGrowth);
        results.Add($"{prefix}_peak_heap_growth_bytes", memory.PeakHeapGrowth);
        results.Add($"{prefix}_peak_working_set_growth_bytes", memory.PeakWorkingSetGrowth);
    }

    /// <summary>Redis memory figures; <paramref name="node"/> is the server whose <c>used_memory</c> counts (on a cluster,
    /// the primary serving the namespace's slot), null for the one server.</summary>
    internal static async Task RedisFigures(CompareHarness.Results results, int listed, ConnectionMultiplexer admin, IDatabase db, long usedBefore, System.Net.EndPoint? node = null)
    {
        var usedAfter = await RedisMemory.UsedMemoryAsync(admin, node);
        results.Add("redis_used_memory_bytes", usedAfter);
        results.Add("redis_bytes_per_listed", (double)(usedAfter - usedBefore) / listed);
        var sample = Enumerable.Range(0, 1000).Select(i => SyntheticIds.Mixed((int)((long)i * listed / 1000), SyntheticIds.Ranges.ListedCompanies, SyntheticIds.Ranges.ListedPersons)).ToArray();
        var (entry, index, prints) = await RedisMemory.PerListedAsync(db, Sdk.NaiveKeys(), sample, listed);
        results.Add("redis_entry_hash_bytes", entry);
        results.Add("redis_index_bytes_per_listed", index);
        results.Add("redis_filter_source_bytes_per_listed", prints);
        Console.WriteLine($"   redis used_memory +{usedAfter - usedBefore:N0} B = {(usedAfter - usedBefore) / (double)listed:N1} B per listed subject; "
            + $"MEMORY USAGE: a subject's hash {entry:N1} B, list indexes {index:N1} B and filter sources {prints:N2} B per listed subject");
    }

    /// <summary>Reads every list's filter source with GETRANGE in 4 MiB pieces, all sent before any is awaited.</summary>
    internal static async Task<double> BareReadAsync(IDatabase db)
    {
        const int piece = 4 << 20;
        var names = new RedisKeys(Sdk.Namespace);
        var started = Stopwatch.GetTimestamp();
        var lengths = await Task.WhenAll(ListedData.ListCodes.Select(l => db.StringLengthAsync(names.ListFingerprints(l))));
        var reads = new List<Task<RedisValue>>();
        for (var l = 0; l < lengths.Length; l++)
        {
            for (long at = 0; at < lengths[l]; at += piece)
            {
                reads.Add(db.StringGetRangeAsync(names.ListFingerprints(ListedData.ListCodes[l]), at, Math.Min(at + piece, lengths[l]) - 1));
            }
        }

        long bytes = 0;
        foreach (var read in reads)
        {
            bytes += ((byte[])(await read)!).Length;
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return bytes == lengths.Sum() ? seconds : throw new InvalidOperationException($"The bare read got {bytes} bytes, not {lengths.Sum()}.");
    }

    internal static void Finish(CompareHarness.Results results, RedisServer server, Stopwatch run)
    {
        results.Add("redis_version", server.Version);
        results.Add("load_average", File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?");
        results.Add("run_seconds", run.Elapsed.TotalSeconds);
    }
}
