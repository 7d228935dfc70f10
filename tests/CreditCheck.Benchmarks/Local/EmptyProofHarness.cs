using System.Diagnostics;
using System.Globalization;
using CreditCheck.Benchmarks.Support;
using CreditCheck.Redis;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Benchmarks.Local;

/// <summary>
/// <c>empty-proof [--listed N] [--rounds R]</c>: what proving an empty read costs (issue 12) — a subject the local
/// filter holds whose entry hash reads empty is proven against the lists' filter sources (one read-only script, O(N))
/// and, in a list with removals, against the list's index (HSCAN MATCH in pages). On one redis-server on a free
/// loopback port with N listed subjects (default 1,000,000), the cache off so every lookup reads Redis, in R
/// alternating rounds (default 10): a listed subject's lookup (one HGETALL: the plain check that reads Redis, the
/// baseline), a clean subject the filter rules out (local), a true filter false positive (HGETALL, then ruled out by the
/// proof filter; and, with the proof filter off, HGETALL + the proof script), and a
/// subject removed from the largest list (HGETALL + the proof + its removed set; the index search only for a removal the set does not know). Per stage: median and fastest
/// lookup in ms, the ratio of the medians against the baseline, and Redis's own time per lookup (INFO commandstats:
/// the scripts', HGETALL's and HSCAN's microseconds over the stage; the idle poll's few scripts are included).
/// </summary>
internal static class EmptyProofHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var listed = 1_000_000;
        var rounds = 10;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--listed": listed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}; empty-proof takes --listed N and --rounds R.");
            }
        }

        await using var server = await RedisServer.StartAsync();
        var published = Stopwatch.GetTimestamp();
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(Sdk.PublisherOptions(server.Configuration)))
        {
            await Sdk.PublishAsync(publisher, listed);

            // Subject 0 leaves the largest list: that list now has a removal, so its fingerprints prove no one listed.
            var removedEntry = ListedData.Entry("court-dishonest-debtors", $"{0:D8}", ListedData.Subject(0).Kind, 0).EntryId;
            if (!await publisher.RemoveAsync(ListedData.Subject(0), "court-dishonest-debtors", removedEntry))
            {
                throw new InvalidOperationException("subject 0 was not on court-dishonest-debtors");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{listed:N0} listed published in {Stopwatch.GetElapsedTime(published).TotalSeconds:F1} s"));
        await using var sdk = await Sdk.StartRedisAsync(server.Configuration, o => o.CacheCapacity = 0);
        var store = sdk.RedisStore!;
        store.UnsearchableFor = TimeSpan.Zero; // every lookup of the removed subject searches (bounded by the operation timeout)
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true");
        var redis = admin.GetServers()[0];

        const int PerRound = 20;
        var falsePositives = Enumerable.Range(0, 10_000_000)
            .Select(n => SyntheticIds.Mixed(n, SyntheticIds.Ranges.CleanCompanies, SyntheticIds.Ranges.CleanPersons))
            .Where(store.FilterHolds).Take(PerRound).ToArray();
        var ruledOut = Enumerable.Range(0, 10_000_000)
            .Select(n => SyntheticIds.Mixed(n, SyntheticIds.Ranges.ProbeCompanies, SyntheticIds.Ranges.ProbePersons))
            .Where(s => !store.FilterHolds(s)).Take(PerRound).ToArray();
        var listedSubjects = Enumerable.Range(1, PerRound).Select(ListedData.Subject).ToArray();
        SubjectId[] removed = [ListedData.Subject(0)];

        var stages = new (string Name, SubjectId[] Subjects, bool ProofFilter, Func<SubjectLookup, bool> Expected)[]
        {
            ("listed: one HGETALL (baseline)", listedSubjects, true, l => l.Entries.Count > 0),
            // Read from Redis instead (Store) only while the feed is late past MaxStaleness: counted in the table.
            ("clean, ruled out by the filter (local)", ruledOut, true, l => l.Entries.Count == 0 && l.Source is LookupSource.LocalFilter or LookupSource.Store),
            ("filter false positive: HGETALL, ruled out by the proof filter", falsePositives, true, l => l.Source == LookupSource.Store && l.Entries.Count == 0),
            // Store when proven in time, Unavailable (degraded) when the proof ran past the operation timeout.
            ("filter false positive, proof filter off: HGETALL + proof script", falsePositives, false, l => l.Entries.Count == 0 && l.Source is LookupSource.Store or LookupSource.Unavailable),
            // Clear when the index search ends within the operation timeout (2 s), degraded (Unavailable) when it does not.
            ("removed from the largest list: HGETALL + proof script + its removed set (SISMEMBER)", removed, true, l => l.Entries.Count == 0 && l.Source is LookupSource.Store or LookupSource.Unavailable),
        };

        // Warm-up: one round of each, and every answer checked once.
        foreach (var stage in stages)
        {
            store.UseProofFilter = stage.ProofFilter;
            foreach (var subject in stage.Subjects)
            {
                var lookup = await store.LookupAsync(subject);
                if (!stage.Expected(lookup))
                {
                    throw new InvalidOperationException($"{stage.Name}: unexpected answer {lookup.Source}, {lookup.Entries.Count} entries, {lookup.Problem}");
                }
            }
        }

        var times = stages.Select(_ => new List<double>()).ToArray();
        var redisMicros = new double[stages.Length];
        var proofs = new long[stages.Length];
        var unavailable = new int[stages.Length];
        for (var r = 0; r < rounds; r++)
        {
            for (var s = 0; s < stages.Length; s++)
            {
                store.UseProofFilter = stages[s].ProofFilter;
                var before = RedisMicros(await redis.InfoAsync("commandstats"));
                var proofsBefore = store.EmptyReadProofs;
                foreach (var subject in stages[s].Subjects)
                {
                    var started = Stopwatch.GetTimestamp();
                    var lookup = await store.LookupAsync(subject);
                    times[s].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    unavailable[s] += lookup.Source == LookupSource.Unavailable ? 1 : 0;
                }

                proofs[s] += store.EmptyReadProofs - proofsBefore;

                redisMicros[s] += RedisMicros(await redis.InfoAsync("commandstats")) - before;
                if (s == stages.Length - 1 && r == 0)
                {
                    var last = await store.LookupAsync(removed[0]);
                    Console.WriteLine($"removed subject answered: {last.Source} {last.Problem}");
                }
            }
        }

        foreach (var list in times)
        {
            list.Sort();
        }

        var baseline = times[0][times[0].Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| lookup ({listed:N0} listed, {rounds} rounds, cache off) | lookups | median ms | fastest ms | median / baseline | Redis µs per lookup | proofs | degraded (past the timeout) |"));
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (var s = 0; s < stages.Length; s++)
        {
            var median = times[s][times[s].Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {stages[s].Name} | {times[s].Count} | {median:F3} | {times[s][0]:F3} | {median / baseline:F1} | {redisMicros[s] / times[s].Count:F0} | {proofs[s]} | {unavailable[s]} |"));
        }

        return 0;
    }

    /// <summary>Redis's own time in the commands a lookup uses: scripts, HGETALL, HSCAN (µs since the start).</summary>
    private static double RedisMicros(IGrouping<string, KeyValuePair<string, string>>[] info)
    {
        double total = 0;
        foreach (var pair in info.SelectMany(g => g))
        {
            if (pair.Key is "cmdstat_evalsha" or "cmdstat_eval" or "cmdstat_hgetall" or "cmdstat_hscan")
            {
                var usec = pair.Value.Split(',').First(p => p.StartsWith("usec=", StringComparison.Ordinal));
                total += double.Parse(usec["usec=".Length..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
