using System.Text.Json;
using System.Text.Json.Nodes;
using CreditCheck.Platform.Tests.Support;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RedisServer = CreditCheck.Tests.Support.RedisServer;

namespace CreditCheck.Platform.Tests;

/// <summary>Faults of the platform link found from outside by a hostile platform: the Python platform (built from the
/// proto alone) made to answer QueryMany out of order or wrongly, and to send Sync messages as a test writes them.</summary>
public sealed class PlatformLinkReviewTests
{
    private const string List = "court-dishonest-debtors";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Query_through_matches_QueryMany_answers_to_their_subjects_not_their_positions()
    {
        // Found from outside: answers reversed made the listed subject Clear and a clean one Denied with its entry.
        await using var redis = await RedisServer.StartAsync();
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { PythonPlatform.Entry(940_001, List, "qm-1") }));
        var log = new LogSink();
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, python.Address, log: log);
        await python.SetQueryModeAsync("reverse");

        var decisions = await host.Services.GetRequiredService<ICreditChecker>().CheckManyAsync([Check(940_001), Check(940_002), Check(940_003)]);

        Assert.Equal([DecisionOutcome.Denied, DecisionOutcome.Clear, DecisionOutcome.Clear], decisions.Select(d => d.Outcome));
        Assert.Equal("qm-1", Assert.Single(decisions[0].MatchedEntries).Entry.EntryId);
        Assert.All(decisions, d => Assert.False(d.IsDegraded, d.DegradedReason));
        Assert.All(decisions.Skip(1), d => Assert.Empty(d.MatchedEntries));
    }

    [Theory]
    [InlineData("drop", new[] { 2 }, "lacks")]
    [InlineData("duplicate", new[] { 0, 2 }, "more than once")]
    [InlineData("unasked", new[] { 2 }, "not asked")]
    [InlineData("foreign", new[] { 0 }, "entry of another subject")]
    public async Task Query_through_degrades_the_subjects_a_wrong_QueryMany_answer_leaves_in_doubt_and_says_why(string mode, int[] degraded, string why)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { PythonPlatform.Entry(941_001, List, "qm-1") }));
        var log = new LogSink();
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, python.Address, log: log);
        var checker = host.Services.GetRequiredService<ICreditChecker>();
        await python.SetQueryModeAsync(mode);

        var decisions = await checker.CheckManyAsync([Check(941_001), Check(941_002), Check(941_003)]);

        var expected = new[] { DecisionOutcome.Denied, DecisionOutcome.Clear, DecisionOutcome.Clear };
        for (var i = 0; i < decisions.Count; i++)
        {
            if (degraded.Contains(i))
            {
                // Under the default FailClosed: never Clear, the reason names the platform's fault.
                Assert.Equal(DecisionOutcome.Review, decisions[i].Outcome);
                Assert.True(decisions[i].IsDegraded);
                Assert.Contains("QueryMany", decisions[i].DegradedReason, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(expected[i], decisions[i].Outcome);
                Assert.False(decisions[i].IsDegraded, decisions[i].DegradedReason);
            }
        }

        Assert.Contains(log.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("QueryMany", StringComparison.Ordinal) && l.Contains(why, StringComparison.Ordinal));
        Assert.Contains(decisions.Where((_, i) => degraded.Contains(i)), d => d.DegradedReason!.Contains(why, StringComparison.Ordinal));

        // Nothing in doubt was cached: the platform answering right again is heard at once.
        await python.SetQueryModeAsync("ok");
        var again = await checker.CheckManyAsync([Check(941_001), Check(941_002), Check(941_003)]);
        Assert.Equal(expected, again.Select(d => d.Outcome));
        Assert.All(degraded, i => Assert.NotEqual(DecisionPath.Cache, again[i].Path));
    }

    [Fact]
    public async Task A_change_a_heartbeat_overtook_is_still_applied_and_a_change_already_applied_is_logged()
    {
        // Found from outside: heartbeat 2 before change 2 recorded version 2, and change 2 (listing a company) was then
        // passed over without a word: the company stayed Clear for good.
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { PythonPlatform.Entry(950_001, List, "hb-0") }));
        await using var harness = await RelayHarness.StartAsync();
        await using var relay = harness.StartRelay(python.Address);
        await harness.WaitForVersionAsync(1, Long, () => relay.ToString());
        var late = PythonPlatform.Entry(950_002, List, "hb-1");
        var next = PythonPlatform.Entry(950_003, List, "hb-2");

        await python.PushAsync(3,
        [
            new { heartbeat = new { version = 2 } },
            new { change = new { version = 2, upsert = late } },
            new { change = new { version = 3, upsert = next } },
            new { change = new { version = 3, upsert = next } }, // sent twice
        ], [late, next]);

        await harness.WaitForVersionAsync(3, Long, () => relay.ToString());
        var host = await harness.HostAsync();
        await RelayTests.Eventually(async () => (await host.LookupAsync(RelayTests.Id(950_003))).Entries.Count == 1, "change 3 reached the host");
        await RelayTests.Eventually(async () => (await host.LookupAsync(RelayTests.Id(950_002))).Entries.Any(e => e.Entry.EntryId == "hb-1"), "change 2, sent after heartbeat 2, reached the host");
        await relay.WaitForOutputAsync(_ => relay.Error.Contains("change 2 (upsert of entry 'hb-1'", StringComparison.Ordinal)
            && relay.Error.Contains("change 3 (upsert of entry 'hb-2'", StringComparison.Ordinal) && relay.Error.Contains("already applied", StringComparison.Ordinal), Long);
        Assert.Contains("heartbeat", relay.Error, StringComparison.Ordinal);
        Assert.Null((await harness.MarkAsync()).Behind);
    }

    [Fact]
    public async Task The_relay_refuses_dates_that_are_not_RFC_3339_and_stores_their_entries_as_unreadable()
    {
        // Found from outside: '01/02/2027' was stored as 2 January and '2027-01-02' took the relay machine's offset.
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(DatedEntries()));
        await using var harness = await RelayHarness.StartAsync();

        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", python.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--json");

        Assert.True(code == 6, $"exit {code}:\n{output}\n{error}");
        Assert.Equal(BadDates.Length, (long)JsonNode.Parse(output)!["refused"]!);
        var host = await harness.HostAsync();
        for (var i = 0; i < BadDates.Length; i++)
        {
            var lookup = await host.LookupAsync(RelayTests.Id(960_000 + i));
            Assert.Empty(lookup.Entries);
            Assert.Equal($"{List}/d-{i}", Assert.Single(lookup.Unreadable).Field);
            Assert.Contains($"valid_until '{BadDates[i]}' is not an RFC 3339 date-time", error, StringComparison.Ordinal);
        }

        foreach (var (n, until) in GoodDates())
        {
            var entry = Assert.Single((await host.LookupAsync(RelayTests.Id(n))).Entries).Entry;
            Assert.Equal(until, entry.ValidUntil);
        }
    }

    [Fact]
    public async Task Query_through_reads_dates_that_are_not_RFC_3339_as_unreadable_never_as_the_host_would()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(DatedEntries()));
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, python.Address);
        var checker = host.Services.GetRequiredService<ICreditChecker>();

        for (var i = 0; i < BadDates.Length; i++)
        {
            var decision = await checker.CheckAsync(Check(960_000 + i));
            Assert.Equal(DecisionOutcome.Review, decision.Outcome);
            Assert.Empty(decision.MatchedEntries);
            Assert.Contains(BadDates[i], Assert.Single(decision.UnreadableEntries).Reason, StringComparison.Ordinal);
        }

        foreach (var (n, until) in GoodDates())
        {
            var decision = await checker.CheckAsync(Check(n));
            Assert.Equal(until, Assert.Single(decision.MatchedEntries).Entry.ValidUntil);
        }
    }

    [Theory]
    [InlineData("unspecified")]
    [InlineData("lowercase")]
    public async Task Query_through_drops_the_cached_answer_of_a_person_whose_change_names_them_unnormalised(string variant)
    {
        // Found from outside: with subject_kind UNSPECIFIED, or a lower-case check character, the change hashed another
        // cache key, and the person newly listed stayed Clear from the cache until NotListedTtl.
        await using var redis = await RedisServer.StartAsync();
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), "[]");
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, python.Address, o => o.ListedTtl = o.NotListedTtl = TimeSpan.FromMinutes(30));
        var checker = host.Services.GetRequiredService<ICreditChecker>();
        var store = (IStoreHealth)host.Services.GetRequiredService<ICreditStore>();
        var person = SubjectId.Parse("11010519900101007X", SubjectKind.NaturalPerson);
        var request = new CheckRequest(person, "procurement");
        Assert.Equal(DecisionOutcome.Clear, (await checker.CheckAsync(request)).Outcome);
        Assert.Equal(DecisionPath.Cache, (await checker.CheckAsync(request)).Path);

        var entry = new Dictionary<string, object>
        {
            ["subject"] = person.Value,
            ["subjectKind"] = "SUBJECT_KIND_NATURAL_PERSON",
            ["listCode"] = List,
            ["entryId"] = "p-1",
            ["listedOn"] = "2026-01-05T00:00:00+08:00",
            ["status"] = "ENTRY_STATUS_ACTIVE",
        };
        var changed = new Dictionary<string, object>(entry);
        if (variant == "unspecified")
        {
            changed["subjectKind"] = "SUBJECT_KIND_UNSPECIFIED";
        }
        else
        {
            changed["subject"] = person.Value.ToLowerInvariant();
        }

        await python.PushAsync(2, [new { change = new { version = 2, upsert = changed } }], [entry]);
        await RelayTests.Eventually(() => Task.FromResult(store.Health.Sequence >= 2), "the store applied change 2");
        var after = await checker.CheckAsync(request);

        Assert.Equal(DecisionOutcome.Denied, after.Outcome);
        Assert.NotEqual(DecisionPath.Cache, after.Path);
    }

    [Fact]
    public async Task Stopping_a_query_through_host_logs_no_lost_stream()
    {
        // Found from outside: every clean stop logged warning 4301 "The Sync stream ... is lost (Cancelled ...)".
        await using var redis = await RedisServer.StartAsync();
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), "[]");
        var log = new LogSink();
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, python.Address, log: log);
        Assert.Equal(DecisionPath.Store, (await host.Services.GetRequiredService<ICreditChecker>().CheckAsync(Check(970_001))).Path);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a heartbeat or two on the live stream

        await host.StopAsync();

        Assert.DoesNotContain(log.Lines, l => l.Contains("is lost", StringComparison.Ordinal) || l.StartsWith("Warning:", StringComparison.Ordinal));
    }

    private static readonly string[] BadDates = ["01/02/2027", "Jan 2 2027", "2027-01-02", "2027-01-02T00:00:00", "13/01/2027", "2027-01-02 00:00:00+08:00"];

    private static IEnumerable<(int N, DateTimeOffset Until)> GoodDates() =>
    [
        (960_100, new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.FromHours(8))),
        (960_101, new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero)),
        (960_102, new DateTimeOffset(2027, 1, 2, 12, 30, 15, TimeSpan.FromHours(-5)).AddTicks(1_234_567)),
    ];

    private static readonly string[] GoodTexts = ["2027-01-02T00:00:00+08:00", "2027-01-02t00:00:00z", "2027-01-02T12:30:15.123456789-05:00"];

    private static List<Dictionary<string, object>> DatedEntries()
    {
        var entries = new List<Dictionary<string, object>>();
        for (var i = 0; i < BadDates.Length; i++)
        {
            var entry = PythonPlatform.Entry(960_000 + i, List, $"d-{i}");
            entry["validUntil"] = BadDates[i];
            entries.Add(entry);
        }

        var good = GoodDates().ToList();
        for (var i = 0; i < good.Count; i++)
        {
            var entry = PythonPlatform.Entry(good[i].N, List, $"g-{i}");
            entry["validUntil"] = GoodTexts[i];
            entries.Add(entry);
        }

        return entries;
    }

    private static CheckRequest Check(int n) => new(SubjectId.Parse(TestIds.Company(n), SubjectKind.LegalEntity), "procurement");
}
