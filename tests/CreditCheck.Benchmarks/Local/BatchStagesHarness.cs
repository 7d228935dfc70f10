using System.Diagnostics;
using System.Globalization;
using CreditCheck.Benchmarks.Support;
using CreditCheck.Redis;
using CreditCheck.Stores;

namespace CreditCheck.Benchmarks.Local;

/// <summary>
/// <c>batch-stages [--listed N] [--rounds R] [--warmup W] [--only TEXT]</c>: where the time of a 10,000-subject batch goes, stage
/// by stage, on one redis-server on a free loopback port (N listed subjects, default 20,000). After W warm-up
/// rounds (default 40), each stage runs over the same 10,000 clean subjects R times (default 30) in alternating
/// order, so all see the same load;
/// the figures are the median and the fastest round in ms, the process CPU time per batch (less disturbed by
/// other processes on a loaded machine), the bytes allocated per batch and the gen2 collections. The stages add up: the fingerprint (SipHash of the id, and of the embedded
/// 组织机构代码), the filter probe, the store's whole batch lookup, the checker's whole batch (decisions
/// included); then the compare harness's batch (100 listed and cold, 9,900 clean) and the 100 cold listed
/// subjects alone (the one Redis read). <c>--only</c> runs the stages whose name contains TEXT (for a profiler).
/// </summary>
internal static class BatchStagesHarness
{
    private const int BatchSize = 10_000;
    private const int BatchListed = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var listed = 20_000;
        var rounds = 30;
        var warmup = 40;
        string? only = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--listed": listed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--only": only = args[i + 1]; break;
                default: throw new ArgumentException($"Unknown option {args[i]}; batch-stages takes --listed N, --rounds R, --warmup W and --only TEXT.");
            }
        }

        var batchesNeeded = (rounds + warmup) * 2;
        if (listed < batchesNeeded * BatchListed)
        {
            throw new ArgumentException($"--listed must be at least {batchesNeeded * BatchListed} for {rounds} rounds (each cold batch takes {BatchListed} listed subjects never read before).");
        }

        await using var server = await RedisServer.StartAsync();
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(Sdk.PublisherOptions(server.Configuration)))
        {
            await Sdk.PublishAsync(publisher, listed);
        }

        await using var sdk = await Sdk.StartRedisAsync(server.Configuration);
        var clean = Enumerable.Range(0, BatchSize)
            .Select(n => SyntheticIds.Mixed(n, SyntheticIds.Ranges.CleanCompanies, SyntheticIds.Ranges.CleanPersons))
            .ToArray();
        var cleanRequests = clean.Select(s => new CheckRequest(s, ListedData.Scenario)).ToArray();
        using var keys = Sdk.NaiveKeys();
        var filter = new SplitBlockBloomFilter(listed);
        for (var i = 0; i < listed; i++)
        {
            filter.Add(keys.Fingerprint(ListedData.Subject(i)));
        }

        // Every cold batch is made beforehand (the making allocates more than the batch itself): 100 listed
        // subjects never read before, alone or shuffled among 9,900 clean ones.
        var random = new Random(10_000);
        var nextListed = 0;
        (CheckRequest[] Requests, SubjectId[] Subjects) Cold(bool withClean)
        {
            var picked = new List<SubjectId>(BatchSize);
            for (var i = 0; i < BatchListed; i++)
            {
                picked.Add(ListedData.Subject(nextListed++));
            }

            if (withClean)
            {
                picked.AddRange(clean.Take(BatchSize - BatchListed));
            }

            var shuffled = picked.OrderBy(_ => random.Next()).ToArray();
            return ([.. shuffled.Select(s => new CheckRequest(s, ListedData.Scenario))], shuffled);
        }

        var coldListed = new Queue<SubjectId[]>(Enumerable.Range(0, rounds + warmup).Select(_ => Cold(false).Subjects));
        var coldMixed = new Queue<CheckRequest[]>(Enumerable.Range(0, rounds + warmup).Select(_ => Cold(true).Requests));

        var stages = new (string Name, Func<ValueTask> Run)[]
        {
            ("fingerprint (SipHash of id + embedded org code)", () =>
            {
                ulong sink = 0;
                foreach (var subject in clean)
                {
                    sink ^= keys.Fingerprint(subject);
                    if (subject.EmbeddedOrganizationCode is { } org)
                    {
                        sink ^= keys.Fingerprint(org);
                    }
                }

                GC.KeepAlive(sink);
                return ValueTask.CompletedTask;
            }),
            ("fingerprint of the id + filter probe", () =>
            {
                var hits = 0;
                foreach (var subject in clean)
                {
                    hits += filter.MayContain(keys.Fingerprint(subject)) ? 1 : 0;
                }

                GC.KeepAlive(hits);
                return ValueTask.CompletedTask;
            }),
            ("store LookupManyAsync, all clean", async () => await sdk.Store.LookupManyAsync(clean)),
            ("checker CheckManyAsync, all clean", async () => await sdk.Checker.CheckManyAsync(cleanRequests)),
            ("store LookupManyAsync, 100 cold listed only (the Redis read)", async () => await sdk.Store.LookupManyAsync(coldListed.Dequeue())),
            ("checker CheckManyAsync, 100 cold listed + 9,900 clean", async () => await sdk.Checker.CheckManyAsync(coldMixed.Dequeue())),
        };

        if (only is not null)
        {
            // One stage alone (its name contains the text): for a profiler, whose samples then all belong to it.
            stages = [.. stages.Where(s => s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))];
        }

        // Warm-up: as many rounds as are measured, so the batch path runs tier-1 code (a method is recompiled
        // optimized after 30 calls, in the background, later still on a loaded machine) and not what the
        // first calls of a process run.
        for (var r = 0; r < warmup; r++)
        {
            foreach (var stage in stages)
            {
                await stage.Run();
            }
        }

        await Task.Delay(500); // the background recompilation's delay (100 ms), with room on a loaded machine

        var times = stages.Select(_ => new List<double>()).ToArray();
        var bytes = new long[stages.Length];
        var cpu = new TimeSpan[stages.Length];
        var gen2 = new int[stages.Length];
        using var process = Process.GetCurrentProcess();
        for (var r = 0; r < rounds; r++)
        {
            for (var s = 0; s < stages.Length; s++)
            {
                var allocated = GC.GetTotalAllocatedBytes(precise: false);
                var collections = GC.CollectionCount(2);
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                await stages[s].Run();
                times[s].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                process.Refresh();
                cpu[s] += process.TotalProcessorTime - cpuBefore;
                bytes[s] += GC.GetTotalAllocatedBytes(precise: false) - allocated;
                gen2[s] += GC.CollectionCount(2) - collections;
            }
        }

        // CPU time (every thread of the process, GC included) is less disturbed by other processes than the
        // wall time on a loaded machine: it does not count the time the process waited for a core.
        Console.WriteLine($"| stage ({rounds} rounds of {BatchSize:N0} subjects, {listed:N0} listed) | median ms | fastest ms | process CPU ms per batch | bytes allocated per batch | gen2 GCs |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (var s = 0; s < stages.Length; s++)
        {
            times[s].Sort();
            var median = times[s][times[s].Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {stages[s].Name} | {median:F2} | {times[s][0]:F2} | {cpu[s].TotalMilliseconds / rounds:F2} | {bytes[s] / rounds:N0} | {gen2[s]} |"));
        }

        return 0;
    }
}
