using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime;
using CreditCheck.Benchmarks.Support;
using CreditCheck.Benchmarks.Sync;
using CreditCheck.Redis;
using CreditCheck.Stores;
using StackExchange.Redis;
using RedisCluster = CreditCheck.Tests.Support.RedisCluster;

namespace CreditCheck.Benchmarks.Compare;

/// <summary>
/// <c>compare</c>: one run that measures (a) the SDK on the Redis store and (b) a naive integration
/// doing one StackExchange.Redis HGETALL per check, against the same redis-server and data, and
/// prints them side by side with the targets of DESIGN §7. With <c>--cluster</c>, the same against a Redis
/// Cluster of 3 primaries + 3 replicas (the test project's fixture).
/// </summary>
/// <remarks>
/// Every loop is bounded by a count and by time. Loops whose figures are per-thread (throughput,
/// allocations, latencies of synchronous paths) run on a dedicated thread, so blocking there never
/// starves the thread pool that the SDK's feed and the Redis client need.
/// </remarks>
internal static class CompareHarness
{
    private const int CleanSubjects = 65_536; // a power of two: the loops index with a mask
    private const int FalsePositiveProbes = 100_000;
    private const int BatchSize = 10_000;
    private const int BatchListed = 100; // 1 %
    private const int BatchWarmups = 120; // at least (a wave of recompilation came after 40 quiet batches); then until the JIT has settled (BatchesAsync)
    private const int BatchQuietWarmups = 40; // batches in a row with no method compiled: more than the 30 calls that promote one
    private const int PropagationSamples = 200;
    private const string PropagationList = "court-dishonest-debtors";

    /// <summary>The embedded store (a reference figure) and the rebuilt filter hold at most this many: at
    /// 10,000,000 the embedded store alone would take gigabytes beside Redis on the same machine.</summary>
    private const int InMemoryListedMax = 1_000_000;

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

