using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Redis;

/// <summary>
/// List data damaged in Redis — a filter source or index deleted, emptied, truncated, altered or of the
/// wrong type, a generation or manifest deleted, keys evicted — never turns a listed subject into a clean
/// one: the store names the key, degrades every "not listed" answer under the policy, and recovers when the
/// list is whole again.
/// </summary>
public sealed class RedisDamageTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly SubjectId[] People = [.. Enumerable.Range(0, 40).Select(SyntheticIds.Person)];

    private static ICreditChecker Checker(ICreditStore store) =>
        new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed }), TimeProvider.System);

    private async Task<(RedisHarness Harness, RedisCreditStore Store, LogCapture Logs)> ListedAsync()
    {
        var harness = await RedisHarness.CreateAsync(redis.Server);
        var imported = await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var logs = new LogCapture();
        var store = new RedisCreditStore(RedisHarness.Options(redis.Server, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync();
        await RedisHarness.WaitForAsync(store, imported.Sequence);
        Assert.Null(store.Status.Damage);
        return (harness, store, logs);
    }

    private static async Task<string> DamageSeenAsync(RedisCreditStore store)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.Status.Damage is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return store.Status.Damage ?? throw new TimeoutException($"no damage reported ({store.Status.LastError})");
    }

    [Fact]
    public async Task ChangesLostInAFailover_TheHostNamesThemWhenTheSequenceGoesBack()
    {
        // Found from outside: a merge import lost in a failover (the promoted replica never got it) left only
        // "Synchronized … sequence 12" in the hosts' logs, and the operator could not tell which import to run again.
        var (harness, store, logs) = await ListedAsync();
        await using var _ = harness;
        await using var __ = store;
        var ns = $"cc:{{{harness.Namespace}}}:";
        var sequence = await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "lost-in-failover"));
        await RedisHarness.WaitForAsync(store, sequence);

        // What a promoted replica that never got the write holds: the sequence and the change log before it.
        var before = (sequence - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await redis.Server.CommandAsync("SET", ns + "seq", before);
        await redis.Server.CommandAsync("ZREMRANGEBYSCORE", ns + "changes", "(" + before, "+inf");

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (logs.Of(2152).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var lost = Assert.Single(logs.Of(2152));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, lost.Level);
        Assert.Contains($"went back from change sequence {sequence}, which this host had applied, to {before}", lost.Message, StringComparison.Ordinal);
        Assert.Contains($"{sequence}: a single change on list 'debtors'", lost.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DEL", "kb", "missing or emptied")]
    [InlineData("SET-EMPTY", "kb", "missing or emptied")]
    [InlineData("TRUNCATE", "kb", "not a whole number")]
    [InlineData("TRUNCATE-WHOLE", "kb", "truncated")]
    [InlineData("WRONGTYPE", "kb", "wrong kind of value")]
    [InlineData("DEL", "l", "holds 0 entries")]
    [InlineData("DEL", "gens", "generation 0")]
    [InlineData("DEL", "manifest", "has no field for list 'debtors'")]
    public async Task DamagedListData_ListedSubjectsAreNeverClear_TheKeyIsNamed(string damage, string key, string expected)
    {
        var (harness, store, logs) = await ListedAsync();
        await using var _ = harness;
        await using var __ = store;
        var ns = $"cc:{{{harness.Namespace}}}:";
        var target = key switch
        {
            "kb" => ns + "kb:debtors",
            "l" => ns + "l:debtors",
            _ => ns + key,
        };
        switch (damage)
        {
            case "DEL":
                await redis.Server.CommandAsync("DEL", target);
                break;
            case "SET-EMPTY":
                await redis.Server.CommandAsync("SET", target, "");
                break;
            case "TRUNCATE":
                await redis.Server.CommandAsync("SETRANGE", target, "0", "x"); // keep the length, then cut it unevenly
                await redis.Server.CommandAsync("EVAL", "redis.call('SET', KEYS[1], string.sub(redis.call('GET', KEYS[1]), 1, 100)) return 1", "1", target);
                break;
            case "TRUNCATE-WHOLE":
                await redis.Server.CommandAsync("EVAL", "redis.call('SET', KEYS[1], string.sub(redis.call('GET', KEYS[1]), 1, 160)) return 1", "1", target);
                break;
            case "WRONGTYPE":
                await redis.Server.CommandAsync("DEL", target);
                await redis.Server.CommandAsync("HSET", target, "x", "y");
                break;
        }

        var reported = await DamageSeenAsync(store);
        var checker = Checker(store);
        // With a clean subject in the batch: the filter's "not listed" is not trusted there either.
        var decisions = await checker.CheckManyAsync([.. People.Select(p => new CheckRequest(p, "procurement")), new CheckRequest(Subjects.Huawei, "procurement")]);
        var one = await checker.CheckAsync(new CheckRequest(People[7], "procurement"));
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));

        Assert.Contains(expected, reported, StringComparison.Ordinal);
        Assert.Contains(key is "kb" or "l" ? target : ns, reported, StringComparison.Ordinal);
        Assert.DoesNotContain(decisions, d => d.Outcome == DecisionOutcome.Clear);
        Assert.NotEqual(DecisionOutcome.Clear, one.Outcome);
        Assert.True(clean.IsDegraded, "a clean subject is not vouched for by damaged data either");
        Assert.Equal(DecisionOutcome.Review, clean.Outcome);
        Assert.Contains("damaged", clean.DegradedReason, StringComparison.Ordinal);
        Assert.Equal(reported, store.Status.LastError);
        Assert.NotEmpty(logs.Of(2107));
        Assert.Equal(reported, ((IStoreHealth)store).Health.Damage);
    }

    [Fact]
    public async Task FingerprintsDeletedBeforeAHostStarts_ListedSubjectsAreDecidedFromTheirEntries_EvenUnderFailOpen()
    {
        // Found from outside: with a list's fingerprints deleted, a host's filter lacks its subjects, and a listed
        // subject whose entries were whole was answered by the policy (Clear under FailOpen) instead of from them.
        var (harness, running, _) = await ListedAsync();
        await using var _h = harness;
        await running.DisposeAsync();
        await redis.Server.CommandAsync("DEL", $"cc:{{{harness.Namespace}}}:kb:debtors");
        await using var store = new RedisCreditStore(RedisHarness.Options(redis.Server, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, null);
        await store.StartAsync();
        Assert.Contains("kb:debtors", await DamageSeenAsync(store), StringComparison.Ordinal);
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailOpen }), TimeProvider.System);

        var one = await checker.CheckAsync(new CheckRequest(People[7], "procurement"));
        var batch = await checker.CheckManyAsync([.. People.Select(p => new CheckRequest(p, "procurement")), new CheckRequest(Subjects.Huawei, "procurement")]);

        Assert.Equal(DecisionOutcome.Denied, one.Outcome);
        Assert.All(batch.Take(People.Length), d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
        Assert.True(batch[^1].IsDegraded, "a subject found nowhere is not vouched for by damaged data");
        Assert.Contains("damaged", batch[^1].DegradedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FingerprintsDeletedThenRedisDown_UnderLastKnown_ASubjectTheDamagedFilterLacksIsNotAnsweredNotListed()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        await server.CommandAsync("DEL", $"cc:{{{harness.Namespace}}}:kb:debtors");
        var store = await harness.StartStoreAsync(
            new CreditCheckOptions { MaxStaleness = TimeSpan.FromMilliseconds(300), OnUnavailable = UnavailablePolicy.LastKnown },
            o => o.OperationTimeout = TimeSpan.FromMilliseconds(300));
        await DamageSeenAsync(store);
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.LastKnown }), TimeProvider.System);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[7], "procurement"))).Outcome);

        await server.KillAsync();
        await Task.Delay(500); // past MaxStaleness

        // The filter built from damaged data is no "last known" answer for anyone.
        var listedNeverRead = await checker.CheckAsync(new CheckRequest(People[8], "procurement"));
        var readBefore = await checker.CheckAsync(new CheckRequest(People[7], "procurement")); // not cached: the filter lacks it
        Assert.Equal((DecisionOutcome.Review, DecisionPath.Policy), (listedNeverRead.Outcome, listedNeverRead.Path));
        Assert.Equal((DecisionOutcome.Review, DecisionPath.Policy), (readBefore.Outcome, readBefore.Path));
    }

    [Fact]
    public async Task AlteredFingerprints_SameLength_FoundAtTheNextResync()
    {
        var (harness, store, _) = await ListedAsync();
        await using var h = harness;
        await using var s = store;
        var key = $"cc:{{{harness.Namespace}}}:kb:debtors";
        await redis.Server.CommandAsync("SETRANGE", key, "0", "zzzzzzzz"); // the first subject's fingerprint, overwritten

        // An import of another list makes every store resync.
        await harness.Publisher.ImportListAsync("grade-a", [new ListRecord(Subjects.Alibaba, TestRecords.Debt(Subjects.Alibaba, "a").Entry with { ListCode = "grade-a" })], ImportMode.Replace);
        var reported = await DamageSeenAsync(store);

        Assert.Contains("altered", reported, StringComparison.Ordinal);
        Assert.NotEqual(DecisionOutcome.Clear, (await Checker(store).CheckAsync(new CheckRequest(People[0], "procurement"))).Outcome);
    }

    [Fact]
    public async Task DamagedList_ReimportedInReplaceMode_IsWholeAgainAndAnswersAsBefore()
    {
        var (harness, store, logs) = await ListedAsync();
        await using var h = harness;
        await using var s = store;
        await redis.Server.CommandAsync("DEL", $"cc:{{{harness.Namespace}}}:kb:debtors");
        await DamageSeenAsync(store);

        // The same export again: nothing changed in the entries, but the list is rebuilt because it is damaged.
        var summary = await harness.Publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.Status.Damage is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var checker = Checker(store);
        Assert.Null(store.Status.Damage);
        Assert.Equal(40, summary.Unchanged);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[3], "procurement"))).Outcome);
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));
        Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
        Assert.False(clean.IsDegraded, clean.DegradedReason);
        Assert.NotEmpty(logs.Of(2108));
    }

    [Fact]
    public async Task EvictingMaxmemoryPolicy_WarnsAndByOptionRefusesToStart()
    {
        await using var server = await RedisServer.StartAsync("--maxmemory", "500mb", "--maxmemory-policy", "allkeys-lru");
        await using var harness = await RedisHarness.CreateAsync(server);
        var logs = new LogCapture();
        await using var warned = new RedisCreditStore(RedisHarness.Options(server, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await warned.StartAsync();
        await using var strict = new RedisCreditStore(RedisHarness.Options(server, harness.Namespace, o => o.RequireNoEviction = true));

        var refused = await Assert.ThrowsAsync<EvictionPolicyException>(() => strict.StartAsync());

        Assert.True(warned.Status.IsSynchronized);
        Assert.Contains("allkeys-lru", Assert.Single(logs.Of(2110)).Message, StringComparison.Ordinal);
        Assert.Equal("allkeys-lru", refused.Policy);
        Assert.Contains("noeviction", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamespaceWithoutManifests_APublisherConnecting_AdoptsItsListsAndReadersVerifyThem()
    {
        var (harness, store, _) = await ListedAsync();
        await using var h = harness;
        await store.DisposeAsync();
        var ns = $"cc:{{{harness.Namespace}}}:";
        await redis.Server.CommandAsync("DEL", ns + "manifest");
        await redis.Server.CommandAsync("HDEL", ns + "meta", "manifest"); // as an older publisher left it

        await using var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(redis.Server, harness.Namespace));
        await using var reader = new RedisCreditStore(RedisHarness.Options(redis.Server, harness.Namespace));
        await reader.StartAsync();

        Assert.Null(reader.Status.Damage);
        Assert.Equal("1", await redis.Server.CommandAsync("HGET", ns + "meta", "manifest") is var flag ? flag.Split("\r\n")[1] : null);
        await redis.Server.CommandAsync("DEL", ns + "kb:debtors");
        Assert.Contains("kb:debtors", await DamageSeenAsync(reader), StringComparison.Ordinal);
    }

    /// <summary>Deletes every key of the harness's namespace, as a FLUSHALL (or a failover that lost them) would,
    /// without touching the other tests' namespaces on the shared server.</summary>
    /// <summary>With the store's feed paused: its connections drop and come back, as when Redis restarts (the feed takes
    /// the restore before the next poll); then the feed goes on, and the change loss it logs (2152) is waited for.</summary>
    private async Task ReconnectWhilePausedAsync(RedisCreditStore store, LogCapture logs)
    {
        var resyncs = logs.Of(2103).Count;
        await redis.Server.CommandAsync("CLIENT", "KILL", "TYPE", "normal");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!logs.Of(2103).Skip(resyncs).Any(l => l.Message.Contains("connection to Redis was restored", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains(logs.Of(2103).Skip(resyncs), l => l.Message.Contains("connection to Redis was restored", StringComparison.Ordinal));
        store.PauseFeed(false);
        deadline = DateTime.UtcNow.AddSeconds(15);
        while (logs.Of(2152).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private Task WipeNamespaceAsync(RedisHarness harness) =>
        redis.Server.CommandAsync("EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 1", "0", $"cc:{{{harness.Namespace}}}:*");

    /// <summary>Sets the namespace up again from nothing, with <paramref name="secret"/>, and lists the people; returns
    /// the sequence of the last change.</summary>
    private async Task<long> PublishAgainAsync(RedisHarness harness, string secret, bool import = true)
    {
        await using var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(redis.Server, harness.Namespace, secret: secret));
        await publisher.PublishCatalogAsync(TestCatalog.Create());
        return import ? (await publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace)).Sequence : 0;
    }

    /// <summary>Waits (bounded) until the store is synchronized without damage and has applied <paramref name="sequence"/>
    /// (it may have read the namespace anew between its catalog and its import).</summary>
    private static async Task RecoveredAsync(RedisCreditStore store, long sequence)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((store.Status.Damage is not null || !store.Status.IsSynchronized) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(store.Status.Damage is null && store.Status.IsSynchronized, $"not recovered: {store.Status.Damage ?? store.Status.LastError}");
        await RedisHarness.WaitForAsync(store, sequence, 10_000); // the sequence it held before the wipe counts only after the resync
    }

    [Fact]
    public async Task NamespaceWipedWhileRunning_ListedSubjectsAreNeverClear_AndTheHostRecoversWhenItIsSetUpAgain()
    {
        // Found from outside: after a FLUSHALL every listed subject was answered Clear from the store, not degraded.
        var (harness, store, _) = await ListedAsync();
        await using var h = harness;
        await using var s = store;
        var checker = Checker(store);

        await WipeNamespaceAsync(harness);

        // At once, before the feed's next poll: the read finds no entry, and the proof sees the namespace went back.
        var first = await checker.CheckAsync(new CheckRequest(People[7], "procurement"));
        Assert.NotEqual(DecisionOutcome.Clear, first.Outcome);
        Assert.True(first.IsDegraded, "an empty read of a wiped namespace is not a clean bill");

        var reported = await DamageSeenAsync(store);
        Assert.Contains($"Namespace '{harness.Namespace}'", reported, StringComparison.Ordinal);
        Assert.Contains("flushed, lost or replaced", reported, StringComparison.Ordinal);
        var decisions = await checker.CheckManyAsync([.. People.Select(p => new CheckRequest(p, "procurement")), new CheckRequest(Subjects.Huawei, "procurement")]);
        Assert.DoesNotContain(decisions, d => d.Outcome == DecisionOutcome.Clear);
        Assert.All(decisions, d => Assert.True(d.IsDegraded, d.DegradedReason));

        // Set up again with the right secret: the feed reads everything anew and answers as before.
        await RecoveredAsync(store, await PublishAgainAsync(harness, RedisHarness.Secret));
        var listed = await checker.CheckAsync(new CheckRequest(People[7], "procurement"));
        Assert.NotEqual(DecisionOutcome.Clear, listed.Outcome);
        Assert.False(listed.IsDegraded, listed.DegradedReason);
        Assert.True((await store.LookupAsync(People[7])).Entries.Count > 0);
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));
        Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
        Assert.False(clean.IsDegraded, clean.DegradedReason);
    }

    [Fact]
    public async Task NamespaceWipedThenOnlyItsCatalogPublished_StaysDegradedNamingTheListsToImport_UntilTheyAre()
    {
        // Found from outside: Redis came back empty, the operator ran `catalog publish` as the tool suggested, and
        // from then on every formerly listed subject was answered Clear until the lists were imported again.
        var (harness, store, _) = await ListedAsync();
        await using var h = harness;
        await using var s = store;
        var checker = new CreditChecker(store, Options.Create(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailOpen }), TimeProvider.System);
        await WipeNamespaceAsync(harness);
        await DamageSeenAsync(store);

        await PublishAgainAsync(harness, RedisHarness.Secret, import: false);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.Status.Damage?.Contains("have not been imported again", StringComparison.Ordinal) != true && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains("list(s) debtors", store.Status.Damage, StringComparison.Ordinal);
        var formerlyListed = await checker.CheckAsync(new CheckRequest(People[7], "procurement"));
        Assert.True(formerlyListed.IsDegraded, "an empty namespace set up anew does not vouch for the subjects it listed");
        Assert.Contains("debtors", formerlyListed.DegradedReason, StringComparison.Ordinal);

        await using (var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(redis.Server, harness.Namespace)))
        {
            await RecoveredAsync(store, (await publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace)).Sequence);
        }

        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[7], "procurement"))).Outcome);
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));
        Assert.False(clean.IsDegraded, clean.DegradedReason);
    }

    [Fact]
    public async Task NamespaceSetUpAgainWhileTheHostWasCutOff_TheResyncOnReconnectAwaitsTheListsItHeld()
    {
        // Found from outside: Redis restarted without persistence, the operator published the catalog again, and the
        // hosts, reading everything anew because "the connection to Redis was restored", only logged that the sequence
        // went back: every formerly listed subject was answered Clear from then on, with no damage reported. Here the
        // feed is held while the namespace is set up again, so the resync on reconnect, not a poll, is what sees it.
        var (harness, store, logs) = await ListedAsync();
        await using var h = harness;
        await using var s = store;
        var checker = Checker(store);
        var applied = store.Status.Sequence;
        store.PauseFeed(true);
        await WipeNamespaceAsync(harness);
        await PublishAgainAsync(harness, RedisHarness.Secret, import: false);

        await ReconnectWhilePausedAsync(store, logs);

        Assert.Contains($"went back from change sequence {applied}", logs.Of(2152)[0].Message, StringComparison.Ordinal);
        Assert.Contains("list(s) debtors", store.Status.Damage, StringComparison.Ordinal);
        var formerlyListed = await checker.CheckAsync(new CheckRequest(People[7], "procurement"));
        Assert.NotEqual(DecisionOutcome.Clear, formerlyListed.Outcome);
        Assert.True(formerlyListed.IsDegraded, "a namespace set up anew with only its catalog does not vouch for the subjects it listed");
        Assert.Contains("debtors", formerlyListed.DegradedReason, StringComparison.Ordinal);

        await using (var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(redis.Server, harness.Namespace)))
        {
            await RecoveredAsync(store, (await publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace)).Sequence);
        }

        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[7], "procurement"))).Outcome);
    }

    [Fact]
    public async Task NamespaceSetUpAgainAndFullyReloadedWhileTheHostWasCutOff_IsWholeWithoutAnotherImport()
    {
        // The other side of the rule above: a namespace flushed and set up anew (another epoch) holds only what was
        // imported since, so a list there at a lower generation number is not an older copy (the counter started over).
        var (harness, store, logs) = await ListedAsync();
        await using var h = harness;
        await using var s = store;
        var checker = Checker(store);
        var second = await harness.Publisher.ImportListAsync("debtors", People.Skip(1).Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, second.Sequence);
        store.PauseFeed(true);
        await WipeNamespaceAsync(harness);
        var reloaded = await PublishAgainAsync(harness, RedisHarness.Secret);
        Assert.True(reloaded < second.Sequence, "the namespace set up anew is at a lower sequence");

        await ReconnectWhilePausedAsync(store, logs);

        Assert.NotEmpty(logs.Of(2152));
        await RecoveredAsync(store, reloaded);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[7], "procurement"))).Outcome);
        Assert.False((await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"))).IsDegraded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // found by review: new changes took the sequence past the one applied before the host read again
    public async Task ImportLostToAnOlderCopy_ItsSubjectsAreNeverClear_TheImportIsNamed_UntilItIsImportedAgain(bool sequenceOvertaken)
    {
        // Found from outside on a cluster: a merge import the replica never got was lost in a failover; the list was still
        // there (its older import), so its 200,000 new subjects were answered Clear, and warning 2152 named nothing to run
        // again. Here the server the host reads goes back to the older copy a lagging replica holds (it replicates from
        // that replica for a moment), as a failover or a restore from an older copy does.
        await using var copy = await OlderCopyOnTheReplica.StartAsync();
        var (nodes, harness, older, logs, store) = (copy.Nodes, copy.Harness, copy.Older, copy.Logs, copy.Store);
        var checker = Checker(store);

        await nodes.PauseReplicationAsync();
        var lost = await harness.Publisher.ImportListAsync("debtors", People.Skip(20).Select(p => TestRecords.Debt(p, "p")), ImportMode.Merge);
        await RedisHarness.WaitForAsync(store, lost.Sequence);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[30], "procurement"))).Outcome);

        // The primary takes the replica's older copy, then serves again.
        store.PauseFeed(sequenceOvertaken);
        await nodes.PrimaryTakesTheReplicasCopyAsync(harness.Namespace, older.Sequence);
        if (sequenceOvertaken)
        {
            // Two single changes before the host reads again: the sequence passes the one it applied, and the change log
            // alone would have it apply them over the older copy.
            await using (var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(nodes.Primary, harness.Namespace)))
            {
                await publisher.UpsertAsync(TestRecords.Debt(SyntheticIds.Person(100), "later-1"));
                Assert.True(await publisher.UpsertAsync(TestRecords.Debt(SyntheticIds.Person(101), "later-2")) > lost.Sequence);
            }

            store.PauseFeed(false);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (store.Status.Damage?.Contains("went back to an older import", StringComparison.Ordinal) != true && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains("list(s) debtors went back to an older import", store.Status.Damage, StringComparison.Ordinal);
        if (!sequenceOvertaken)
        {
            // Logged by the read anew after the damage it sets (seen in CI: asserted before it was written), so waited for;
            // the first names it (a read anew that failed after logging it, the server switching roles, logs it again).
            deadline = DateTime.UtcNow.AddSeconds(15);
            while (logs.Of(2152).Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Contains($"{lost.Sequence}: an import of list 'debtors'", logs.Of(2152)[0].Message, StringComparison.Ordinal);
        }

        var fromTheLostImport = await checker.CheckAsync(new CheckRequest(People[30], "procurement"));
        Assert.NotEqual(DecisionOutcome.Clear, fromTheLostImport.Outcome);
        Assert.True(fromTheLostImport.IsDegraded, "a subject of an import lost to an older copy is not vouched for");
        Assert.Contains("debtors", fromTheLostImport.DegradedReason, StringComparison.Ordinal);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[5], "procurement"))).Outcome);

        // Imported again (the new import may take the lost one's generation number: it is not the stale one): whole.
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(nodes.Primary, harness.Namespace)))
        {
            await RecoveredAsync(store, (await publisher.ImportListAsync("debtors", People.Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace)).Sequence);
        }

        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(People[30], "procurement"))).Outcome);
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));
        Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
        Assert.False(clean.IsDegraded, clean.DegradedReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // seen in CI: a reconnect's read anew took the upserts before the change log did
    public async Task SingleChangesLostToAnOlderCopy_TheirSubjectsAreNeverClear_UntilMadeAgainOrTheListImportedAgain(bool appliedInAReadAnew)
    {
        // Found by review: warning 2152 named a lost single change, and its subject (listed by that upsert alone, so absent
        // from the filter rebuilt from the older copy) was answered Clear. Here two new listings reach the primary and not
        // its paused replica, and the primary then takes the replica's older copy, as a failover or a restore does.
        await using var copy = await OlderCopyOnTheReplica.StartAsync();
        var (nodes, harness, older, logs, store) = (copy.Nodes, copy.Harness, copy.Older, copy.Logs, copy.Store);
        var checker = Checker(store);

        await nodes.PauseReplicationAsync();
        var (first, second) = (SyntheticIds.Person(300), SyntheticIds.Person(301));
        store.PauseFeed(appliedInAReadAnew);
        await harness.Publisher.UpsertAsync(TestRecords.Debt(first, "lost-1"));
        var upserted = await harness.Publisher.UpsertAsync(TestRecords.Debt(second, "lost-2"));
        if (appliedInAReadAnew)
        {
            var reconnects = logs.Of(2103).Count;
            await nodes.Primary.CommandAsync("CLIENT", "KILL", "TYPE", "normal");
            var until = DateTime.UtcNow.AddSeconds(15);
            while (!logs.Of(2103).Skip(reconnects).Any(l => l.Message.Contains("restored", StringComparison.Ordinal)) && DateTime.UtcNow < until)
            {
                await Task.Delay(20);
            }

            store.PauseFeed(false);
        }

        await RedisHarness.WaitForAsync(store, upserted, 15_000);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(first, "procurement"))).Outcome);

        await nodes.PrimaryTakesTheReplicasCopyAsync(harness.Namespace, older.Sequence);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (store.Status.Damage?.Contains("single change(s)", StringComparison.Ordinal) != true && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(store.Status.Damage?.Contains("single change(s)", StringComparison.Ordinal) == true,
            $"damage: {store.Status.Damage}; the store's log: {string.Join(" | ", logs.Entries.Where(e => e.Id >= 2100).Select(e => $"{e.Id} {e.Message}"))}");
        foreach (var subject in (SubjectId[])[first, second])
        {
            var decision = await checker.CheckAsync(new CheckRequest(subject, "procurement"));
            Assert.NotEqual(DecisionOutcome.Clear, decision.Outcome);
            Assert.True(decision.IsDegraded, "the subject of a lost single change is not vouched for");
            Assert.Contains("single change", decision.DegradedReason, StringComparison.Ordinal);
        }

        // In a batch too, and nothing else is touched: the older copy's subjects are listed, a clean subject is clean.
        var batch = await checker.CheckManyAsync([new CheckRequest(second, "procurement"), new CheckRequest(People[5], "procurement"), new CheckRequest(Subjects.Huawei, "procurement")]);
        Assert.True(batch[0].IsDegraded && batch[0].Outcome != DecisionOutcome.Clear, $"{batch[0].Outcome}: {batch[0].DegradedReason}");
        Assert.Equal(DecisionOutcome.Denied, batch[1].Outcome);
        Assert.Equal(DecisionOutcome.Clear, batch[2].Outcome);
        Assert.False(batch[2].IsDegraded, batch[2].DegradedReason);

        await using var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(nodes.Primary, harness.Namespace));

        // The first change made again: its subject is whole; the other is still awaited.
        await RedisHarness.WaitForAsync(store, await publisher.UpsertAsync(TestRecords.Debt(first, "lost-1")), 10_000);
        var again = await checker.CheckAsync(new CheckRequest(first, "procurement"));
        Assert.Equal(DecisionOutcome.Denied, again.Outcome);
        Assert.False(again.IsDegraded, again.DegradedReason);
        Assert.True((await checker.CheckAsync(new CheckRequest(second, "procurement"))).IsDegraded);

        // The list imported again (without the second subject): whole, and the second subject is clean by that import.
        await RecoveredAsync(store, (await publisher.ImportListAsync("debtors", People.Take(20).Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace)).Sequence);
        var clean = await checker.CheckAsync(new CheckRequest(second, "procurement"));
        Assert.Equal(DecisionOutcome.Clear, clean.Outcome);
        Assert.False(clean.IsDegraded, clean.DegradedReason);
    }

    [Fact]
    public async Task NamespaceSetUpAgainWithAnotherSecret_IsDamage_AndTheFeedKeepsTryingUntilItIsRight()
    {
        // Found from outside: a secret mismatch at run time ended the change feed for good; only a restart helped.
        var (harness, store, _) = await ListedAsync();
        await using var h = harness;
        await using var s = store;
        var checker = Checker(store);

        await WipeNamespaceAsync(harness);
        await DamageSeenAsync(store);
        await PublishAgainAsync(harness, "another-secret-0123456789abcdef", import: false);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.Status.Damage?.Contains("different secret", StringComparison.Ordinal) != true && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains("different secret", store.Status.Damage, StringComparison.Ordinal);
        var clean = await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));
        Assert.True(clean.IsDegraded, "a namespace under another secret vouches for no one");
        Assert.NotEqual(DecisionOutcome.Clear, (await checker.CheckAsync(new CheckRequest(People[3], "procurement"))).Outcome);

        await WipeNamespaceAsync(harness);
        await RecoveredAsync(store, await PublishAgainAsync(harness, RedisHarness.Secret));
        Assert.True((await store.LookupAsync(People[3])).Entries.Count > 0);
        Assert.False((await checker.CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"))).IsDegraded);
    }
}

