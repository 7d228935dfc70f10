using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>The Redis store's own promises, against a real redis-server: propagation, resync,
/// freshness, corrupt data, secrets, and staged imports. Written once, run on one server
/// (<see cref="RedisStoreTests"/>) and on a cluster (<see cref="RedisClusterStoreTests"/>).</summary>
public abstract class RedisStoreSuite
{
    protected abstract IRedisDeployment Redis { get; }

    protected static ICreditChecker Checker(ICreditStore store, CreditCheckOptions? options = null) =>
        new CreditChecker(store, Options.Create(options ?? new CreditCheckOptions()), TimeProvider.System);

    private static async Task<DecisionOutcome> EventuallyAsync(ICreditChecker checker, SubjectId subject, string scenario, DecisionOutcome expected, int timeoutMs = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var outcome = (await checker.CheckAsync(new CheckRequest(subject, scenario))).Outcome;
            if (outcome == expected || DateTime.UtcNow > deadline)
            {
                return outcome;
            }

            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task TwoSdks_ListingRepairAndCatalogChange_ReachBoth()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var first = Checker(await harness.StartStoreAsync());
        var second = Checker(await harness.StartStoreAsync());
        Assert.Equal(DecisionOutcome.Clear, (await first.CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"))).Outcome);

        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        Assert.Equal(DecisionOutcome.Denied, await EventuallyAsync(first, Subjects.Tencent, "procurement", DecisionOutcome.Denied));
        Assert.Equal(DecisionOutcome.Denied, await EventuallyAsync(second, Subjects.Tencent, "procurement", DecisionOutcome.Denied));

        await harness.Publisher.SetStatusAsync(Subjects.Tencent, "debtors", "d-1", EntryStatus.Repaired, "信用修复");
        Assert.Equal(DecisionOutcome.Clear, await EventuallyAsync(first, Subjects.Tencent, "procurement", DecisionOutcome.Clear));
        Assert.Equal(DecisionOutcome.Clear, await EventuallyAsync(second, Subjects.Tencent, "procurement", DecisionOutcome.Clear));

        var next = global::CreditCheck.Catalog.CreditCatalog.Parse(TestCatalog.Json.Replace("\"test-1\"", "\"test-2\"", StringComparison.Ordinal));
        await harness.Publisher.PublishCatalogAsync(next);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        string v1, v2;
        do
        {
            v1 = (await first.CheckAsync(new CheckRequest(Subjects.Huawei, "licensing"))).CatalogVersion;
            v2 = (await second.CheckAsync(new CheckRequest(Subjects.Huawei, "licensing"))).CatalogVersion;
        }
        while ((v1 != "test-2" || v2 != "test-2") && DateTime.UtcNow < deadline);

        Assert.Equal(("test-2", "test-2"), (v1, v2));
    }

    [Fact]
    public async Task CleanSubject_WhenFresh_IsAnsweredLocallyWithoutARoundTrip()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync();
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        await RedisHarness.WaitForAsync(store, await harness.Publisher.GetSequenceAsync());

        var clean = await Checker(store).CheckAsync(new CheckRequest(Subjects.Huawei, "procurement"));
        var listed = await Checker(store).CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
        var again = await Checker(store).CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionPath.LocalFilter, clean.Path);
        Assert.Equal(DecisionPath.Store, listed.Path);
        Assert.Equal(DecisionPath.Cache, again.Path);
        Assert.Equal(DecisionOutcome.Denied, again.Outcome);
    }

