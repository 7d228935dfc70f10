using System.Text.Json.Nodes;
using CreditCheck.Platform.Tests.Support;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RedisServer = CreditCheck.Tests.Support.RedisServer;

namespace CreditCheck.Platform.Tests;

/// <summary>The query-through store against the reference platform (a real process), with the host's Redis as
/// its IDistributedCache (AddStackExchangeRedisCache on a real redis-server).</summary>
public sealed class QueryThroughTests
{
    private const string Scenario = "procurement";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Listed_and_clean_subjects_are_answered_as_the_embedded_store_answers_the_same_data()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var platform = await PlatformProcess.StartAsync();
        using var through = await QueryThroughHostAsync(redis, platform);
        using var embedded = await StartAsync(b => b.Services.AddCreditCheck().UseInMemory(o => o.DataDirectory = Path.Combine(AppContext.BaseDirectory, "data")));
        var requests = SampleSubjects().Select(s => new CheckRequest(s, Scenario)).ToList();
        Assert.True(requests.Count > 200);

        var expected = await embedded.Services.GetRequiredService<ICreditChecker>().CheckManyAsync(requests);
        var batch = await through.Services.GetRequiredService<ICreditChecker>().CheckManyAsync(requests); // QueryMany
        var single = new List<CreditDecision>();
        foreach (var request in requests.Take(40))
        {
            single.Add(await through.Services.GetRequiredService<ICreditChecker>().CheckAsync(request)); // cached by now
        }

        Assert.Contains(expected, d => d.Outcome == DecisionOutcome.Clear);
        Assert.Contains(expected, d => d.Outcome == DecisionOutcome.Denied);
        for (var i = 0; i < requests.Count; i++)
        {
            Same(expected[i], batch[i]);
            Assert.Equal(DecisionPath.Store, batch[i].Path);
            Assert.False(string.IsNullOrEmpty(batch[i].PlatformRequestId));
            Assert.Null(expected[i].PlatformRequestId);
        }

