using System.Diagnostics;
using System.Globalization;
using CreditCheck.Benchmarks.Support;
using CreditCheck.Redis;
using CreditCheck.Stores;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace CreditCheck.Benchmarks.Compare;

/// <summary>
/// <c>propagation-diag</c> (temporary): the compare harness's propagation stage with every sample taken apart —
/// the publisher's commands through StackExchange.Redis's profiler, Redis's main thread (CPU, run-queue wait,
/// page faults from /proc), this process's GC, thread pool and threads' run-queue wait — in several variants
/// over one import: watcher spinning or blocked, hosts' idle poll on or off, 20 or 2 hosts.
/// </summary>
internal static class PropagationDiagnosis
{
    private sealed record Variant(string Watcher, TimeSpan Poll, int Hosts, bool ActiveRehashing)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"watcher {Watcher}, poll {Poll.TotalSeconds:0.#} s, {Hosts} hosts, activerehashing {(ActiveRehashing ? "yes" : "no")}");
    }

    private sealed class Sample
    {
        public double UpsertMs, AllMs, PreambleMs, AfterMs;
        public int Commands;
        public double CreateToEnqueued, EnqueuedToSending, SentToResponse, ResponseToCompletion;
        public string CommandNames = "";
        public double RedisCpuMs, RedisWaitMs, SelfWaitMs, SelfCpuMs;
        public long RedisSlices, RedisMinorFaults, SelfMinorFaults;
        public int Gen0, Gen1, Gen2, MaxPending, Threads;
        public double GcPauseMs;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        int listed = 100_000, samples = 200;
        var variants = new List<Variant>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--listed": listed = int.Parse(args[++i].Replace("_", ""), CultureInfo.InvariantCulture); break;
                case "--samples": samples = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--variants":
                    foreach (var v in args[++i].Split(','))
                    {
                        var p = v.Split(':');
                        variants.Add(new Variant(p[0], TimeSpan.FromSeconds(double.Parse(p[1], CultureInfo.InvariantCulture)), int.Parse(p[2], CultureInfo.InvariantCulture), p.Length < 4 || p[3] != "norehash"));
                    }

                    break;
                default: throw new ArgumentException($"unknown {args[i]}");
            }
        }

        if (variants.Count == 0)
        {
            variants.Add(new Variant("spin", TimeSpan.FromSeconds(1), 20, true));
        }

        var server = await RedisServer.StartAsync(["--enable-debug-command", "local"]);
        var hosts = new List<Sdk>();
        TimeSpan? hostPoll = null;
        ConnectionMultiplexer? admin = null, publisherMux = null;
        RedisCreditPublisher? publisher = null;
        try
        {
            var configuration = server.Configuration;
            admin = await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true,syncTimeout=120000,asyncTimeout=120000");
            var redis = admin.GetServers()[0];
            var pid = int.Parse(Info(await redis.InfoAsync("server"), "process_id")!, CultureInfo.InvariantCulture);
            Console.WriteLine($"redis {server.Version} pid {pid} port {server.Port}; {Environment.ProcessorCount} cores; this process {Environment.ProcessId}");

            var options = Sdk.PublisherOptions(configuration);
            publisherMux = await ConnectionMultiplexer.ConnectAsync(options.Configuration!);
            ProfilingSession? session = null;
            publisherMux.RegisterProfiler(() => Volatile.Read(ref session));
            publisher = await RedisCreditPublisher.ConnectAsync(options, publisherMux);
            var rate = await Sdk.PublishAsync(publisher, listed);
            Console.WriteLine($"imported {listed:N0} at {rate:N0} rows/s; used_memory {Info(await redis.InfoAsync("memory"), "used_memory_human")}; main dict {await HtStatsAsync(redis)}");
            var persistence = await redis.InfoAsync("persistence");
            var stats = await redis.InfoAsync("stats");
            Console.WriteLine($"persistence: aof_enabled {Info(persistence, "aof_enabled")}, rdb_bgsave_in_progress {Info(persistence, "rdb_bgsave_in_progress")}, rdb_changes_since_last_save {Info(persistence, "rdb_changes_since_last_save")}, "
                + $"total_forks {Info(stats, "total_forks")}; save '{(await redis.ConfigGetAsync("save")).FirstOrDefault().Value}', appendonly {(await redis.ConfigGetAsync("appendonly")).FirstOrDefault().Value}, "
                + $"activerehashing {(await redis.ConfigGetAsync("activerehashing")).FirstOrDefault().Value}, hz {(await redis.ConfigGetAsync("hz")).FirstOrDefault().Value}");

            var offset = 0;
            foreach (var variant in variants)
            {
                if (hostPoll != variant.Poll || hosts.Count < variant.Hosts)
                {
                    if (hostPoll != variant.Poll)
                    {
                        foreach (var h in hosts)
                        {
                            await h.DisposeAsync();
                        }

                        hosts.Clear();
                    }

                    hostPoll = variant.Poll;
                    var poll = variant.Poll;
                    var started = Stopwatch.StartNew();
                    while (hosts.Count < variant.Hosts)
                    {
                        hosts.Add(await Sdk.StartRedisAsync(configuration, o => o.PollInterval = poll));
                    }

                    Console.WriteLine($"   started hosts in {started.Elapsed.TotalSeconds:N1} s");
                }

                while (hosts.Count > variant.Hosts)
                {
                    await hosts[^1].DisposeAsync();
                    hosts.RemoveAt(hosts.Count - 1);
                }

                await redis.ConfigSetAsync("activerehashing", variant.ActiveRehashing ? "yes" : "no");
                Console.WriteLine($"   main dict before: {await HtStatsAsync(redis)}");
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                await Task.Delay(1500);
                await redis.ExecuteAsync("CONFIG", "RESETSTAT");
                var slowlog = await SlowLog.StartAsync(admin, null);
                var load = File.ReadAllText("/proc/loadavg").Trim();
                var clock = DateTime.UtcNow;
                if (variant.Watcher == "ping")
                {
                    var db = admin.GetDatabase();
                    var pings = RunOnThread(() => PingLoop(db, samples * 5, pid));
                    Console.WriteLine();
                    Console.WriteLine($"== PING alone, every 5–25 ms, {variant} ({pings.Count} pings, from {clock:HH:mm:ss} UTC, loadavg before {load})");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   PING p50 {Pct(pings.Select(p => p.Ms), 50):N3} p99 {Pct(pings.Select(p => p.Ms), 99):N3} max {Pct(pings.Select(p => p.Ms), 100):N3} ms; over 5 ms: {pings.Count(p => p.Ms > 5)}; their Redis CPU (ms): {string.Join(", ", pings.Where(p => p.Ms > 5).Select(p => p.RedisCpuMs.ToString("N1", CultureInfo.InvariantCulture)))}"));
                    await slowlog.ReadAsync();
                    Console.WriteLine($"   main dict after: {await HtStatsAsync(redis)}");
                    continue;
                }

                var measured = RunOnThread(() => Loop(publisher, [.. hosts.Select(h => h.RedisStore!)], variant, samples, offset, pid, s => Volatile.Write(ref session, s)));
                offset += measured.Count;
                var slow = await slowlog.ReadAsync();
                var commandStats = await redis.InfoAsync("commandstats");
                var statsAfter = await redis.InfoAsync("stats");
                Console.WriteLine();
                Console.WriteLine($"== {variant} ({measured.Count} samples, from {clock:HH:mm:ss} UTC, loadavg before {load}, after {File.ReadAllText("/proc/loadavg").Trim()})");
                Console.WriteLine($"   Redis slow log ≥ 1 ms: {slow.Count} (slowest {slow.SlowestMilliseconds:N2} ms{slow.SlowestCommand}); latency events: {(slowlog.Events.Length == 0 ? "none" : slowlog.Events)}; total_forks {Info(statsAfter, "total_forks")}");
                Console.WriteLine("   commandstats: " + string.Join("; ", commandStats.SelectMany(g => g).OrderByDescending(p => Usec(p.Value)).Take(8).Select(p => $"{p.Key} {p.Value}")));
                Report(measured);
                Console.WriteLine($"   main dict after: {await HtStatsAsync(redis)}");
            }

            return 0;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"propagation-diag failed: {e}");
            return 1;
        }
        finally
        {
            foreach (var h in hosts)
            {
                await h.DisposeAsync();
            }

            if (publisher is not null)
            {
                await publisher.DisposeAsync();
            }

            publisherMux?.Dispose();
            admin?.Dispose();
            await server.DisposeAsync();
        }
    }

    /// <summary>DEBUG HTSTATS 0, the main dict's tables on one line (two tables while it rehashes).</summary>
    private static async Task<string> HtStatsAsync(IServer redis)
    {
        var text = (string?)await redis.ExecuteAsync("DEBUG", "HTSTATS", "0") ?? "";
        return string.Join(" | ", text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Hash table", StringComparison.Ordinal) || l.StartsWith("table size", StringComparison.Ordinal) || l.StartsWith("number of elements", StringComparison.Ordinal) || l.Contains("Rehash", StringComparison.OrdinalIgnoreCase)).Take(12));
    }

    private static long Usec(string value)
    {
        var at = value.IndexOf("usec=", StringComparison.Ordinal);
        return at < 0 ? 0 : long.Parse(value[(at + 5)..value.IndexOf(',', at)], CultureInfo.InvariantCulture);
    }

    private static string? Info(IGrouping<string, KeyValuePair<string, string>>[] info, string key) =>
        info.SelectMany(g => g).FirstOrDefault(p => p.Key == key).Value;

    private static List<Sample> Loop(RedisCreditPublisher publisher, RedisCreditStore[] hosts, Variant variant, int count, int offset, int redisPid, Action<ProfilingSession?> setSession)
    {
        var result = new List<Sample>(count);
        var random = new Random(7);
        var limit = 2 * Stopwatch.Frequency;
        var seen = new long[hosts.Length];
        var redisTask = $"/proc/{redisPid}/task/{redisPid}/schedstat";
        var redisStat = $"/proc/{redisPid}/stat";
        for (var i = 0; i < count; i++)
        {
            var subject = SyntheticIds.Company(SyntheticIds.Ranges.PropagationCompanies + offset + i);
            var record = new ListRecord(subject, ListedData.Entry("court-dishonest-debtors", $"d{offset + i:D6}", SubjectKind.LegalEntity, i));
            var expected = hosts[0].AppliedSequence + 1;
            var session = new ProfilingSession();
            setSession(session);
            var (rCpu0, rWait0, rSlices0) = SchedStat(redisTask);
            var rFault0 = MinorFaults(redisStat);
            var (sWait0, sCpu0) = SelfSched();
            var sFault0 = MinorFaults("/proc/self/stat");
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            var pause0 = GC.GetTotalPauseDuration();
            var maxPending = 0;
            long written = 0;
            var startedUtc = DateTime.UtcNow;
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
            Array.Clear(seen);
            var waiting = hosts.Length;
            if (variant.Watcher == "block")
            {
                // The upsert first, without a thread spinning beside it; the hosts after (their times are late by that).
                call.Wait();
            }

            var spinner = default(SpinWait);
            var n = 0;
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

                if ((++n & 63) == 0)
                {
                    maxPending = Math.Max(maxPending, (int)ThreadPool.PendingWorkItemCount);
                }

                if (variant.Watcher == "spin")
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
                else
                {
                    Thread.Sleep(1);
                }
            }

            call.GetAwaiter().GetResult();
            var end = Stopwatch.GetTimestamp();
            var (rCpu1, rWait1, rSlices1) = SchedStat(redisTask);
            var rFault1 = MinorFaults(redisStat);
            var (sWait1, sCpu1) = SelfSched();
            var sFault1 = MinorFaults("/proc/self/stat");
            setSession(null);
            var commands = session.FinishProfiling().ToList();
            var s = new Sample
            {
                UpsertMs = Ms(written - started),
                AllMs = waiting > 0 ? double.NaN : Ms(seen.Max() - started),
                Commands = commands.Count,
                CommandNames = string.Join(' ', commands.Select(c => c.Command)),
                CreateToEnqueued = commands.Sum(c => c.CreationToEnqueued.TotalMilliseconds),
                EnqueuedToSending = commands.Sum(c => c.EnqueuedToSending.TotalMilliseconds),
                SentToResponse = commands.Sum(c => c.SentToResponse.TotalMilliseconds),
                ResponseToCompletion = commands.Sum(c => c.ResponseToCompletion.TotalMilliseconds),
                RedisCpuMs = (rCpu1 - rCpu0) / 1e6,
                RedisWaitMs = (rWait1 - rWait0) / 1e6,
                RedisSlices = rSlices1 - rSlices0,
                RedisMinorFaults = rFault1 - rFault0,
                SelfWaitMs = (sWait1 - sWait0) / 1e6,
                SelfCpuMs = (sCpu1 - sCpu0) / 1e6,
                SelfMinorFaults = sFault1 - sFault0,
                Gen0 = GC.CollectionCount(0) - g0,
                Gen1 = GC.CollectionCount(1) - g1,
                Gen2 = GC.CollectionCount(2) - g2,
                GcPauseMs = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds,
                MaxPending = maxPending,
                Threads = ThreadPool.ThreadCount,
            };
            if (commands.Count > 0)
            {
                var first = commands.MinBy(c => c.CommandCreated)!;
                var last = commands.MaxBy(c => c.CommandCreated + c.ElapsedTime)!;
                s.PreambleMs = (first.CommandCreated - startedUtc).TotalMilliseconds;
                s.AfterMs = s.UpsertMs - (last.CommandCreated + last.ElapsedTime - startedUtc).TotalMilliseconds;
            }

            _ = end;
            result.Add(s);
            Thread.Sleep(random.Next(5, 25));
        }

        return result;
    }

    private static double Pct(IEnumerable<double> v, double p)
    {
        var a = v.OrderBy(x => x).ToArray();
        return a.Length == 0 ? double.NaN : a[Math.Clamp((int)Math.Ceiling(p / 100 * a.Length) - 1, 0, a.Length - 1)];
    }

    private static List<(double Ms, double RedisCpuMs)> PingLoop(IDatabase db, int count, int redisPid)
    {
        var random = new Random(3);
        var task = $"/proc/{redisPid}/task/{redisPid}/schedstat";
        var result = new List<(double, double)>(count);
        for (var i = 0; i < count; i++)
        {
            var (cpu0, _, _) = SchedStat(task);
            var started = Stopwatch.GetTimestamp();
            db.Ping();
            var ms = Ms(Stopwatch.GetTimestamp() - started);
            var (cpu1, _, _) = SchedStat(task);
            result.Add((ms, (cpu1 - cpu0) / 1e6));
            Thread.Sleep(random.Next(5, 25));
        }

        return result;
    }

    private static void Report(List<Sample> samples)
    {
        var slow = samples.Where(s => s.UpsertMs > 5).ToList();
        var fast = samples.Where(s => s.UpsertMs <= 5).ToList();
        double P(IEnumerable<double> v, double p)
        {
            var a = v.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
            return a.Length == 0 ? double.NaN : a[Math.Clamp((int)Math.Ceiling(p / 100 * a.Length) - 1, 0, a.Length - 1)];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   upsert p50 {P(samples.Select(s => s.UpsertMs), 50):N2} p99 {P(samples.Select(s => s.UpsertMs), 99):N2} max {P(samples.Select(s => s.UpsertMs), 100):N2} ms; all hosts p50 {P(samples.Select(s => s.AllMs), 50):N2} p99 {P(samples.Select(s => s.AllMs), 99):N2} ms; calls over 5 ms: {slow.Count}; commands per call {string.Join('/', samples.Select(s => s.CommandNames).Distinct())}"));
        string Row(string name, Func<Sample, double> f) => string.Create(CultureInfo.InvariantCulture,
            $"   {name,-26} fast p50 {P(fast.Select(f), 50),8:N3} p90 {P(fast.Select(f), 90),8:N3} | slow p50 {P(slow.Select(f), 50),8:N3} max {P(slow.Select(f), 100),8:N3}");
        Console.WriteLine(Row("upsert ms", s => s.UpsertMs));
        Console.WriteLine(Row("before command created ms", s => s.PreambleMs));
        Console.WriteLine(Row("creation→enqueued ms", s => s.CreateToEnqueued));
        Console.WriteLine(Row("enqueued→sending ms", s => s.EnqueuedToSending));
        Console.WriteLine(Row("sent→response ms", s => s.SentToResponse));
        Console.WriteLine(Row("response→completion ms", s => s.ResponseToCompletion));
        Console.WriteLine(Row("completion→continuation ms", s => s.AfterMs));
        Console.WriteLine(Row("redis cpu ms (window)", s => s.RedisCpuMs));
        Console.WriteLine(Row("redis runq wait ms", s => s.RedisWaitMs));
        Console.WriteLine(Row("redis slices", s => s.RedisSlices));
        Console.WriteLine(Row("redis minor faults", s => s.RedisMinorFaults));
        Console.WriteLine(Row("self threads runq wait ms", s => s.SelfWaitMs));
        Console.WriteLine(Row("self threads cpu ms", s => s.SelfCpuMs));
        Console.WriteLine(Row("self minor faults", s => s.SelfMinorFaults));
        Console.WriteLine(Row("gc pause ms", s => s.GcPauseMs));
        Console.WriteLine(Row("gen0 collections", s => s.Gen0));
        Console.WriteLine(Row("thread pool max pending", s => s.MaxPending));
        Console.WriteLine(Row("thread pool threads", s => s.Threads));
        foreach (var s in slow.OrderByDescending(s => s.UpsertMs).Take(12))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   slow: upsert {s.UpsertMs:N2} all {s.AllMs:N2} | pre {s.PreambleMs:N2} c→e {s.CreateToEnqueued:N2} e→s {s.EnqueuedToSending:N2} s→r {s.SentToResponse:N2} r→c {s.ResponseToCompletion:N2} after {s.AfterMs:N2} | redis cpu {s.RedisCpuMs:N2} wait {s.RedisWaitMs:N2} slices {s.RedisSlices} flt {s.RedisMinorFaults} | self wait {s.SelfWaitMs:N2} cpu {s.SelfCpuMs:N2} flt {s.SelfMinorFaults} | gc {s.Gen0}/{s.Gen1}/{s.Gen2} {s.GcPauseMs:N2} ms pending {s.MaxPending} threads {s.Threads}"));
        }
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static (long Cpu, long Wait, long Slices) SchedStat(string path)
    {
        var p = File.ReadAllText(path).Split(' ');
        return (long.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[1], CultureInfo.InvariantCulture), long.Parse(p[2], CultureInfo.InvariantCulture));
    }

    private static (long Wait, long Cpu) SelfSched()
    {
        long wait = 0, cpu = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var (c, w, _) = SchedStat(Path.Combine(task, "schedstat"));
                wait += w;
                cpu += c;
            }
            catch (IOException)
            {
                // the thread ended
            }
        }

        return (wait, cpu);
    }

    private static long MinorFaults(string statPath)
    {
        var text = File.ReadAllText(statPath);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // minflt (field 10 of stat) + 1,000,000 × majflt (field 12): a major fault shows as millions.
        return long.Parse(fields[7], CultureInfo.InvariantCulture) + (1_000_000 * long.Parse(fields[9], CultureInfo.InvariantCulture));
    }

    private static T RunOnThread<T>(Func<T> work)
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
        }) { IsBackground = true, Name = "diag" };
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException(failure.Message, failure);
    }
}