    [Fact]
    public async Task TrimmedChangeLog_StoreBehindIt_ResyncsAndSeesEveryChange()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis, configure: o => o.ChangeLogLength = 100);
        var store = await harness.StartStoreAsync();
        store.PauseFeed(true);

        var people = Enumerable.Range(0, 150).Select(SyntheticIds.Person).ToArray();
        foreach (var person in people)
        {
            await harness.Publisher.UpsertAsync(TestRecords.Debt(person, "p"));
        }

        var sequence = await harness.Publisher.GetSequenceAsync();
        store.PauseFeed(false);
        await RedisHarness.WaitForAsync(store, sequence);

        var lookups = await store.LookupManyAsync(people);
        Assert.All(lookups, l => Assert.Single(l.Entries));
    }

    [Fact]
    public async Task ImportCommittedAndCollected_BeforeTheHostAppliedIt_StillAnswersListed()
    {
        // Found by the cluster failover-import test: a replace import commits and at once collects the superseded
        // fields; a host that has not applied the commit yet selected fields by its own (older) generations and
        // answered subjects whose entry changed id as not listed. It must read them with the node's generations.
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var people = Enumerable.Range(0, 20).Select(SyntheticIds.Person).ToArray();
        await harness.Publisher.ImportListAsync("debtors", people.Select(p => TestRecords.Debt(p, "a")), ImportMode.Replace);
        var store = await harness.StartStoreAsync();
        var checker = Checker(store);
        Assert.Equal(DecisionOutcome.Denied, (await checker.CheckAsync(new CheckRequest(people[0], "procurement"))).Outcome);
        store.PauseFeed(true);

        await harness.Publisher.ImportListAsync("debtors", people.Select(p => TestRecords.Debt(p, "b")), ImportMode.Replace);

        var single = await checker.CheckAsync(new CheckRequest(people[1], "procurement"));
        var batch = await checker.CheckManyAsync([.. people.Skip(2).Select(p => new CheckRequest(p, "procurement"))]);
        var lookup = await store.LookupAsync(people[1]);

        Assert.Equal(DecisionOutcome.Denied, single.Outcome);
        Assert.All(batch, d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
        Assert.Equal("b", Assert.Single(lookup.Entries).Entry.EntryId);
        store.PauseFeed(false);
    }

    [Fact]
    public async Task StaleStore_RechecksLocalNegativesInRedis()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync(new CreditCheckOptions { MaxStaleness = TimeSpan.FromMilliseconds(300) });
        store.PauseFeed(true);
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Alibaba, "d-9"));
        await Task.Delay(400);

        var decision = await Checker(store).CheckAsync(new CheckRequest(Subjects.Alibaba, "procurement"));
        var batch = await Checker(store).CheckManyAsync([new CheckRequest(Subjects.Huawei, "procurement"), new CheckRequest(Subjects.Alibaba, "procurement")]);

        Assert.Equal(DecisionPath.Store, decision.Path);
        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.True(decision.DataAge < TimeSpan.FromMilliseconds(300)); // read from Redis just now
        Assert.False(store.Status.IsFresh);

        // A batch rules nobody out by the stale filter either: both are read from Redis.
        Assert.All(batch, d => Assert.Equal(DecisionPath.Store, d.Path));
        Assert.Equal([DecisionOutcome.Clear, DecisionOutcome.Denied], batch.Select(d => d.Outcome));
    }

    [Fact]
    public async Task CorruptEntryInRedis_IsReportedUnreadable_NeverClear()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailOpen });
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        await RedisHarness.WaitForAsync(store, await harness.Publisher.GetSequenceAsync());

        using var direct = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var keys = new RedisKeys(harness.Namespace);
        var subjectKey = new SubjectKeys(System.Text.Encoding.UTF8.GetBytes(RedisHarness.Secret)).StorageKey(Subjects.Tencent);
        var field = (await direct.GetDatabase().HashKeysAsync(keys.Entries(subjectKey))).Single();
        await direct.GetDatabase().HashSetAsync(keys.Entries(subjectKey), field, "{\"entryId\": 42, broken");

        var decision = await Checker(store).CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        var unreadable = Assert.Single(decision.UnreadableEntries);
        Assert.Equal("debtors/d-1", unreadable.Field);
        Assert.Contains("invalid JSON", unreadable.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptBytesAndFieldNames_InABatch_AreUnreadable_WhileTheRestIsDecided()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync();
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Huawei, "d-2"));
        await RedisHarness.WaitForAsync(store, await harness.Publisher.GetSequenceAsync());

        using var direct = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var db = direct.GetDatabase();
        var key = new RedisKeys(harness.Namespace).Entries(new SubjectKeys(System.Text.Encoding.UTF8.GetBytes(RedisHarness.Secret)).StorageKey(Subjects.Tencent));
        var field = (await db.HashKeysAsync(key)).Single();
        await db.HashSetAsync(key, field, new byte[] { 0x7B, 0xFF, 0xFE, 0x7D }); // "{", invalid UTF-8, "}"
        await db.HashSetAsync(key, "debtors\tno-generation", "{}");
        await db.HashSetAsync(key, "debtors\td-9\t-1", "{}");

        var decisions = await Checker(store).CheckManyAsync(
            [new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Alibaba, "procurement"), new CheckRequest(Subjects.Huawei, "procurement")]);

        Assert.Equal(DecisionOutcome.Review, decisions[0].Outcome);
        Assert.Equal(3, decisions[0].UnreadableEntries.Count);
        Assert.Contains(decisions[0].UnreadableEntries, u => u.Field == "debtors/d-1" && u.Reason.Contains("invalid JSON", StringComparison.Ordinal));
        Assert.Contains(decisions[0].UnreadableEntries, u => u.Field == "debtors\tno-generation" && u.Reason.Contains("list⇥entryId⇥generation", StringComparison.Ordinal));
        Assert.Contains(decisions[0].UnreadableEntries, u => u.Field == "debtors\td-9\t-1");
        Assert.Equal(DecisionOutcome.Clear, decisions[1].Outcome);
        Assert.Equal(DecisionOutcome.Denied, decisions[2].Outcome);
    }

    [Theory]
    [InlineData("string")]
    [InlineData("list")]
    public async Task SubjectKeyOfTheWrongType_IsNamedUnreadable_AloneAndInABatch_WhileTheRestIsDecided(string type)
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync(new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailOpen });
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1"));
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Huawei, "d-2"));
        await RedisHarness.WaitForAsync(store, await harness.Publisher.GetSequenceAsync());

        // Someone overwrote the listed subject's entry hash with another kind of value.
        using var direct = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var db = direct.GetDatabase();
        var key = new RedisKeys(harness.Namespace).Entries(new SubjectKeys(System.Text.Encoding.UTF8.GetBytes(RedisHarness.Secret)).StorageKey(Subjects.Tencent));
        await db.KeyDeleteAsync(key);
        _ = type == "string" ? await db.StringSetAsync(key, "garbage") : await db.ListRightPushAsync(key, "garbage") > 0;

        var one = await Checker(store).CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));
        var batch = await Checker(store).CheckManyAsync(
            [new CheckRequest(Subjects.Tencent, "procurement"), new CheckRequest(Subjects.Alibaba, "procurement"), new CheckRequest(Subjects.Huawei, "procurement")]);

        foreach (var decision in new[] { one, batch[0] })
        {
            Assert.Equal(DecisionOutcome.Review, decision.Outcome); // never Clear
            var unreadable = Assert.Single(decision.UnreadableEntries);
            Assert.Equal(key, unreadable.Field);
            Assert.Equal($"expected a hash of the subject's entries, found a {type} (WRONGTYPE)", unreadable.Reason);
        }

        Assert.Equal(DecisionOutcome.Clear, batch[1].Outcome);
        Assert.Equal(DecisionOutcome.Denied, batch[2].Outcome);
        Assert.Contains(key, store.Status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretMismatch_FailsTheSdkAndThePublisherAtStart()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var wrong = RedisHarness.Options(Redis, harness.Namespace, secret: "another-secret-0123456789");
        await using var store = new RedisCreditStore(wrong, new CreditCheckOptions(), null, TimeProvider.System, null);

        var sdkError = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => store.StartAsync());
        var publisherError = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => RedisCreditPublisher.ConnectAsync(wrong));

        Assert.Contains("different secret", sdkError.Message, StringComparison.Ordinal);
        Assert.Contains("different secret", publisherError.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("another-secret", sdkError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamespaceWithoutData_StartReturnsNotReady_AndChecksAreDegradedPerPolicy()
    {
        var options = RedisHarness.Options(Redis, "empty" + Guid.NewGuid().ToString("N")[..8], o => o.StartupTimeout = TimeSpan.FromMilliseconds(300));
        await using var store = new RedisCreditStore(options, new CreditCheckOptions(), null, TimeProvider.System, null);

        await store.StartAsync();
        var decision = await Checker(store).CheckAsync(new CheckRequest(Subjects.Tencent, "procurement"));

        Assert.False(store.Status.IsSynchronized);
        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Equal(DecisionPath.Policy, decision.Path);
        Assert.Contains("no data yet", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Contains($"'{options.Namespace}'", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Contains("database 0", decision.DegradedReason, StringComparison.Ordinal);
        Assert.Contains("typo", decision.DegradedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_StagedDataIsInvisibleUntilTheSwitch()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis, configure: o => o.ImportChunkSize = 1);
        var store = await harness.StartStoreAsync();
        await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Subjects.Tencent, "old")], ImportMode.Replace);
        SubjectLookup? midway = null;

        IEnumerable<ListRecord> Records()
        {
            yield return TestRecords.Debt(Subjects.Alibaba, "new-1");
            yield return TestRecords.Debt(Subjects.Huawei, "new-2");

            // Two chunks are staged now; readers must still see only the old list.
            midway = store.LookupAsync(Subjects.Alibaba).AsTask().GetAwaiter().GetResult();
            yield return TestRecords.Debt(Subjects.Person, "new-3");
        }

        var summary = await harness.Publisher.ImportListAsync("debtors", Records(), ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, summary.Sequence);

        Assert.Empty(midway!.Value.Entries);
        Assert.Single((await store.LookupAsync(Subjects.Alibaba)).Entries);
        Assert.Empty((await store.LookupAsync(Subjects.Tencent)).Entries);
        Assert.Equal((3, 1), (summary.Added, summary.Removed));
    }

    [Fact]
    public async Task Import_Abandoned_LeavesNoVisibleTraceAndTheNextImportCollectsIt()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis, configure: o => o.ImportChunkSize = 1);
        await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Subjects.Tencent, "kept")], ImportMode.Replace);

        static IEnumerable<ListRecord> Dies()
        {
            yield return TestRecords.Debt(Subjects.Alibaba, "half-1");
            yield return TestRecords.Debt(Subjects.Huawei, "half-2");
            throw new IOException("killed");
        }

        await Assert.ThrowsAsync<IOException>(() => harness.Publisher.ImportListAsync("debtors", Dies(), ImportMode.Replace));
        await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Subjects.Tencent, "kept")], ImportMode.Replace);

        using var direct = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var keys = await Redis.KeysAsync($"cc:{{{harness.Namespace}}}:*");
        Assert.DoesNotContain(keys, k => k.Contains(":stage:", StringComparison.Ordinal));
        var subjectKeys = new SubjectKeys(System.Text.Encoding.UTF8.GetBytes(RedisHarness.Secret));
        Assert.DoesNotContain(keys, k => k.EndsWith(subjectKeys.StorageKey(Subjects.Alibaba), StringComparison.Ordinal));
        Assert.Single(await direct.GetDatabase().HashKeysAsync(new RedisKeys(harness.Namespace).Entries(subjectKeys.StorageKey(Subjects.Tencent))));
    }

    [Fact]
    public async Task SingleChanges_AfterImports_AreSeenAndImportsStillReplaceThem()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync();
        await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Subjects.Tencent, "a")], ImportMode.Replace);
        await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Subjects.Tencent, "a"), TestRecords.Debt(Subjects.Alibaba, "b")], ImportMode.Replace);

        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Huawei, "c"));
        await harness.Publisher.SetStatusAsync(Subjects.Alibaba, "debtors", "b", EntryStatus.Repaired, "修复");
        await RedisHarness.WaitForAsync(store, await harness.Publisher.GetSequenceAsync());

        Assert.Equal("c", Assert.Single((await store.LookupAsync(Subjects.Huawei)).Entries).Entry.EntryId);
        Assert.Equal(EntryStatus.Repaired, Assert.Single((await store.LookupAsync(Subjects.Alibaba)).Entries).Entry.Status);

        var summary = await harness.Publisher.ImportListAsync("debtors", [TestRecords.Debt(Subjects.Alibaba, "b")], ImportMode.Replace);
        await RedisHarness.WaitForAsync(store, summary.Sequence);

        Assert.Equal((0, 1, 0, 2), (summary.Added, summary.Updated, summary.Unchanged, summary.Removed));
        Assert.Empty((await store.LookupAsync(Subjects.Huawei)).Entries);
        Assert.Empty((await store.LookupAsync(Subjects.Tencent)).Entries);
        Assert.Equal(EntryStatus.Active, Assert.Single((await store.LookupAsync(Subjects.Alibaba)).Entries).Entry.Status);
    }

    [Fact]
    public async Task Import_SingleEntryChangeToTheListMeanwhile_RefusesToCommitAndKeepsBoth()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis, configure: o => o.ImportChunkSize = 1);
        var store = await harness.StartStoreAsync();

        IEnumerable<ListRecord> Records()
        {
            yield return TestRecords.Debt(Subjects.Alibaba, "import-1");
            harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "single-1")).GetAwaiter().GetResult();
            yield return TestRecords.Debt(Subjects.Huawei, "import-2");
        }

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => harness.Publisher.ImportListAsync("debtors", Records(), ImportMode.Replace));
        await RedisHarness.WaitForAsync(store, await harness.Publisher.GetSequenceAsync());

        Assert.Contains("Run the import again", error.Message, StringComparison.Ordinal);
        Assert.Single((await store.LookupAsync(Subjects.Tencent)).Entries);
        Assert.Empty((await store.LookupAsync(Subjects.Alibaba)).Entries);
    }

    [Fact]
    public async Task Upsert_AfterAnotherPublisherChangedTheCatalog_IsValidatedAgainstTheNewOne()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1")); // keeps catalog test-1
        await using var other = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(Redis, harness.Namespace));
        var renamed = global::CreditCheck.Catalog.CreditCatalog.Parse(TestCatalog.Json
            .Replace("\"test-1\"", "\"test-2\"", StringComparison.Ordinal)
            .Replace("\"debtors\"", "\"dishonest\"", StringComparison.Ordinal));
        await other.PublishCatalogAsync(renamed);

        // The kept catalog allows 'debtors'; the script finds the catalog changed, and the new one refuses it.
        await Assert.ThrowsAsync<ListEntryException>(() => harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Alibaba, "d-2")));

        // A list only the new catalog has is accepted.
        var dishonest = TestRecords.Debt(Subjects.Alibaba, "d-3");
        dishonest = dishonest with { Entry = dishonest.Entry with { ListCode = "dishonest" } };
        var sequence = await harness.Publisher.UpsertAsync(dishonest);
        var store = await harness.StartStoreAsync();
        await RedisHarness.WaitForAsync(store, sequence);
        Assert.Equal("dishonest", Assert.Single((await store.LookupAsync(Subjects.Alibaba)).Entries).Entry.ListCode);
    }

    [Fact]
    public async Task Upsert_ToAListOnlyANewerCatalogHas_ReadsTheCatalogAgain()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        await harness.Publisher.UpsertAsync(TestRecords.Debt(Subjects.Tencent, "d-1")); // keeps catalog test-1
        await using var other = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(Redis, harness.Namespace));
        await other.PublishCatalogAsync(global::CreditCheck.Catalog.CreditCatalog.Parse(TestCatalog.Json
            .Replace("\"test-1\"", "\"test-2\"", StringComparison.Ordinal)
            .Replace("\"debtors\"", "\"dishonest\"", StringComparison.Ordinal)));

        // Refused by the kept catalog, so the publisher reads the published one, which allows it.
        var dishonest = TestRecords.Debt(Subjects.Alibaba, "d-3");
        dishonest = dishonest with { Entry = dishonest.Entry with { ListCode = "dishonest" } };
        Assert.True(await harness.Publisher.UpsertAsync(dishonest) > 0);
    }

    [Fact]
    public async Task Import_WhileAnotherImportOfTheListRuns_IsRefused()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis, configure: o => o.ImportChunkSize = 1);
        await using var second = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(Redis, harness.Namespace));
        Exception? concurrent = null;

        IEnumerable<ListRecord> Records()
        {
            yield return TestRecords.Debt(Subjects.Alibaba, "import-1");
            concurrent = Record.Exception(() => second.ImportListAsync("debtors", [TestRecords.Debt(Subjects.Huawei, "x")], ImportMode.Merge).GetAwaiter().GetResult());
            yield return TestRecords.Debt(Subjects.Huawei, "import-2");
        }

        await harness.Publisher.ImportListAsync("debtors", Records(), ImportMode.Replace);

        Assert.IsAssignableFrom<InvalidOperationException>(concurrent);
        Assert.Contains("Another import of list 'debtors' is running", concurrent!.Message, StringComparison.Ordinal);
    }
}

