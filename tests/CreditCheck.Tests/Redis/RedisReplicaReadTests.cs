using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>
/// <see cref="RedisReadPreference.PreferReplica"/> against a real primary and a real replica: current replicas
/// serve the listed lookups, a replica behind the host's sequence is not trusted (the primary answers), and a
/// dead replica costs no answer.
/// </summary>
public sealed class RedisReplicaReadTests
{
    private const int Listed = 20;
    private const int ReplicaReadsSuspendedLogged = 2130;
    private const int ReplicaReadsResumedLogged = 2131;

    private static readonly SubjectId[] People = [.. Enumerable.Range(0, Listed).Select(SyntheticIds.Person)];

    private static ICreditChecker Checker(ICreditStore store) =>
        new CreditChecker(store, Options.Create(new CreditCheckOptions()), TimeProvider.System);

    /// <summary>A store that reads through the replica; no cache (every listed lookup goes to Redis) and no
    /// poll (the feed acts on the wake-up only), so a node's counts are the lookups' own.</summary>
    private static Task<RedisCreditStore> StartStoreAsync(RedisHarness harness, RedisReplication nodes) =>
        harness.StartStoreAsync(configure: o =>
        {
            o.Configuration = nodes.Configuration;
            o.ReadPreference = RedisReadPreference.PreferReplica;
            o.CacheCapacity = 0;
            o.PollInterval = TimeSpan.FromMinutes(5);
        });

    private static async Task<long> ListAsync(RedisHarness harness)
    {
        await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        return await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
    }

    private static async Task<IReadOnlyList<CreditDecision>> CheckAllAsync(ICreditChecker checker)
    {
        var decisions = new List<CreditDecision> { await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement")) };
        decisions.AddRange(await checker.CheckManyAsync([.. People.Select(p => new CheckRequest(p, "procurement"))]));
        return decisions;
    }

    [Fact]
    public async Task CurrentReplica_ServesTheListedLookups_ThePrimaryReadsNone()
    {
        await using var nodes = await RedisReplication.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(nodes.Primary);
        var sequence = await ListAsync(harness);
        var store = await StartStoreAsync(harness, nodes);
        await RedisHarness.WaitForAsync(store, sequence);
        await nodes.WaitForReplicaAsync(harness.Namespace, sequence);
        var checker = Checker(store);
        await CheckAllAsync(checker); // loads the script on the replica
        var (primaryBefore, replicaBefore) = (await RedisReplication.CallsAsync(nodes.Primary, "hgetall"), await RedisReplication.CallsAsync(nodes.Replica, "hgetall"));

        var decisions = await CheckAllAsync(checker);

        Assert.All(decisions, d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
        Assert.All(decisions, d => Assert.False(d.IsDegraded, d.DegradedReason));
        Assert.Equal(0, await RedisReplication.CallsAsync(nodes.Primary, "hgetall") - primaryBefore);
        Assert.True(await RedisReplication.CallsAsync(nodes.Replica, "hgetall") - replicaBefore >= Listed + 1); // every subject's hash, on the replica
        Assert.Equal(0, store.Status.ReplicaReadsBehind);
        Assert.Equal(0, store.Status.ReplicaReadsFailed);
        Assert.Equal(4, store.Status.ReplicaReads); // a single check and a batch, twice
    }

    [Fact]
    public async Task ReplicaBehindTheHost_IsNotTrusted_ThePrimaryAnswers_AndCaughtUpItServesAgain()
    {
        await using var nodes = await RedisReplication.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(nodes.Primary);
        var listed = await ListAsync(harness);
        var store = await StartStoreAsync(harness, nodes);
        await RedisHarness.WaitForAsync(store, listed);
        await nodes.WaitForReplicaAsync(harness.Namespace, listed);
        var checker = Checker(store);
        Assert.All(await CheckAllAsync(checker), d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));

        // The replica falls behind for real: the repair and a new listing reach the primary and this host, not it.
        await nodes.PauseReplicationAsync();
        await harness.Publisher.SetStatusAsync(Subjects.Tencent, "debtors", "d-1", EntryStatus.Repaired, "信用修复");
        var applied = await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Alibaba, "d-2"));
        await RedisHarness.WaitForAsync(store, applied);
        Assert.True(await RedisReplication.SequenceAsync(nodes.Replica, harness.Namespace) < applied, "the replica should lag");
        var replicaBefore = await RedisReplication.CallsAsync(nodes.Replica, "hgetall");