/// <summary>A primary and its replica, a namespace whose list 'debtors' holds the first 20 people on both, and a host
/// reading the primary with its log captured: the replica holds the older copy a failover would go back to.</summary>
internal sealed class OlderCopyOnTheReplica : IAsyncDisposable
{
    private OlderCopyOnTheReplica(RedisReplication nodes, RedisHarness harness, ImportSummary older, LogCapture logs, RedisCreditStore store) =>
        (Nodes, Harness, Older, Logs, Store) = (nodes, harness, older, logs, store);

    public RedisReplication Nodes { get; }

    public RedisHarness Harness { get; }

    public ImportSummary Older { get; }

    public LogCapture Logs { get; }

    public RedisCreditStore Store { get; }

    public static async Task<OlderCopyOnTheReplica> StartAsync()
    {
        var nodes = await RedisReplication.StartAsync();
        var harness = await RedisHarness.CreateAsync(nodes.Primary);
        var older = await harness.Publisher.ImportListAsync("debtors", Enumerable.Range(0, 20).Select(n => TestRecords.Debt(SyntheticIds.Person(n), "p")), ImportMode.Replace);
        await nodes.WaitForReplicaAsync(harness.Namespace, older.Sequence);
        var logs = new LogCapture();
        var store = new RedisCreditStore(RedisHarness.Options(nodes.Primary, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync();
        return new OlderCopyOnTheReplica(nodes, harness, older, logs, store);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Logs.Dispose();
        await Harness.DisposeAsync();
        await Nodes.DisposeAsync();
    }
}
