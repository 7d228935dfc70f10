using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Feedback;
using CreditCheck.Tests.Support;
using StackExchange.Redis;

namespace CreditCheck.Tests.Redis;

/// <summary>
/// Subjects' entry hashes deleted by hand or evicted by Redis under a <c>maxmemory</c> policy while their lists'
/// manifests still match: no listed subject is answered Clear; the store names the key or the evictions; verify
/// names what is missing; a replace import and a verify make the answers normal again.
/// </summary>
public sealed class RedisEvictionTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public Task DeletedEntryHash_FoundByTheIdleSample_NeverClear_VerifyAndReplaceImportRepairIt() =>
        EntryDamageScenario.RunAsync(redis.Server, (_, key) => redis.Server.CommandAsync("DEL", key));

    [Fact]
    public Task DeletedEntryHash_InAListOf50000_CheckedAtOnce_SingleAndBatchDegradedNamingTheKey_FalsePositiveAndRemovedStayClear() =>
        ExactEntryScenario.RunAsync(redis.Server, (_, key) => redis.Server.CommandAsync("DEL", key), 50_000);

    [Fact]
    public async Task EntryHashesEvictedByRedis_NoListedSubjectIsClear_StatusNamesTheEvictions_RepairedByImportAndVerify()
    {
        // LRU with a fine sample: Redis evicts what was used least recently.
        await using var server = await RedisServer.StartAsync("--maxmemory", "16mb", "--maxmemory-policy", "allkeys-lru", "--maxmemory-samples", "10");
        await using var harness = await RedisHarness.CreateAsync(server);
        var people = Enumerable.Range(0, 2000).Select(SyntheticIds.Person).ToArray();
        IEnumerable<ListRecord> Export() => people.Select(p => TestRecords.Debt(p, "p"));
        var imported = await harness.Publisher.ImportListAsync("debtors", Export(), ImportMode.Replace);

        // Under allkeys-* a store trusts empty reads only after a full verify on this Redis run.
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(RedisHarness.Options(server, harness.Namespace), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync();
        await RedisHarness.WaitForAsync(store, imported.Sequence, 10_000);
        Assert.Contains("allkeys-lru", await EntryDamageScenario.WaitForAsync(() => store.Status.Damage, "suspicion before any verify"), StringComparison.Ordinal);
        Assert.True((await harness.Publisher.VerifyAsync()).MarkWritten);
        await EntryDamageScenario.WaitForAsync(() => store.Status.Damage is null ? "trusted" : null, "trust after the verify");

        // Redis evicts: the entry hashes were written longest ago (the namespace's other keys, read by the
        // store's polls or touched here, are newer); other data fills the memory.
        var ns = $"cc:{{{harness.Namespace}}}:";
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // the LRU clock counts seconds
        await server.CommandAsync("EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1] .. '*')) do if string.sub(k, 1, #ARGV[1] + 2) ~= ARGV[1] .. 'e:' then redis.call('TOUCH', k) end end return 1", "0", ns);

        await using (var filler = await ConnectionMultiplexer.ConnectAsync(server.Configuration))
        {
            var db = filler.GetDatabase();
            var value = new string('x', 16 * 1024);
            for (var round = 0; round < 1000 && await EvictedEntriesAsync(server, ns, people.Length) == 0; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, 20).Select(i => db.StringSetAsync($"filler:{round}:{i}", value)));
            }
        }

        var evicted = await EvictedEntriesAsync(server, ns, people.Length);
        Assert.True(evicted > 0, "Redis evicted no entry hash");
        var damage = await EntryDamageScenario.WaitForAsync(() => store.Status.Damage, "the evictions reported", state: () => $"{store.Status.LastError}; {string.Join(" | ", logs.Entries.TakeLast(5).Select(e => e.Message))}");
        Assert.Contains("evicted", damage, StringComparison.Ordinal);
        Assert.Contains("allkeys-lru", damage, StringComparison.Ordinal);
        Assert.NotEmpty(logs.Of(2111));

        var checker = EntryDamageScenario.Checker(store);
        var decisions = await checker.CheckManyAsync([.. people.Select(p => new CheckRequest(p, "procurement"))]);
        Assert.DoesNotContain(decisions, d => d.Outcome == DecisionOutcome.Clear);
        Assert.All(decisions, d => Assert.True(d.Outcome == DecisionOutcome.Denied || d.IsDegraded, d.Outcome.ToString()));
        // Which keys Redis evicts is its choice (approximated LRU): entry hashes, now and then another key of the
        // namespace (a manifest, say), which the manifests' check names instead. Either way: degraded, named.
        Assert.Contains(decisions, d => d.IsDegraded);
        Assert.All(decisions.Where(d => d.IsDegraded), d => Assert.Contains("damaged", d.DegradedReason, StringComparison.Ordinal));

        // verify names the missing ones; with memory freed, a replace import restores them and a verify marks it whole.
        var found = Assert.Single((await harness.Publisher.VerifyAsync()).Lists);
        Assert.True(found.Missing >= evicted, $"{found.Missing} missing, {evicted} evicted"); // Redis may evict a few more meanwhile
        Assert.NotEmpty(found.FirstMissing);
        await server.CommandAsync("CONFIG", "SET", "maxmemory", "0");
        await server.CommandAsync("EVAL", "for _, k in ipairs(redis.call('KEYS', 'filler:*')) do redis.call('UNLINK', k) end return 1", "0");
        if (await harness.Publisher.GetCatalogAsync() is null)
        {
            await harness.Publisher.PublishCatalogAsync(TestCatalog.Create()); // evicted too: an operator publishes it again
        }

        await harness.Publisher.ImportListAsync("debtors", Export(), ImportMode.Replace);
        var after = await harness.Publisher.VerifyAsync();
        Assert.True(after.IsWhole, string.Join("; ", after.Lists.Select(l => $"{l.List}: {l.Missing} missing, {l.Damage}")));
        Assert.True(after.MarkWritten);
        await EntryDamageScenario.WaitForAsync(() => store.Status.Damage is null ? "whole" : null, "the store answering normally again");
        var again = await checker.CheckManyAsync([.. people.Select(p => new CheckRequest(p, "procurement"))]);
        Assert.All(again, d => Assert.Equal(DecisionOutcome.Denied, d.Outcome));
    }

    // Counted in Redis: a reply listing thousands of keys is more than the test's raw connection reads.
    private static async Task<int> EvictedEntriesAsync(RedisServer server, string ns, int listed) =>
        listed - int.Parse((await server.CommandAsync("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", ns + "e:*")).TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("# Memory\r\nmaxmemory_policy:allkeys-lru\r\n# Stats\r\nevicted_keys:12\r\n# Server\r\nrun_id:abc\r\n", "allkeys-lru", 12L, "abc")]
    [InlineData("maxmemory_policy:noeviction\nevicted_keys:0\nrun_id:r1", "noeviction", 0L, "r1")]
    [InlineData("evicted_keys:x\r\nrun_id:\r\nother:1", null, null, null)]
    [InlineData("", null, null, null)]
    public void InfoFields_AreParsed(string info, string? policy, long? evicted, string? runId) =>
        Assert.Equal(new EvictionWatch(policy, evicted, runId), EvictionWatch.Parse(info));

    [Theory]
    [InlineData("allkeys-lru", 5, "r1", "r1\t5\t1", null)]
    [InlineData("allkeys-lru", 7, "r1", "r1\t5\t1", "evicted 2 keys since the data was last verified")]
    [InlineData("noeviction", 7, "r1", "r1\t5\t1", "evicted 2 keys")]
    [InlineData("allkeys-lru", 0, "r2", "r1\t5\t1", "another Redis run (r1)")]
    [InlineData("allkeys-random", 0, "r2", null, "no full verify was recorded")]
    [InlineData("volatile-lru", 0, "r2", null, null)]
    [InlineData("noeviction", 0, "r2", "r1\t0\t1", null)]
    [InlineData("volatile-lru", 3, "r2", null, "evicted 3 keys since it started")]
    public void Suspicion_ComparesTheNodeWithTheVerifiedMark(string policy, long evicted, string runId, string? mark, string? expected)
    {
        var suspicion = new EvictionWatch(policy, evicted, runId).Suspicion(mark);
        if (expected is null)
        {
            Assert.Null(suspicion);
        }
        else
        {
            Assert.Contains(expected, suspicion, StringComparison.Ordinal);
            Assert.Contains(policy, suspicion, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Suspicion_WithoutInfo_IsNothingToTell() =>
        Assert.Null(new EvictionWatch(null, null, null).Suspicion(null));

    [Fact]
    public void Mark_RecordsRunAndEvictions() =>
        Assert.StartsWith("r1\t9\t", new EvictionWatch("allkeys-lru", 9, "r1").Mark(DateTimeOffset.UnixEpoch), StringComparison.Ordinal);
}