        var repaired = await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
        var newlyListed = await checker.CheckAsync(new CheckRequest(Subjects.Alibaba, "procurement"));

        // The replica still holds the old entry and not the new one; the primary's answers are the current ones.
        Assert.Equal(DecisionOutcome.Clear, repaired.Outcome);
        Assert.False(repaired.IsDegraded, repaired.DegradedReason);
        Assert.Equal(DecisionOutcome.Denied, newlyListed.Outcome);
        Assert.True(await RedisReplication.CallsAsync(nodes.Replica, "hgetall") > replicaBefore, "the replica was asked first");
        Assert.Equal(2, store.Status.ReplicaReadsBehind);

        await nodes.ResumeReplicationAsync();
        await nodes.WaitForReplicaAsync(harness.Namespace, applied);
        var (primaryBefore, behind) = (await RedisReplication.CallsAsync(nodes.Primary, "hgetall"), store.Status.ReplicaReadsBehind);

        Assert.Equal(DecisionOutcome.Clear, (await checker.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"))).Outcome);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(Subjects.Alibaba, "procurement"))).Outcome);
        Assert.Equal(behind, store.Status.ReplicaReadsBehind);
        Assert.Equal(0, await RedisReplication.CallsAsync(nodes.Primary, "hgetall") - primaryBefore);
    }

    [Fact]
    public async Task DeadReplica_LookupsAreAnsweredByThePrimary_NeverASilentClear()
    {
        await using var nodes = await RedisReplication.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(nodes.Primary);
        var sequence = await ListAsync(harness);
        var store = await StartStoreAsync(harness, nodes);
        await RedisHarness.WaitForAsync(store, sequence);

        // The replica caught up first: a read it answers before that is rightly counted behind, not what this test is about.
        await nodes.WaitForReplicaAsync(harness.Namespace, sequence);
        var checker = Checker(store);
        Assert.All(await CheckAllAsync(checker), d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));

        await nodes.Replica.KillAsync();

        // Right after the kill the client may still send to the replica: that read fails and is redone on the primary.
        for (var round = 0; round < 5; round++)
        {
            var decisions = await CheckAllAsync(checker);
            Assert.All(decisions, d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
            Assert.All(decisions, d => Assert.False(d.IsDegraded, d.DegradedReason));
        }

        Assert.Equal(0, store.Status.ReplicaReadsBehind);
    }

    [Fact]
    public async Task HungReplica_CostsOneTimeout_ThenReadsGoToThePrimaryUntilItAnswersAgain()
    {
        await using var nodes = await RedisReplication.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(nodes.Primary);
        var sequence = await ListAsync(harness);
        var clock = new MovableClock();
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(
            RedisHarness.Options(nodes.Primary, harness.Namespace, o =>
            {
                o.Configuration = nodes.Configuration;
                o.ReadPreference = RedisReadPreference.PreferReplica;
                o.CacheCapacity = 0;
                o.PollInterval = TimeSpan.FromMinutes(5);
            }),
            new CreditCheckOptions { MaxStaleness = TimeSpan.FromDays(1) },
            null,
            clock,
            logs.Factory());

        // A back-off far longer than the test: every read after the first timeout must skip the replica.
        store.ReplicaBackoff.Initial = TimeSpan.FromMinutes(10);
        await store.StartAsync();
        await RedisHarness.WaitForAsync(store, sequence);
        await nodes.WaitForReplicaAsync(harness.Namespace, sequence);
        var checker = Checker(store);
        Assert.All(await CheckAllAsync(checker), d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
        var reads = store.Status.ReplicaReads;

        await nodes.Replica.FreezeAsync();
        try
        {
            // Ten reads (a single check and a batch, five times): the first waits out OperationTimeout on the hung
            // replica; the other nine go straight to the primary.
            for (var round = 0; round < 5; round++)
            {
                var decisions = await CheckAllAsync(checker);
                Assert.All(decisions, d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
                Assert.All(decisions, d => Assert.False(d.IsDegraded, d.DegradedReason));
            }

            Assert.Equal(1, store.Status.ReplicaReadsFailed);
            Assert.Equal(9, store.Status.ReplicaReadsBackedOff);
            Assert.Equal(reads + 1, store.Status.ReplicaReads);
            Assert.NotNull(store.Status.ReplicaBackoffUntil);
            Assert.Single(logs.Of(ReplicaReadsSuspendedLogged));
        }
        finally
        {
            await nodes.Replica.ContinueAsync();
        }

        // The back-off runs out: one read tries the replica, which answers; replica reads resume.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.All(await CheckAllAsync(checker), d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));

        Assert.Null(store.Status.ReplicaBackoffUntil);
        Assert.Equal(1, store.Status.ReplicaReadsFailed);
        Assert.Equal(9, store.Status.ReplicaReadsBackedOff);
        Assert.Equal(reads + 3, store.Status.ReplicaReads);
        Assert.Single(logs.Of(ReplicaReadsResumedLogged));
    }

    [Fact]
    public void Backoff_GrowsWhileRetriesFail_IsCapped_LetsOneReadRetryAtATime_AndEndsOnSuccess()
    {
        var clock = new MovableClock();
        var backoff = new ReplicaBackoff(clock) { Initial = TimeSpan.FromSeconds(1), Maximum = TimeSpan.FromSeconds(3) };
        Assert.True(backoff.TryUseReplica(out var probing));
        Assert.False(probing);

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Failed(clock.GetUtcNow()));
        Assert.False(backoff.TryUseReplica(out _));
        var lengths = new List<TimeSpan>();
        for (var retry = 0; retry < 3; retry++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.True(backoff.TryUseReplica(out probing));
            Assert.True(probing);
            Assert.False(backoff.TryUseReplica(out _)); // one retry at a time
            var now = clock.GetUtcNow();
            Assert.Null(backoff.Failed(now)); // grown, not started: logged once
            backoff.EndProbe(probing);
            lengths.Add(backoff.Until!.Value - now);
        }

        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], lengths);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(backoff.TryUseReplica(out probing));
        Assert.True(backoff.Succeeded());
        backoff.EndProbe(probing);
        Assert.Null(backoff.Until);
        Assert.False(backoff.Succeeded());
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Failed(clock.GetUtcNow())); // reset: starts from the first length again
    }

    /// <summary>The system clock moved on at will (timers stay real), to let a back-off run out without waiting.</summary>
    private sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
    }

    [Fact]
    public void ReadPreference_BindsFromConfiguration_AndAnUnknownValueIsRefused()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CreditCheck:Redis:ReadPreference"] = "PreferReplica" })
            .Build();
        var options = new RedisStoreOptions { Configuration = "127.0.0.1:6379", Secret = RedisHarness.Secret };
        configuration.GetSection("CreditCheck:Redis").Bind(options);

        Assert.Equal(RedisReadPreference.PreferReplica, options.ReadPreference);
        Assert.Equal(RedisReadPreference.Primary, new RedisStoreOptions().ReadPreference);

        options.ReadPreference = (RedisReadPreference)7;
        var refused = Assert.Throws<OptionsValidationException>(() => new RedisCreditStore(options));
        Assert.Contains("RedisStoreOptions.ReadPreference is 7", refused.Message, StringComparison.Ordinal);
    }
}