        var run = Stopwatch.StartNew();
        var results = new Results();
        Action<RedisStoreOptions> sockets = o => o.ThreadPoolSockets = settings.ThreadPoolSockets;
        RedisServer? server = null;
        RedisCluster? cluster = null;
        RedisCreditPublisher? publisher = null;
        Sdk? sdkA = null, sdkB = null, inMemory = null;
        var extraHosts = new List<Sdk>();
        ConnectionMultiplexer? naive = null, admin = null;
        try
        {
            string configuration;
            EndPoint? memoryNode = null; // on a cluster, the primary serving the namespace's slot: its used_memory counts
            string deployment;
            if (settings.Cluster)
            {
                Stage("starting a Redis Cluster of 3 primaries + 3 replicas on free loopback ports");
                cluster = await RedisCluster.StartAsync();
                configuration = cluster.Configuration;
                var primary = await cluster.PrimaryOfAsync(Sdk.Namespace);
                memoryNode = new IPEndPoint(IPAddress.Loopback, primary.Port);
                var slot = RedisCluster.Slot(Sdk.Prefix);
                deployment = string.Create(CultureInfo.InvariantCulture, $"cluster of 3 primaries + 3 replicas, namespace slot {slot} on port {primary.Port}");
                Console.WriteLine($"   cluster: 3 primaries + 3 replicas, namespace slot {slot} on port {primary.Port}");
                Console.WriteLine($"   nodes on 127.0.0.1 ports {string.Join(", ", cluster.Nodes.Select(n => n.Port))}");
            }
            else
            {
                Stage("starting redis-server on a free loopback port");
                server = await RedisServer.StartAsync(settings.HugePages);
                configuration = server.Configuration;
                deployment = settings.HugePages ? "one redis-server, heap in transparent huge pages" : "one redis-server";
                Console.WriteLine($"   redis {server.Version} on 127.0.0.1:{server.Port}");
            }

            var regions = new Regions(settings.Listed);
            Stage($"making the {regions.BatchEnd:N0} listed subjects the loops check and {CleanSubjects:N0} clean ones");
            var listedSubjects = Enumerable.Range(0, regions.BatchEnd).Select(ListedData.Subject).ToArray();
            var clean = Enumerable.Range(0, CleanSubjects)
                .Select(n => SyntheticIds.Mixed(n, SyntheticIds.Ranges.CleanCompanies, SyntheticIds.Ranges.CleanPersons))
                .ToArray();
            var cleanRequests = clean.Select(s => new CheckRequest(s, ListedData.Scenario)).ToArray();
            var listedRequests = listedSubjects.Select(s => new CheckRequest(s, ListedData.Scenario)).ToArray();

            // The records are made as they are imported, never all held: at 10,000,000 they would take gigabytes.
            Stage($"publishing the catalog and importing {settings.Listed:N0} entries ({ListedData.ListCodes.Count} lists)");
            admin = await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true,syncTimeout=120000,asyncTimeout=120000");
            var version = server?.Version ?? await VersionAsync(admin.GetServer(memoryNode!));
            if (memoryNode is not null)
            {
                Console.WriteLine($"   redis {version}; used_memory below is that of the primary 127.0.0.1:{((IPEndPoint)memoryNode).Port} (replicas not counted)");
            }

            var usedBefore = await RedisMemory.UsedMemoryAsync(admin, memoryNode);
            publisher = await RedisCreditPublisher.ConnectAsync(Sdk.PublisherOptions(configuration));
            var importRate = await Sdk.PublishAsync(publisher, settings.Listed);
            results.Add("import_rows_per_sec", importRate);
            Console.WriteLine($"   {importRate:N0} rows/s");
            if (server?.HugePageBytes() is { } huge)
            {
                results.Add("redis_huge_page_bytes", huge);
                Console.WriteLine($"   redis-server memory in transparent huge pages: {huge / 1e9:N2} GB");
            }

            await FirstSyncHarness.RedisFigures(results, settings.Listed, admin, admin.GetDatabase(), usedBefore, memoryNode);

            Stage("baseline of the first sync: every filter source read bare (GETRANGE, 4 MiB pieces, all sent at once)");
            var bare = await FirstSyncHarness.BareReadAsync(admin.GetDatabase());
            results.Add("bare_read_seconds", bare);
            Console.WriteLine($"   {bare:N3} s");

            Stage("what an SDK instance costs whatever is listed");
            await FirstSyncHarness.FixedCostAsync(results, configuration);

            Stage("starting two SDK instances (DI, UseRedis, default options) and the embedded store");
            var (startedA, memory) = await HostMemory.MeasureAsync(() => Sdk.StartRedisAsync(configuration, sockets), s => s.RedisStore!.Status.FilterBytes);
            sdkA = startedA;
            FirstSyncHarness.AddHost(results, "first_sync", memory, settings.Listed);
            results.Add("first_sync_over_bare_read", memory.SyncSeconds / bare);
            Console.WriteLine($"   first sync {memory.SyncSeconds:N3} s ({memory.SyncSeconds / bare:N2} × the bare read); heap +{memory.HeapGrowth:N0} B "
                + $"(filter {memory.FilterBytes:N0} B, beyond it {(double)memory.BeyondFilter / settings.Listed:N3} B per listed subject); peak heap +{memory.PeakHeapGrowth:N0} B");
            sdkB = await Sdk.StartRedisAsync(configuration, sockets);
            var inMemoryListed = Math.Min(settings.Listed, InMemoryListedMax);
            inMemory = await Sdk.StartInMemoryAsync(inMemoryListed);
            results.Add("inmemory_listed", inMemoryListed);
            var storeA = sdkA.RedisStore!;
            var storeB = sdkB.RedisStore!;
            var status = storeA.Status;
            results.Add("filter_keys", status.FilterKeys);
            results.Add("filter_bytes", status.FilterBytes);
            results.Add("filter_bytes_per_listed", (double)status.FilterBytes / settings.Listed);
            Console.WriteLine($"   sequence {status.Sequence}, filter {status.FilterKeys:N0} keys in {status.FilterBytes:N0} bytes; embedded store: {inMemoryListed:N0} listed");

            var naiveOptions = ConfigurationOptions.Parse(configuration);
            if (settings.ThreadPoolSockets)
            {
#pragma warning disable CS0618 // obsolete (and ignored) on StackExchange.Redis 3.x
                naiveOptions.SocketManager = SocketManager.ThreadPool; // the baseline on the same client settings as the SDK
#pragma warning restore CS0618
            }

            naive = await ConnectionMultiplexer.ConnectAsync(naiveOptions);
            var naiveDb = naive.GetDatabase();
            var naiveKeys = Sdk.NaiveKeys();
            string NaiveKey(SubjectId subject) => Sdk.EntriesPrefix + naiveKeys.StorageKey(subject);

            Stage("clean subjects, single thread: SDK (Redis store, local filter), embedded store, SDK with parsing");
            var sdkClean = OnThread(() => CleanLoop(sdkA.Checker, cleanRequests, settings.Seconds));
            results.Add("clean_checks_per_sec_sdk", sdkClean.PerSecond);
            results.Add("allocated_bytes_per_clean_check", sdkClean.BytesPerCheck);
            results.Add("clean_checks_network_reads", sdkClean.NetworkReads);
            results.Add("clean_checks_not_clear", sdkClean.NotClear);
            var memClean = OnThread(() => CleanLoop(inMemory.Checker, cleanRequests, settings.Seconds));
            results.Add("clean_checks_per_sec_inmemory", memClean.PerSecond);
            results.Add("allocated_bytes_per_clean_check_inmemory", memClean.BytesPerCheck);
            var parsed = OnThread(() => CleanLoopWithParse(sdkA.Checker, clean, settings.Seconds));
            results.Add("clean_checks_per_sec_sdk_with_parse", parsed.PerSecond);
            results.Add("allocated_bytes_per_clean_check_with_parse", parsed.BytesPerCheck);
            Console.WriteLine($"   SDK {sdkClean.PerSecond:N0}/s ({sdkClean.BytesPerCheck:N0} B/check), embedded {memClean.PerSecond:N0}/s, with parse {parsed.PerSecond:N0}/s");

            Stage("clean subjects, single thread: naive (HMAC key + one HGETALL, awaited)");
            var naiveClean = await NaiveCleanLoopAsync(naiveDb, clean, NaiveKey, settings.Seconds);
            results.Add("clean_checks_per_sec_naive", naiveClean.PerSecond);
            results.Add("allocated_bytes_per_clean_check_naive", naiveClean.BytesPerCheck);
            Console.WriteLine($"   naive {naiveClean.PerSecond:N0}/s");

            Stage($"listed subjects, cached: {regions.CachedCount:N0} subjects");
            var cached = OnThread(() => CachedLoop(sdkA.Checker, listedRequests[..regions.CachedCount], settings.Seconds));
            results.Add("listed_cached_us_p50", cached.Latency.PercentileMicroseconds(50));
            results.Add("listed_cached_us_p99", cached.Latency.PercentileMicroseconds(99));
            results.Add("allocated_bytes_per_cached_check", cached.BytesPerCheck);
            Console.WriteLine($"   p50 {results.Get("listed_cached_us_p50"):N2} µs over {cached.Latency.Count:N0} checks");

            Stage("listed subjects, cold (never seen: one Redis round trip) interleaved with bare HGETALLs of other never-seen subjects");
            var cold = await ColdLoopAsync(sdkA.Checker, storeA, naiveDb, listedRequests, regions, NaiveKey, settings.Seconds * 2);
            results.Add("listed_cold_us_p50", cold.Sdk.PercentileMicroseconds(50));
            results.Add("listed_cold_us_p99", cold.Sdk.PercentileMicroseconds(99));
            results.Add("naive_roundtrip_us_p50", cold.Naive.PercentileMicroseconds(50));
            results.Add("naive_roundtrip_us_p99", cold.Naive.PercentileMicroseconds(99));
            results.Add("ping_us_p50", cold.Ping.PercentileMicroseconds(50));
            results.Add("listed_cold_lookup_us_p50", cold.Lookup.PercentileMicroseconds(50));
            results.Add("naive_roundtrip_warm_us_p50", cold.NaiveWarm.PercentileMicroseconds(50));
            results.Add("listed_cold_over_roundtrip", results.Get("listed_cold_us_p50") / results.Get("naive_roundtrip_us_p50"));
            Console.WriteLine($"   p50: SDK check {results.Get("listed_cold_us_p50"):N1} µs, store lookup alone {results.Get("listed_cold_lookup_us_p50"):N1} µs, "
                + $"bare HGETALL {results.Get("naive_roundtrip_us_p50"):N1} µs (of a key just served: {results.Get("naive_roundtrip_warm_us_p50"):N1} µs), PING {results.Get("ping_us_p50"):N1} µs ({cold.Sdk.Count:N0} steps)");

            Stage($"batches of {BatchSize:N0} subjects, {BatchListed} listed (cold) and {BatchSize - BatchListed:N0} clean");
            var batches = await BatchesAsync(sdkA.Checker, naiveDb, clean, cleanRequests, listedSubjects, listedRequests, regions, NaiveKey, settings.Seconds);
            results.Add("batch10k_ms_sdk", batches.Sdk.PercentileMilliseconds(50));
            results.Add("batch10k_ms_naive", batches.Naive.PercentileMilliseconds(50));
            results.Add("batch10k_ms_sdk_all_clean", batches.AllClean.PercentileMilliseconds(50));
            results.Add("batch10k_ms_naive_pipelined", batches.Pipelined.PercentileMilliseconds(50));
            results.Add("batch10k_speedup_vs_naive", results.Get("batch10k_ms_naive") / results.Get("batch10k_ms_sdk"));
            results.Add("batch10k_speedup_vs_pipelined", results.Get("batch10k_ms_naive_pipelined") / results.Get("batch10k_ms_sdk"));
            results.Add("batch10k_ms_sdk_fastest", batches.Sdk.PercentileMilliseconds(0));
            results.Add("batch10k_cpu_ms_per_batch", batches.SdkCost.CpuMillisecondsPerBatch);
            results.Add("batch10k_gc_pause_ms_per_batch", batches.SdkCost.PauseMillisecondsPerBatch);
            results.Add("batch10k_allocated_bytes_per_batch", batches.SdkCost.BytesPerBatch);
            results.Add("batch10k_gcs", batches.SdkCost.Collections);
            results.Add("batch10k_warmups", batches.Warmups);
            results.Add("batch10k_methods_compiled_while_measured", batches.CompiledWhileMeasured);
            Console.WriteLine($"   SDK per batch: fastest {results.Get("batch10k_ms_sdk_fastest"):N2} ms, process CPU {batches.SdkCost.CpuMillisecondsPerBatch:N2} ms, "
                + $"GC pause {batches.SdkCost.PauseMillisecondsPerBatch:N2} ms, {batches.SdkCost.BytesPerBatch:N0} B allocated; collections over {batches.SdkCost.Batches} batches: {batches.SdkCost.Collections}");
            Console.WriteLine($"   SDK {results.Get("batch10k_ms_sdk"):N2} ms ({batches.Sdk.Count} batches; all-clean batch {results.Get("batch10k_ms_sdk_all_clean"):N2} ms), naive {results.Get("batch10k_ms_naive"):N1} ms ({batches.Naive.Count}), pipelined naive {results.Get("batch10k_ms_naive_pipelined"):N1} ms ({batches.Pipelined.Count})");

            Stage($"filter false-positive rate: {FalsePositiveProbes:N0} unlisted valid identifiers");
            var probes = Enumerable.Range(0, FalsePositiveProbes)
                .Select(n => SyntheticIds.Mixed(n, SyntheticIds.Ranges.ProbeCompanies, SyntheticIds.Ranges.ProbePersons))
                .ToArray();
            var fp = OnThread(() => FalsePositives(storeB, probes));
            results.Add("filter_false_positive_rate", fp.Rate);
            results.Add("filter_false_positive_rate_rebuilt", RebuiltFalsePositiveRate(naiveKeys, Math.Min(settings.Listed, InMemoryListedMax), probes));
            Console.WriteLine($"   {fp.Positives:N0} of {probes.Length:N0} probes went past the filter ({fp.Rate:P3}); store fresh throughout: {fp.Fresh}");
            if (fp.Listed > 0)
            {
                throw new InvalidOperationException($"{fp.Listed} probes meant to be unlisted were found listed: the identifier ranges overlap.");
            }

            Stage($"propagation: publisher UpsertAsync → {settings.Hosts} SDK instances answer the new entry ({PropagationSamples} samples)");
            for (var i = 2; i < settings.Hosts; i++)
            {
                extraHosts.Add(await Sdk.StartRedisAsync(configuration, sockets));
            }

            var hosts = new[] { storeA, storeB }.Concat(extraHosts.Select(h => h.RedisStore!)).ToArray();
            var slowlog = await SlowLog.StartAsync(admin, memoryNode);
            // The PING goes to the node serving the namespace (on a cluster, the one the upserts go to).
            var pingNode = memoryNode is null ? naive.GetServers()[0] : naive.GetServer(memoryNode);
            var propagation = OnThread(() => Propagation(publisher, hosts, pingNode, settings.Seconds * 15));

            var redisSlow = await slowlog.ReadAsync();
            results.Add("propagation_hosts", hosts.Length);
            results.Add("propagation_ms_p50", propagation.All.PercentileMilliseconds(50));
            results.Add("propagation_ms_p99", propagation.All.PercentileMilliseconds(99));
            results.Add("propagation_ms_max", propagation.All.PercentileMilliseconds(100));
            results.Add("propagation_host_ms_p99", propagation.EachHost.PercentileMilliseconds(99));
            results.Add("propagation_timeouts", propagation.Timeouts);
            results.Add("upsert_call_ms_p50", propagation.Upsert.PercentileMilliseconds(50));
            results.Add("upsert_call_ms_p99", propagation.Upsert.PercentileMilliseconds(99));
            results.Add("upsert_calls_over_5ms", propagation.SlowUpserts);
            results.Add("upsert_calls_over_5ms_during_gc", propagation.SlowUpsertsWithGc);
            results.Add("propagation_stage_gc_pause_ms", propagation.GcPause.TotalMilliseconds);
            results.Add("propagation_stage_gen2_collections", propagation.Gen2Collections);
            results.Add("propagation_stage_collections", propagation.Collections);
            results.Add("propagation_stage_ping_ms_p50", propagation.Ping.PercentileMilliseconds(50));
            results.Add("propagation_stage_ping_ms_p99", propagation.Ping.PercentileMilliseconds(99));
            results.Add("propagation_stage_ping_ms_max", propagation.Ping.PercentileMilliseconds(100));
            results.Add("propagation_stage_pings_over_5ms", propagation.SlowPings);
            results.Add("propagation_stage_redis_commands_over_1ms", redisSlow.Count);
            results.Add("propagation_stage_redis_slowest_ms", redisSlow.SlowestMilliseconds);
            Console.WriteLine($"   until all {hosts.Length} answer it: p50 {results.Get("propagation_ms_p50"):N2} ms, p99 {results.Get("propagation_ms_p99"):N2} ms over {propagation.All.Count} samples; "
                + $"each host alone p99 {results.Get("propagation_host_ms_p99"):N2} ms; the UpsertAsync call itself p50 {results.Get("upsert_call_ms_p50"):N2} ms, p99 {results.Get("upsert_call_ms_p99"):N2} ms");
            Console.WriteLine($"   upsert calls over 5 ms: {propagation.SlowUpserts} ({propagation.SlowUpsertsWithGc} of them while this process collected gen1/gen2); "
                + $"GC pauses over the stage {propagation.GcPause.TotalMilliseconds:N1} ms, {propagation.Collections} collections ({propagation.Gen2Collections} gen2), {propagation.AllocatedBytes / Math.Max(1, propagation.Upsert.Count):N0} B allocated per sample; "
                + $"Redis commands over 1 ms meanwhile: {redisSlow.Count} (slowest {redisSlow.SlowestMilliseconds:N2} ms{redisSlow.SlowestCommand}); Redis latency events ≥ 1 ms: {(slowlog.Events.Length == 0 ? "none" : slowlog.Events)}");
            Console.WriteLine($"   a bare PING between samples (another connection, after a 5–25 ms pause as the upserts): p50 {results.Get("propagation_stage_ping_ms_p50"):N2} ms, p99 {results.Get("propagation_stage_ping_ms_p99"):N2} ms, max {results.Get("propagation_stage_ping_ms_max"):N2} ms, {propagation.SlowPings} of {propagation.Ping.Count} over 5 ms");

            results.Add("listed", settings.Listed);
            results.Add("processor_count", Environment.ProcessorCount);
            results.Add("redis_version", version);
            results.Add("redis_deployment", deployment);
            results.Add("thread_pool_sockets", settings.ThreadPoolSockets ? 1 : 0);
            results.Add("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
            results.Add("run_seconds", run.Elapsed.TotalSeconds);

            Console.WriteLine();
            Console.WriteLine(Report.Table(results, settings.Listed));
            if (settings.JsonPath is { } path)
            {
                Report.WriteJson(results, path);
                Console.WriteLine($"JSON written to {Path.GetFullPath(path)}");
            }

            return 0;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"compare failed: {e}");
            return 1;
        }
        finally
        {
            foreach (var sdk in new[] { sdkA, sdkB, inMemory }.Concat(extraHosts))
            {
                await DisposeQuietlyAsync(sdk);
            }

            await DisposeQuietlyAsync(publisher);
            admin?.Dispose();
            if (naive is not null)
            {
                await naive.CloseAsync();
                naive.Dispose();
            }

            if (server is not null)
            {
                await server.DisposeAsync();
                Console.WriteLine($"redis-server stopped; whole run {run.Elapsed.TotalSeconds:N1} s");
            }

            if (cluster is not null)
            {
                // Kills every node (also after a failure) and deletes their folders.
                await cluster.DisposeAsync();
                Console.WriteLine($"Redis Cluster stopped (6 nodes killed); whole run {run.Elapsed.TotalSeconds:N1} s");
            }
        }
    }

    /// <summary><c>redis_version</c> from INFO server of one node.</summary>
    private static async Task<string> VersionAsync(IServer node) =>
        (await node.InfoAsync("server")).SelectMany(g => g).FirstOrDefault(p => p.Key == "redis_version").Value ?? "?";

    private static void Stage(string what) => Console.WriteLine($"-- {what}");

    private static async Task DisposeQuietlyAsync(IAsyncDisposable? disposable)
    {
        if (disposable is null)
        {
            return;
        }

        try
        {
            await disposable.DisposeAsync();
        }
        catch (Exception e)
        {
            // Reported, not fatal: the figures are already out and the server must still be stopped.
            await Console.Error.WriteLineAsync($"warning: disposing {disposable.GetType().Name} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Runs synchronous measuring code on a thread of its own and returns its result.</summary>
    private static T OnThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 4 * 1024 * 1024)
        { IsBackground = true, Name = "compare" };
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException($"A measurement failed: {failure.Message}", failure);
    }

    private static CreditDecision CheckNow(ICreditChecker checker, CheckRequest request)
    {
        var pending = checker.CheckAsync(request);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private static SubjectLookup LookupNow(RedisCreditStore store, SubjectId subject)
    {
        var pending = store.LookupAsync(subject);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    // ---- clean subjects ----

    private sealed record Throughput(double PerSecond, double BytesPerCheck, long NetworkReads, long NotClear);

    private static Throughput CleanLoop(ICreditChecker checker, CheckRequest[] requests, double seconds)
    {
        // Warm-up: one full pass (a filter false positive reaches Redis once, then is cached, as in
        // a long-running host), then a little more for the JIT's last tier.
        foreach (var request in requests)
        {
            CheckNow(checker, request);
        }

        RunClean(checker, requests, new Bound(0.5, long.MaxValue));
        return RunClean(checker, requests, new Bound(seconds, 100_000_000));
    }

    private static Throughput RunClean(ICreditChecker checker, CheckRequest[] requests, Bound bound)
    {
        var mask = requests.Length - 1;
        long iterations = 0, network = 0, notClear = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        while (!bound.Done(iterations))
        {
            for (var k = 0; k < 1024; k++)
            {
                var decision = CheckNow(checker, requests[(int)(iterations + k) & mask]);
                network += decision.Path is DecisionPath.Store or DecisionPath.Policy ? 1 : 0;
                notClear += decision.Outcome == DecisionOutcome.Clear ? 0 : 1;
            }

            iterations += 1024;
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        return new Throughput(iterations / elapsed, (double)bytes / iterations, network, notClear);
    }

    private static Throughput CleanLoopWithParse(ICreditChecker checker, SubjectId[] subjects, double seconds)
    {
        var texts = subjects.Select(s => (s.Value, s.Kind)).ToArray();
        var mask = texts.Length - 1;
        Throughput Run(Bound bound)
        {
            long iterations = 0, network = 0, notClear = 0;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            while (!bound.Done(iterations))
            {
                for (var k = 0; k < 1024; k++)
                {
                    var (text, kind) = texts[(int)(iterations + k) & mask];
                    var decision = CheckNow(checker, new CheckRequest(SubjectId.Parse(text, kind), ListedData.Scenario));
                    network += decision.Path is DecisionPath.Store or DecisionPath.Policy ? 1 : 0;
                    notClear += decision.Outcome == DecisionOutcome.Clear ? 0 : 1;
                }

                iterations += 1024;
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return new Throughput(iterations / elapsed, (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations, network, notClear);
        }

        Run(new Bound(0.5, long.MaxValue));
        return Run(new Bound(seconds, 100_000_000));
    }

    private static async Task<Throughput> NaiveCleanLoopAsync(IDatabase db, SubjectId[] subjects, Func<SubjectId, string> key, double seconds)
    {
        var mask = subjects.Length - 1;
        async Task<Throughput> Run(Bound bound)
        {
            long iterations = 0, listed = 0;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var started = Stopwatch.GetTimestamp();
            while (!bound.Done(iterations))
            {
                var fields = await db.HashGetAllAsync(key(subjects[(int)(iterations & mask)]));
                listed += fields.Length == 0 ? 0 : 1;
                iterations++;
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return new Throughput(iterations / elapsed, (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / iterations, iterations, listed);
        }

        await Run(new Bound(Math.Min(0.5, seconds / 4), 20_000));
        return await Run(new Bound(seconds, 1_000_000));
    }

    // ---- listed subjects ----

    /// <summary>Which listed subjects each measurement uses, so a "cold" one was really never seen.</summary>
    private sealed class Regions(int listed)
    {
        /// <summary>[0, CachedCount): checked once, then measured from the cache.</summary>
        public int CachedCount { get; } = Math.Min(1000, listed / 10);

        /// <summary>[ColdStart, ColdEnd): each checked once, cold (the first 100 warm the path up). Three per
        /// step, at most 5,100 steps: the loop needs no more, however many are listed.</summary>
        public int ColdStart => CachedCount;

        public int ColdEnd { get; } = Math.Min(listed / 2, Math.Min(1000, listed / 10) + (3 * 5_100));

        /// <summary>[BatchStart, BatchEnd): 100 per batch, each batch's listed subjects never seen before (at most
        /// 200 batches: 120 to 170 to warm up, 30 measured).</summary>
        public int BatchStart => ColdEnd;

        public int BatchEnd { get; } = Math.Min(listed, Math.Min(listed / 2, Math.Min(1000, listed / 10) + (3 * 5_100)) + (200 * BatchListed));
    }

    private sealed record Latencies(Samples Latency, double BytesPerCheck);

    private static Latencies CachedLoop(ICreditChecker checker, CheckRequest[] requests, double seconds)
    {
        foreach (var request in requests)
        {
            if (CheckNow(checker, request).MatchedEntries.Count == 0)
            {
                throw new InvalidOperationException($"Listed subject {request.Subject} was not found.");
            }
        }

        var samples = new Samples(200_000);
        var bound = new Bound(Math.Min(0.3, seconds / 4), long.MaxValue);
        for (long i = 0; !bound.Done(i); i++)
        {
            CheckNow(checker, requests[(int)(i % requests.Length)]);
        }

        bound = new Bound(seconds / 2, 200_000);
        long notCached = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; !bound.Done(i); i++)
        {
            var request = requests[i % requests.Length];
            var started = Stopwatch.GetTimestamp();
            var decision = CheckNow(checker, request);
            samples.Add(Stopwatch.GetTimestamp() - started);
            notCached += decision.Path == DecisionPath.Cache ? 0 : 1;
        }

        var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / samples.Count;
        if (notCached > samples.Count / 100)
        {
            throw new InvalidOperationException($"{notCached} of {samples.Count} checks of cached listed subjects were not answered from the cache.");
        }

        return new Latencies(samples, bytes);
    }

    private sealed record ColdResult(Samples Sdk, Samples Lookup, Samples Naive, Samples NaiveWarm, Samples Ping);

    /// <summary>
    /// Per step, three never-seen listed subjects: the SDK checks one (one Redis read), the store looks
    /// up the second alone, and the naive integration reads the third with a bare HGETALL — every read
    /// touches a key Redis has not served before, in an order that rotates each step so that neither
    /// side always goes first. Then, for the record, a bare HGETALL of the SDK's subject again (a key
    /// Redis has just served) and a PING.
    /// </summary>
    private static async Task<ColdResult> ColdLoopAsync(
        ICreditChecker checker, RedisCreditStore store, IDatabase db, CheckRequest[] listed, Regions regions, Func<SubjectId, string> key, double seconds)
    {
        var result = new ColdResult(new Samples(), new Samples(), new Samples(), new Samples(), new Samples());
        var steps = (regions.ColdEnd - regions.ColdStart) / 3;
        var warmUp = Math.Min(100, steps / 4);
        var bound = new Bound(seconds, 5_000 + warmUp);
        long notStore = 0;
        for (var step = 0; step < steps && !bound.Done(step); step++)
        {
            var request = listed[regions.ColdStart + (3 * step)];
            var other = listed[regions.ColdStart + (3 * step) + 1].Subject;
            var naiveKey = (RedisKey)key(listed[regions.ColdStart + (3 * step) + 2].Subject);
            CreditDecision? decision = null;
            SubjectLookup? lookup = null;
            HashEntry[]? fields = null;
            long sdkTicks = 0, lookupTicks = 0, naiveTicks = 0;
            for (var turn = 0; turn < 3; turn++)
            {
                var started = Stopwatch.GetTimestamp();
                switch ((step + turn) % 3)
                {
                    case 0:
                        decision = await checker.CheckAsync(request);
                        sdkTicks = Stopwatch.GetTimestamp() - started;
                        break;
                    case 1:
                        lookup = await store.LookupAsync(other);
                        lookupTicks = Stopwatch.GetTimestamp() - started;
                        break;
                    default:
                        fields = await db.HashGetAllAsync(naiveKey);
                        naiveTicks = Stopwatch.GetTimestamp() - started;
                        break;
                }
            }

            var warmStarted = Stopwatch.GetTimestamp();
            await db.HashGetAllAsync(key(request.Subject));
            var warmTicks = Stopwatch.GetTimestamp() - warmStarted;

            var pingStarted = Stopwatch.GetTimestamp();
            await db.PingAsync();
            var pingTicks = Stopwatch.GetTimestamp() - pingStarted;

            if (decision!.MatchedEntries.Count == 0 || lookup!.Value.Entries.Count == 0 || fields!.Length == 0)
            {
                throw new InvalidOperationException(
                    $"Listed subject {request.Subject} was not found (SDK {decision.Path}, {decision.MatchedEntries.Count} entries; lookup {lookup?.Source}; HGETALL {fields?.Length} fields).");
            }

            if (step >= warmUp)
            {
                result.Sdk.Add(sdkTicks);
                result.Lookup.Add(lookupTicks);
                result.Naive.Add(naiveTicks);
                result.NaiveWarm.Add(warmTicks);
                result.Ping.Add(pingTicks);
                notStore += decision.Path == DecisionPath.Store && lookup.Value.Source == LookupSource.Store ? 0 : 1;
            }
        }

        if (notStore > 0)
        {
            throw new InvalidOperationException($"{notStore} cold checks were not answered by a Redis read.");
        }

        return result;
    }

    // ---- batches ----

    private sealed record BatchResult(Samples Sdk, BatchCost SdkCost, Samples AllClean, Samples Naive, Samples Pipelined, int Warmups, long CompiledWhileMeasured);

    private static async Task<BatchResult> BatchesAsync(
        ICreditChecker checker,
        IDatabase db,
        SubjectId[] clean,
        CheckRequest[] cleanRequests,
        SubjectId[] listedSubjects,
        CheckRequest[] listedRequests,
        Regions regions,
        Func<SubjectId, string> key,
        double seconds)
    {
        var random = new Random(10_000);

        // Batch b: 100 listed subjects never checked before, 9,900 clean ones, shuffled.
        (CheckRequest[] Requests, SubjectId[] Subjects) Make(int b, int listedStart)
        {
            var indices = new List<(bool Listed, int Index)>(BatchSize);
            for (var i = 0; i < BatchListed; i++)
            {
                indices.Add((true, listedStart + i));
            }

            for (var i = 0; i < BatchSize - BatchListed; i++)
            {
                indices.Add((false, ((b * 7919) + i) % clean.Length));
            }

            var shuffled = indices.OrderBy(_ => random.Next()).ToArray();
            return ([.. shuffled.Select(x => x.Listed ? listedRequests[x.Index] : cleanRequests[x.Index])],
                    [.. shuffled.Select(x => x.Listed ? listedSubjects[x.Index] : clean[x.Index])]);
        }

        var available = (regions.BatchEnd - regions.BatchStart) / BatchListed;
        if (available < 2)
        {
            throw new InvalidOperationException("Too few listed subjects for the batch measurement; use --listed 1000 or more.");
        }

        // One batch, timed and checked; the warm-up runs exactly what the measurement runs (the checks after a batch
        // too: their code, compiled first in the measured batches, was recompiled in the background during them).
        async Task RunAsync(CheckRequest[] requests, Samples samples, BatchCost batchCost)
        {
            var before = batchCost.Before();
            var started = Stopwatch.GetTimestamp();
            var decisions = await checker.CheckManyAsync(requests);
            samples.Add(Stopwatch.GetTimestamp() - started);
            batchCost.After(before);
            var found = decisions.Count(d => d.MatchedEntries.Count > 0);
            if (found != BatchListed || decisions.Any(d => d.Path == DecisionPath.Policy))
            {
                throw new InvalidOperationException($"A batch found {found} listed subjects, not {BatchListed}, or was degraded.");
            }
        }

        // Warm-up: cold batches like the measured ones, until the batch path runs the code a long-running host's
        // batches run. A method is recompiled after 30 counted calls, in the background, and counting starts only
        // once no new method has been compiled for a while; with dynamic PGO a method may go through two such
        // rounds. So a fixed 40 batches were not enough: the JIT's background thread took 13 % of the CPU samples
        // during the measured batches of one profiled run. Warm up for at least BatchWarmups batches (methods were
        // recompiled in bursts up to the 135th), then until BatchQuietWarmups batches in a row compiled nothing,
        // or the listed subjects for it run out.
        var measured = Math.Min(30, available / 2);
        var warmups = 0;
        var quiet = 0;
        var compiled = JitInfo.GetCompiledMethodCount();
        var (warmupSamples, warmupCost) = (new Samples(), new BatchCost());
        while (warmups < available - measured && (warmups < BatchWarmups || quiet < BatchQuietWarmups))
        {
            await RunAsync(Make(warmups, regions.BatchStart + (warmups * BatchListed)).Requests, warmupSamples, warmupCost);
            warmups++;
            var now = JitInfo.GetCompiledMethodCount();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }

        Console.WriteLine($"   {warmups} warm-up batches ({(quiet >= BatchQuietWarmups ? string.Empty : "stopped by the listed subjects available; ")}the last {quiet} compiled no method)");

        // Every measured batch is made beforehand: the making allocates about as much as the batch itself, and
        // the collections it caused fell into the timed batches. One full collection, then the recompilations'
        // delay (100 ms, in the background; more on a loaded machine).
        var batches = Enumerable.Range(warmups, measured).Select(b => Make(b, regions.BatchStart + (b * BatchListed)).Requests).ToArray();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        await Task.Delay(500);

        var sdk = new Samples();
        var compiledBefore = JitInfo.GetCompiledMethodCount();
        var cost = new BatchCost();
        var bound = new Bound(seconds * 2, measured);
        for (var b = 0; !bound.Done(b); b++)
        {
            var requests = batches[b];
            batches[b] = [];
            await RunAsync(requests, sdk, cost);
        }

        var compiledWhileMeasured = JitInfo.GetCompiledMethodCount() - compiledBefore;
        Console.WriteLine($"   methods compiled during the measured batches: {compiledWhileMeasured}");

        // The local part alone: a batch of clean subjects only (no Redis read).
        var allClean = new Samples();
        bound = new Bound(seconds, 20);
        for (var b = 0; !bound.Done(b); b++)
        {
            var requests = Enumerable.Range(0, BatchSize).Select(i => cleanRequests[((b * 7919) + i) % cleanRequests.Length]).ToArray();
            var started = Stopwatch.GetTimestamp();
            await checker.CheckManyAsync(requests);
            allClean.Add(Stopwatch.GetTimestamp() - started);
        }

        // The naive integration: one HGETALL per subject, awaited one after the other.
        var naive = new Samples();
        bound = new Bound(seconds * 3, 3);
        for (var b = 0; !bound.Done(b); b++)
        {
            var subjects = Make(100 + b, regions.BatchStart + (b * BatchListed)).Subjects;
            var found = 0;
            var started = Stopwatch.GetTimestamp();
            foreach (var subject in subjects)
            {
                found += (await db.HashGetAllAsync(key(subject))).Length > 0 ? 1 : 0;
            }

            naive.Add(Stopwatch.GetTimestamp() - started);
            if (found != BatchListed)
            {
                throw new InvalidOperationException($"The naive batch found {found} listed subjects, not {BatchListed}.");
            }
        }

        // The same, pipelined: all 10,000 HGETALLs sent, then awaited together.
        var pipelined = new Samples();
        bound = new Bound(seconds * 2, 10);
        for (var b = 0; !bound.Done(b); b++)
        {
            var subjects = Make(200 + b, regions.BatchStart + ((b % 3) * BatchListed)).Subjects;
            var started = Stopwatch.GetTimestamp();
            var pending = new Task<HashEntry[]>[subjects.Length];
            for (var i = 0; i < subjects.Length; i++)
            {
                pending[i] = db.HashGetAllAsync(key(subjects[i]));
            }

            var all = await Task.WhenAll(pending);
            pipelined.Add(Stopwatch.GetTimestamp() - started);
            var found = all.Count(f => f.Length > 0);
            if (found != BatchListed)
            {
                throw new InvalidOperationException($"The pipelined batch found {found} listed subjects, not {BatchListed}.");
            }
        }

        return new BatchResult(sdk, cost, allClean, naive, pipelined, warmups, compiledWhileMeasured);
    }

    // ---- the filter ----

    private sealed record FalsePositiveResult(long Positives, long Listed, double Rate, bool Fresh);

    private static FalsePositiveResult FalsePositives(RedisCreditStore store, SubjectId[] probes)
    {
        var freshBefore = store.Status.IsFresh;
        long positives = 0, listed = 0;
        foreach (var probe in probes)
        {
            var lookup = LookupNow(store, probe);
            positives += lookup.Source == LookupSource.LocalFilter ? 0 : 1;
            listed += lookup.Entries.Count > 0 ? 1 : 0;
        }

        var fresh = freshBefore && store.Status.IsFresh;
        return new FalsePositiveResult(positives, listed, (double)positives / probes.Length, fresh);
    }

    /// <summary>The same rate from a filter built here from the first <paramref name="listed"/> listed subjects'
    /// fingerprints, as a cross-check (the rate depends on the bits per key, not on how many keys).</summary>
    private static double RebuiltFalsePositiveRate(SubjectKeys keys, int listed, SubjectId[] probes)
    {
        var filter = new SplitBlockBloomFilter(listed);
        for (var i = 0; i < listed; i++)
        {
            filter.Add(keys.Fingerprint(ListedData.Subject(i)));
        }

        return (double)probes.Count(p => filter.MayContain(keys.Fingerprint(p))) / probes.Length;
    }

    // ---- propagation ----

    /// <summary><paramref name="All"/>: from the upsert until every host answers the entry (the slowest host);
    /// <paramref name="EachHost"/>: every host's own delay, one sample per host and upsert.</summary>
    /// <paramref name="SlowUpserts"/>: upsert calls over <see cref="SlowUpsert"/>; <paramref name="SlowUpsertsWithGc"/>: of
    /// those, the ones during which this process collected gen1 or gen2 (the 20 hosts share one process here, so
    /// one host's collection pauses all of them and the publisher); <paramref name="GcPause"/>: the process's GC
    /// pause time over the whole stage; <paramref name="Ping"/>: a bare PING on another connection between samples, after a
    /// pause as an upsert gets: the floor any Redis round trip has at that moment (a stall of the server or the machine shows here as well).</summary>
    private sealed record PropagationResult(Samples All, Samples EachHost, Samples Upsert, long Timeouts, int SlowUpserts, int SlowUpsertsWithGc, TimeSpan GcPause, int Gen2Collections, int Collections, long AllocatedBytes, Samples Ping, int SlowPings);

    private static readonly long SlowUpsert = 5 * Stopwatch.Frequency / 1000;

    private static PropagationResult Propagation(RedisCreditPublisher publisher, RedisCreditStore[] hosts, IServer pingNode, double seconds)
    {
        var ping = new Samples(PropagationSamples);
        var slowPings = 0;
        var all = new Samples(PropagationSamples);
        var eachHost = new Samples(PropagationSamples * hosts.Length);
        var upsert = new Samples(PropagationSamples);
        var random = new Random(7);
        long timeouts = 0;
        var limit = (long)(2.0 * Stopwatch.Frequency);
        var bound = new Bound(seconds, PropagationSamples);
        var seen = new long[hosts.Length];
        int slow = 0, slowWithGc = 0;
        var pauseBefore = GC.GetTotalPauseDuration();
        var gen2Before = GC.CollectionCount(2);
        var gen0Before = GC.CollectionCount(0);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; !bound.Done(i); i++)
        {
            var subject = SyntheticIds.Company(SyntheticIds.Ranges.PropagationCompanies + i);
            var record = new ListRecord(subject, ListedData.Entry(PropagationList, $"p{i:D6}", SubjectKind.LegalEntity, i));
            if (hosts.Any(h => LookupNow(h, subject).Entries.Count > 0))
            {
                throw new InvalidOperationException($"Subject {subject} is listed before its upsert.");
            }

            // Every host has applied the previous upsert, and nothing else writes: this one is the next sequence.
            var expected = hosts[0].Status.Sequence + 1;
            long written = 0;
            var gen1 = GC.CollectionCount(1);
            var started = Stopwatch.GetTimestamp();
            var call = publisher.UpsertAsync(record).ContinueWith(
                t =>
                {
                    written = Stopwatch.GetTimestamp();
                    return t;
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default).Unwrap();

            // One thread watches every host's applied sequence (a field read, no Redis call, no allocation: the watching
            // itself must not make the garbage whose collections would pause the hosts it measures), so it sees each host
            // within microseconds of its applying the change; whether each then answers the entry is checked after.
            Array.Clear(seen);
            var waiting = hosts.Length;
            var spinner = default(SpinWait);
            while (waiting > 0 && Stopwatch.GetTimestamp() - started <= limit)
            {
                for (var h = 0; h < hosts.Length; h++)
                {
                    if (seen[h] == 0 && hosts[h].AppliedSequence >= expected)
                    {
                        seen[h] = Stopwatch.GetTimestamp();
                        waiting--;
                    }
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }

            var sequence = call.GetAwaiter().GetResult();
            upsert.Add(written - started);
            if (written - started > SlowUpsert)
            {
                slow++;
                slowWithGc += GC.CollectionCount(1) != gen1 ? 1 : 0;
            }

            if (sequence != expected)
            {
                throw new InvalidOperationException($"The upsert was committed as sequence {sequence}, not {expected}: something else writes to the namespace.");
            }

            if (waiting == 0 && hosts.FirstOrDefault(h => LookupNow(h, subject).Entries.Count == 0) is { } blind)
            {
                throw new InvalidOperationException($"A host applied sequence {expected} but does not answer {subject} as listed: {blind.Status.LastError}");
            }

            if (waiting > 0)
            {
                timeouts++;
                all.Add(limit);
            }
            else
            {
                all.Add(seen.Max() - started);
            }

            foreach (var at in seen)
            {
                eachHost.Add(at == 0 ? limit : at - started);
            }

            // Between samples, outside their time, one bare round trip after the same kind of pause as an upsert's: on
            // this machine a 10 GB Redis's first request after an idle pause is the one that stalls (the next is not).
            Thread.Sleep(random.Next(5, 25));
            var pingStarted = Stopwatch.GetTimestamp();
            pingNode.Ping();
            var pingTicks = Stopwatch.GetTimestamp() - pingStarted;
            ping.Add(pingTicks);
            slowPings += pingTicks > SlowUpsert ? 1 : 0;

            // Writes arrive independently of the feed's poll timer.
            Thread.Sleep(random.Next(5, 25));
        }

        return new PropagationResult(all, eachHost, upsert, timeouts, slow, slowWithGc, GC.GetTotalPauseDuration() - pauseBefore, GC.CollectionCount(2) - gen2Before, GC.CollectionCount(0) - gen0Before, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, ping, slowPings);
    }

    /// <summary>The figures, in the order they were measured.</summary>
    internal sealed class Results
    {
        private readonly List<KeyValuePair<string, object>> _items = [];

        public IReadOnlyList<KeyValuePair<string, object>> Items => _items;

        public void Add(string key, double value) => _items.Add(new(key, value));

        public void Add(string key, string value) => _items.Add(new(key, value));

        public double Get(string key) =>
            _items.FirstOrDefault(i => i.Key == key).Value is double value ? value : double.NaN;

        public override string ToString() => string.Join(", ", _items.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Key}={i.Value}")));
    }
}
