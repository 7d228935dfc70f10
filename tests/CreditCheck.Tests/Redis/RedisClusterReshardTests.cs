using System.Globalization;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>A namespace's slot moved by <c>redis-cli --cluster reshard</c> itself (the tool an operator runs),
/// while two hosts check and report feedback: every answer stays right, the hosts go on from the new node,
/// and every feedback record reported during the move reaches the stream.</summary>
public sealed class RedisClusterReshardTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    // Enough subjects that the slot's keys take many MIGRATE batches (redis-cli moves 10 keys per batch),
    // so the hosts check while the keys are split between the two nodes.
    private const int Listed = 3000;
    private RedisCluster Cluster => fixture.Cluster;

    [Theory]
    [InlineData(RedisReadPreference.Primary)]
    [InlineData(RedisReadPreference.PreferReplica)] // found from outside: listed subjects were degraded while the slot moved
    public async Task RedisCliReshard_MovesTheNamespaceSlotWhileTwoHostsCheckAndReport_NoAnswerChanges_NoFeedbackLost(RedisReadPreference preference)
    {
        // redis-cli --cluster reshard --cluster-slots N takes a source's lowest N slots. The namespace is named
        // so that its slot is the lowest its primary serves: moving one slot moves exactly the namespace (moving
        // all of a primary's slots would leave it empty, and Redis 7 then turns it into a replica).
        var (ns, source) = await NamespaceOnAFirstSlotAsync();
        var slot = RedisCluster.Slot(ns);
        var target = (await Cluster.PrimariesAsync()).First(p => p != source);
        await using var harness = await RedisHarness.CreateAsync(Cluster, ns: ns);
        await harness.Publisher.ImportListAsync("debtors", Enumerable.Range(0, Listed).Select(n => TestRecords.Debt(SyntheticIds.Person(n), "p")), ImportMode.Replace);

        var hosts = new List<(ICreditChecker Checker, CreditFeedback Feedback)>();
        var reported = new List<FeedbackRecord>();
        var wrong = new List<string>();
        var degraded = new List<string>();
        var rounds = 0;
        using var stop = new CancellationTokenSource();
        Task? checking = null;
        try
        {
            for (var h = 0; h < 2; h++)
            {
                var store = await harness.StartStoreAsync(configure: o =>
                {
                    o.CacheCapacity = 0;
                    o.ReadPreference = preference;
                });
                hosts.Add((new CreditChecker(store, Options.Create(new CreditCheckOptions()), TimeProvider.System), RedisFeedbackSuite.Feedback(store, Cluster, ns)));
            }

            checking = Task.Run(async () =>
            {
                // Bounded by count; stopped once the move is done and checked after.
                for (var i = 0; !stop.IsCancellationRequested && i < 100_000; i++, rounds++)
                {
                    foreach (var (checker, feedback) in hosts)
                    {
                        var decisions = await checker.CheckManyAsync([
                            new CheckRequest(SyntheticIds.Person((i * 7) % Listed), "procurement"),
                            new CheckRequest(SyntheticIds.Person(100_000 + i), "procurement")]);
                        if (decisions[0].Outcome != DecisionOutcome.Denied || decisions[1].Outcome != DecisionOutcome.Clear)
                        {
                            (decisions.Any(d => d.IsDegraded) ? degraded : wrong).Add(
                                $"round {i}: {decisions[0].Outcome}/{decisions[1].Outcome} ({decisions[0].DegradedReason ?? decisions[1].DegradedReason})");
                        }

                        foreach (var decision in decisions)
                        {
                            reported.AddRange(await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted()));
                        }
                    }
                }
            });

            await FeedbackData.UntilAsync(() => rounds > 20 || checking.IsCompleted, "the hosts check", 60_000);
            var before = rounds;
            var reshard = await RedisCluster.ReshardAsync(source, target, slots: 1);
            var during = rounds - before;
            Assert.True(reshard.ExitCode == 0, $"redis-cli --cluster reshard failed (exit code {reshard.ExitCode}): {reshard.Output}");
            Assert.Contains($"Moving slot {slot} from", reshard.Output, StringComparison.Ordinal);
            await EventuallyAsync(async () => await Cluster.PrimaryOfAsync(ns) == target, $"every node sees slot {slot} on {target.Port}");
            Assert.Empty(await source.KeysAsync($"cc:{{{ns}}}:*"));

            // The hosts go on, and from the new node only: the source no longer runs their reads (replicas' reads aside).
            var movedAt = rounds;
            await FeedbackData.UntilAsync(() => rounds > movedAt + 20 || checking.IsCompleted, "the hosts check after the move", 60_000);
            var (sourceReads, targetReads) = (await ReadsAsync(source), await ReadsAsync(target));
            var settledAt = rounds;
            await FeedbackData.UntilAsync(() => rounds > settledAt + 20 || checking.IsCompleted, "the hosts check from the new node", 60_000);
            if (preference == RedisReadPreference.Primary)
            {
                Assert.Equal(sourceReads, await ReadsAsync(source));
                Assert.True(await ReadsAsync(target) > targetReads, "the hosts' reads did not reach the new node");
            }

            await stop.CancelAsync();
            await checking;
            Assert.True(wrong.Count == 0, $"{wrong.Count} wrong answers: {string.Join("; ", wrong.Take(5))}");
            Assert.True(degraded.Count == 0, $"{degraded.Count} degraded answers (the README promises none): {string.Join("; ", degraded.Take(5))}");

            foreach (var (_, feedback) in hosts)
            {
                Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(30)), $"backlog {feedback.Status.Backlog}: {feedback.Status.LastError}");
            }

            var stream = (await RedisFeedbackSuite.StreamAsync(Cluster, ns)).Select(e => e.Key).ToHashSet();
            var lost = reported.Where(r => !stream.Contains(r.Key)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {reported.Count} acknowledged feedback records are not in the stream after the move");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"redis-cli moved slot {slot} {source.Port} → {target.Port}; {during} rounds of checks during the move, {rounds} in all on two hosts, every answer right; {reported.Count} feedback records, all in the stream");

            // The namespace takes changes where it lives now, and the hosts see them.
            var sequence = await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "after-reshard"));
            var late = await harness.StartStoreAsync();
            await RedisHarness.WaitForAsync(late, sequence, 30_000);
            Assert.Equal("after-reshard", Assert.Single((await late.LookupAsync(Subjects.Tencent)).Entries).Entry.EntryId);
        }
        finally
        {
            await stop.CancelAsync();
            if (checking is not null)
            {
                await checking.ContinueWith(_ => { }, TaskScheduler.Default); // its failure, if any, was asserted above
            }

            foreach (var (_, feedback) in hosts)
            {
                await feedback.DisposeAsync();
            }
        }
    }

    /// <summary>A fresh namespace whose slot is the lowest slot of the primary serving it, and that primary.</summary>
    private async Task<(string Namespace, RedisServer Primary)> NamespaceOnAFirstSlotAsync()
    {
        var firstSlots = new Dictionary<int, RedisServer>();
        foreach (var primary in await Cluster.PrimariesAsync())
        {
            firstSlots[await Cluster.FirstSlotAsync(primary)] = primary;
        }

        var prefix = "reshard" + Guid.NewGuid().ToString("N")[..6] + "-";
        for (var i = 0; i < 10_000_000; i++) // a hit comes every ~5,500 names on average
        {
            var ns = prefix + i.ToString(CultureInfo.InvariantCulture);
            if (firstSlots.TryGetValue(RedisCluster.Slot(ns), out var primary))
            {
                return (ns, primary);
            }
        }

        throw new InvalidOperationException($"No name {prefix}N lands on slot {string.Join(" or ", firstSlots.Keys)}.");
    }

    /// <summary>Polls (bounded) until the condition holds: the nodes learn a slot's new owner by gossip.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within {timeoutMs} ms: {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The reads a node has run for hosts: scripts (batch reads) and HGETALL (single lookups).</summary>
    private async Task<long> ReadsAsync(RedisServer node) =>
        await Cluster.CallsAsync(node, "evalsha") + await Cluster.CallsAsync(node, "eval") + await Cluster.CallsAsync(node, "hgetall");
}