/// <summary>The suite on one redis-server, and what only one server can show (its command counts).</summary>
public sealed class RedisStoreTests(RedisFixture redis) : RedisStoreSuite, IClassFixture<RedisFixture>
{
    protected override IRedisDeployment Redis => redis.Server;

    [Fact]
    public async Task CheckMany_BatchOfListedSubjects_ReadsEachHashOnceWithNoScript()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var people = Enumerable.Range(0, 200).Select(SyntheticIds.Person).ToArray();
        await harness.Publisher.ImportListAsync("debtors", people.Append(SyntheticIds.Person(900)).Append(SyntheticIds.Person(901)).Select(p => TestRecords.Debt(p, "p")), ImportMode.Replace);
        var store = await harness.StartStoreAsync();
        await Checker(store).CheckManyAsync([new CheckRequest(SyntheticIds.Person(900), "procurement"), new CheckRequest(SyntheticIds.Person(901), "procurement")]);
        var before = await CallsAsync();

        var decisions = await Checker(store).CheckManyAsync([.. people.Select(p => new CheckRequest(p, "procurement"))]);
        var after = await CallsAsync();

        Assert.All(decisions, d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
        Assert.Equal(200, after.HashReads - before.HashReads); // one HGETALL each, pipelined …
        Assert.Equal(0, after.Scripts - before.Scripts);       // … not looped in a script (Redis copies every field into Lua and back)
    }