        for (var i = 0; i < single.Count; i++)
        {
            Same(expected[i], single[i]);
        }
    }

    [Fact]
    public async Task A_second_check_is_served_from_the_cache_and_a_repair_at_the_platform_invalidates_it()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var platform = await PlatformProcess.StartAsync();
        // Long TTLs: only the Sync stream's change can make the next check see the repair in time.
        using var host = await QueryThroughHostAsync(redis, platform, o => o.ListedTtl = o.NotListedTtl = TimeSpan.FromMinutes(30));
        var checker = host.Services.GetRequiredService<ICreditChecker>();
        var subject = SubjectId.Parse(TestIds.Company(4_242), SubjectKind.LegalEntity);
        await platform.UpsertAsync(PlatformProcess.Entry("court-dishonest-debtors", subject.Value, "qt-1"));
        var other = SubjectId.Parse(TestIds.Company(4_243), SubjectKind.LegalEntity);

        var first = await checker.CheckAsync(new CheckRequest(subject, Scenario));
        var second = await checker.CheckAsync(new CheckRequest(subject, Scenario));
        var otherFirst = await checker.CheckAsync(new CheckRequest(other, Scenario));

        Assert.Equal(DecisionOutcome.Denied, first.Outcome);
        Assert.Equal(DecisionPath.Store, first.Path);
        Assert.Equal(DecisionPath.Cache, second.Path);
        Assert.Equal(first.PlatformRequestId, second.PlatformRequestId); // the platform was not asked again
        Assert.Equal(DecisionOutcome.Denied, second.Outcome);

        await platform.SetStatusAsync("court-dishonest-debtors", "qt-1", "修复", "已履行");
        var repaired = await PollAsync(() => checker.CheckAsync(new CheckRequest(subject, Scenario)).AsTask(), d => d.Outcome != DecisionOutcome.Denied);
        Assert.Equal(DecisionOutcome.Clear, repaired.Outcome);
        Assert.Equal(EntryState.Repaired, Assert.Single(repaired.MatchedEntries).State);
        Assert.NotEqual(first.PlatformRequestId, repaired.PlatformRequestId);

        // The other subject's answer was not touched by that change.
        var otherSecond = await checker.CheckAsync(new CheckRequest(other, Scenario));
        Assert.Equal(DecisionPath.Cache, otherSecond.Path);
        Assert.Equal(otherFirst.PlatformRequestId, otherSecond.PlatformRequestId);
    }

    [Fact]
    public async Task With_the_platform_killed_checks_are_degraded_naming_it_and_the_health_check_is_unhealthy()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var platform = await PlatformProcess.StartAsync();
        using var host = await QueryThroughHostAsync(redis, platform);
        var checker = host.Services.GetRequiredService<ICreditChecker>();
        var cached = SubjectId.Parse(TestIds.Company(777), SubjectKind.LegalEntity);
        Assert.False((await checker.CheckAsync(new CheckRequest(cached, Scenario))).IsDegraded);
        Assert.Equal(HealthStatus.Healthy, (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status);

        await platform.KillAsync();

        var fresh = await checker.CheckAsync(new CheckRequest(SubjectId.Parse(TestIds.Company(778), SubjectKind.LegalEntity), Scenario));
        Assert.True(fresh.IsDegraded);
        Assert.Equal(DecisionOutcome.Review, fresh.Outcome); // FailClosed: never a silent Clear
        Assert.Contains($"credit platform {platform.Address}", fresh.DegradedReason, StringComparison.Ordinal);
        // A cached answer is not used once the Sync stream (which invalidates the cache) is lost.
        var again = await PollAsync(() => checker.CheckAsync(new CheckRequest(cached, Scenario)).AsTask(), d => d.IsDegraded);
        Assert.Equal(DecisionOutcome.Review, again.Outcome);
        var health = await PollAsync(() => host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(), h => h.Status == HealthStatus.Unhealthy);
        Assert.Contains("credit platform", (string)health.Entries.Values.Single().Data["lastError"], StringComparison.Ordinal);

        // Back: answered again.
        await platform.RestartAsync();
        var back = await PollAsync(() => checker.CheckAsync(new CheckRequest(cached, Scenario)).AsTask(), d => !d.IsDegraded);
        Assert.Equal(DecisionOutcome.Clear, back.Outcome);
    }

    [Fact]
    public async Task Decisions_carry_the_platform_request_id_and_feedback_reported_for_them_brings_it_to_the_platform()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var platform = await PlatformProcess.StartAsync();
        var ns = "q" + Guid.NewGuid().ToString("N")[..10];
        // The department's host: checks through the platform, feedback to its Redis, forwarded to the platform.
        using var host = await FeedbackForwardingTests.ReportingHostAsync(redis, ns, b =>
        {
            b.UsePlatform(platform.Address, o => Credentials(o.Platform));
            b.AddFeedbackForwarding(o =>
            {
                o.Platform.Address = platform.Address;
                Credentials(o.Platform);
                o.PollInterval = TimeSpan.FromMilliseconds(100);
            });
        });
        var subject = SubjectId.Parse(TestIds.Company(9_001), SubjectKind.LegalEntity);
        await platform.UpsertAsync(PlatformProcess.Entry("court-dishonest-debtors", subject.Value, "qt-fb-1"));

        var decision = await host.Services.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(subject, Scenario));
        var records = await host.Services.GetRequiredService<ICreditFeedback>().ReportAsync(FeedbackReport.For(decision).AllExecuted());

        Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
        Assert.False(string.IsNullOrEmpty(decision.PlatformRequestId));
        Assert.All(records, r => Assert.Equal(decision.PlatformRequestId, r.PlatformRequestId));
        var received = await PollAsync(platform.GetFeedbackAsync, a => a.Count >= records.Count);
        Assert.All(received, r => Assert.Equal(decision.PlatformRequestId, (string)r!["record"]!["platformRequestId"]!));
        Assert.All(received, r => Assert.Contains($"\"platformRequestId\":\"{decision.PlatformRequestId}\"", (string)r!["record"]!["recordJson"]!, StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_subject_listed_while_its_query_is_in_flight_is_not_cached_as_not_listed()
    {
        // Found from outside: the platform answered "not listed" (made before the change), the Sync stream removed the
        // subject's cache entry, and then the in-flight answer was written: Clear from the cache for NotListedTtl.
        await using var redis = await RedisServer.StartAsync();
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), "[]", queryDelay: TimeSpan.FromSeconds(2));
        using var host = await QueryThroughHostAsync(redis, python.Address, o =>
        {
            o.ListedTtl = o.NotListedTtl = TimeSpan.FromMinutes(30);
            o.Platform.CallTimeout = TimeSpan.FromSeconds(10); // two delayed queries: the code and the 组织机构代码 it embeds
        });
        var checker = host.Services.GetRequiredService<ICreditChecker>();
        var store = host.Services.GetRequiredService<ICreditStore>();
        var subject = SubjectId.Parse(TestIds.Company(4_300), SubjectKind.LegalEntity);

        var inFlight = checker.CheckAsync(new CheckRequest(subject, Scenario)).AsTask();
        await Task.Delay(500);
        var version = await python.UpsertAsync(new Dictionary<string, object>
        {
            ["subject"] = subject.Value,
            ["subjectKind"] = "SUBJECT_KIND_LEGAL_ENTITY",
            ["listCode"] = "court-dishonest-debtors",
            ["entryId"] = "race-1",
            ["listedOn"] = "2026-01-05T00:00:00+08:00",
            ["status"] = "ENTRY_STATUS_ACTIVE",
        });
        await PollAsync(() => Task.FromResult(((IStoreHealth)store).Health.Sequence), v => v >= version);
        var answeredBefore = await inFlight;
        var after = await checker.CheckAsync(new CheckRequest(subject, Scenario));

        Assert.Equal(DecisionOutcome.Clear, answeredBefore.Outcome); // what the platform said when asked
        Assert.Equal(DecisionOutcome.Denied, after.Outcome);
        Assert.NotEqual(DecisionPath.Cache, after.Path);
    }

    internal static async Task<IHost> QueryThroughHostAsync(RedisServer redis, PlatformProcess platform, Action<PlatformStoreOptions>? configure = null) =>
        await QueryThroughHostAsync(redis, platform.Address, configure);

    internal static async Task<IHost> QueryThroughHostAsync(RedisServer redis, Uri platform, Action<PlatformStoreOptions>? configure = null, LogSink? log = null) =>
        await StartAsync(b =>
        {
            if (log is not null)
            {
                b.Logging.AddProvider(log);
            }

            b.Services.AddStackExchangeRedisCache(o => o.Configuration = redis.Configuration);
            b.Services.AddHealthChecks();
            b.Services.AddCreditCheck().UsePlatform(platform, o =>
            {
                Credentials(o.Platform);
                o.Platform.CallTimeout = TimeSpan.FromSeconds(3);
                configure?.Invoke(o);
            });
        });

    private static void Credentials(PlatformConnectionOptions o)
    {
        o.ClientId = PlatformProcess.Client;
        o.Secret = PlatformProcess.Secret;
    }

    private static async Task<IHost> StartAsync(Action<HostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        configure(builder);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The sample data's subjects (listed), and clean ones.</summary>
    private static List<SubjectId> SampleSubjects()
    {
        var subjects = new List<SubjectId>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "entries.csv")).Skip(1))
        {
            var fields = line.Split(',');
            var id = SubjectId.Parse(fields[2], fields[1] == "NaturalPerson" ? SubjectKind.NaturalPerson : SubjectKind.LegalEntity, SubjectIdParseMode.LenientCheckCharacter);
            if (!subjects.Contains(id))
            {
                subjects.Add(id);
            }
        }

        subjects.AddRange(Enumerable.Range(0, 30).Select(i => SubjectId.Parse(TestIds.Company(600_000 + i), SubjectKind.LegalEntity)));
        return subjects;
    }

    private static void Same(CreditDecision expected, CreditDecision actual)
    {
        Assert.True(expected.Outcome == actual.Outcome, $"{expected.Subject}: embedded {expected.Outcome} [{string.Join(", ", expected.MatchedEntries.Select(e => $"{e.Entry.ListCode}/{e.Entry.EntryId} {e.State} by {e.MatchedBy}"))}], platform {actual.Outcome} [{string.Join(", ", actual.MatchedEntries.Select(e => $"{e.Entry.ListCode}/{e.Entry.EntryId} {e.State} by {e.MatchedBy}"))}]");
        Assert.Equal(expected.MatchedEntries.Select(e => (e.Entry.ListCode, e.Entry.EntryId, e.State)).Order(), actual.MatchedEntries.Select(e => (e.Entry.ListCode, e.Entry.EntryId, e.State)).Order());
        Assert.Equal(expected.AppliedMeasures.Select(m => m.Measure.Code).Order(StringComparer.Ordinal), actual.AppliedMeasures.Select(m => m.Measure.Code).Order(StringComparer.Ordinal));
        Assert.Equal(expected.CatalogVersion, actual.CatalogVersion);
        Assert.False(actual.IsDegraded);
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Not reached within {Patience}; last: {value}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }
}