    [Fact]
    public async Task CheckMany_LargeBatchProbedInTwoHalves_DecidesEverySubjectInItsPlace()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var listed = Enumerable.Range(0, 12).Select(n => SyntheticIds.Company(n)).ToArray();
        await harness.Publisher.ImportListAsync("debtors", listed.Select(c => TestRecords.Debt(c, "c")), ImportMode.Replace);
        var store = await harness.StartStoreAsync();

        // 6,000 subjects (probed in two halves from 4,096 on), the listed ones spread over both halves and
        // at their edges.
        var subjects = Enumerable.Range(1_000, 6_000).Select(SyntheticIds.Person).ToArray();
        int[] at = [0, 1, 2_999, 3_000, 3_001, 5_999, 100, 2_000, 4_000, 4_500, 5_000, 5_500];
        for (var k = 0; k < at.Length; k++)
        {
            subjects[at[k]] = listed[k];
        }

        var requests = subjects.Select(s => new CheckRequest(s, "procurement")).ToArray();
        var decisions = await Checker(store).CheckManyAsync(requests);

        Assert.Equal(requests.Length, decisions.Count);
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Same(requests[i], decisions[i].Request);
            Assert.Equal(at.Contains(i) ? DecisionOutcome.Denied : DecisionOutcome.Clear, decisions[i].Outcome);
        }
    }

    private async Task<(long HashReads, long Scripts)> CallsAsync()
    {
        var info = await redis.Server.CommandAsync("INFO", "commandstats");
        long Calls(string command)
        {
            var line = info.Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        }

        // StackExchange.Redis 3.x may send a read-only script as EVALSHA_RO.
        return (Calls("hgetall"), Calls("evalsha") + Calls("eval") + Calls("evalsha_ro") + Calls("eval_ro"));
    }
}

/// <summary>The suite on a Redis Cluster of 3 primaries and 3 replicas.</summary>
public sealed class RedisClusterStoreTests(RedisClusterFixture cluster) : RedisStoreSuite, IClassFixture<RedisClusterFixture>
{
    protected override IRedisDeployment Redis => cluster.Cluster;
}
