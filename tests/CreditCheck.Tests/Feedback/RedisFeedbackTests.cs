using System.Diagnostics;
using CreditCheck.Redis;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CreditCheck.Tests.Feedback;

/// <summary>Feedback delivered to a real Redis stream and read back; written once, run on one server
/// (<see cref="RedisFeedbackTests"/>) and on a cluster (<see cref="RedisClusterFeedbackTests"/>).</summary>
public abstract class RedisFeedbackSuite
{
    protected abstract IRedisDeployment Redis { get; }

    internal static async Task<List<(string Id, string Key, string Json)>> StreamAsync(IRedisDeployment server, string ns)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        var entries = (RedisResult[])(await connection.GetDatabase().ExecuteAsync("XRANGE", $"cc:{{{ns}}}:feedback", "-", "+"))!;
        return [.. entries.Select(e =>
        {
            var parts = (RedisResult[])e!;
            var fields = (RedisResult[])parts[1]!;
            Assert.Equal(["key", "record"], new[] { (string)fields[0]!, (string)fields[2]! });
            return ((string)parts[0]!, (string)fields[1]!, (string)fields[3]!);
        })];
    }

    internal static CreditFeedback Feedback(RedisCreditStore store, IRedisDeployment server, string ns, LogCapture? logs = null, TimeProvider? time = null) =>
        new(
            new FeedbackOptions { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500), BatchSize = 50 },
            new RedisFeedbackSink(store, RedisHarness.Options(server, ns, o => o.OperationTimeout = TimeSpan.FromMilliseconds(500)), TimeProvider.System),
            time ?? TimeProvider.System,
            logs?.Factory());

    [Fact]
    public async Task UseRedis_Reported_AppendedToTheFeedbackStreamWithKeyAndRecordJson()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseRedis(Redis.Configuration, o =>
        {
            o.Namespace = harness.Namespace;
            o.Secret = RedisHarness.Secret;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var checks = await FeedbackData.HarnessAsync();
        var decision = await FeedbackData.DeniedAsync(checks);

        var records = await host.Services.GetRequiredService<ICreditFeedback>().ReportAsync(
            FeedbackReport.For(decision).Executed("procurement-refusal").NotExecuted("everywhere-notice", "系统未对接"));
        await host.StopAsync(); // flushes

        var stream = await StreamAsync(Redis, harness.Namespace);
        Assert.Equal(records.Select(r => r.Key), stream.Select(e => e.Key));
        Assert.Equal(records.Select(FeedbackJson.Serialize), stream.Select(e => e.Json));
        Assert.Contains("\"result\":\"NotExecuted\"", stream[1].Json, StringComparison.Ordinal);
        Assert.Contains("系统未对接", stream[1].Json, StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CreditFeedback>().Status.Backlog);
    }

    [Fact]
    public async Task RedisFeedbackReader_Period_RecordsExecutedInItEachKeyOnceAndUnreadableEntriesSkipped()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync();
        var checks = await FeedbackData.HarnessAsync();
        var start = CheckerHarness.Now;
        await using var feedback = Feedback(store, Redis, harness.Namespace, time: checks.Time);
        var byDay = new List<IReadOnlyList<FeedbackRecord>>();
        for (var day = 0; day < 3; day++)
        {
            // Checked and executed on each of three days (an execution is never before its check).
            var decision = await FeedbackData.DeniedAsync(checks);
            byDay.Add(await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted() with { ExecutedAt = start.AddDays(day) }));
            if (day == 1)
            {
                await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(checks)).AllExecuted() with { ExecutedAt = start.AddDays(1) });
            }

            checks.Time.Advance(TimeSpan.FromDays(1));
        }

        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));
        var repeat = new RedisFeedbackSink(store, RedisHarness.Options(Redis, harness.Namespace), TimeProvider.System);
        await repeat.WriteAsync(byDay[1], CancellationToken.None); // as a retry after a lost reply would
        using (var direct = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration))
        {
            var junk = await direct.GetDatabase().StreamAddAsync($"cc:{{{harness.Namespace}}}:feedback", [new("key", "x"), new("record", "{not json")]);
            Assert.False(junk.IsNullOrEmpty); // an entry id
        }

        await using var reader = await RedisFeedbackReader.ConnectAsync(RedisHarness.Options(Redis, harness.Namespace));
        reader.ClockMargin = TimeSpan.FromDays(3650); // the test's clock is not the real one that stamps stream ids
        var day1 = await reader.ReadAsync(start.AddDays(1), start.AddDays(2)).ToListAsync();
        var all = await reader.ReadAsync(start, start.AddDays(3)).ToListAsync();

        Assert.Equal(4, day1.Count);
        Assert.Equal(byDay[1].Select(r => r.Key), day1.Take(2).Select(r => r.Key));
        Assert.All(day1, r => Assert.Equal(start.AddDays(1), r.ExecutedAt));
        Assert.Equal(8, all.Count);
        Assert.Equal(all.Count, all.Select(r => r.Key).Distinct().Count());
        Assert.Equal(2, reader.Skipped); // the junk entry, once per read
    }
}

/// <summary>The suite on one redis-server, and what needs one server of its own: a kill and restart, ACL users.</summary>
public sealed class RedisFeedbackTests(RedisFixture redis) : RedisFeedbackSuite, IClassFixture<RedisFixture>
{
    protected override IRedisDeployment Redis => redis.Server;

    [Fact]
    public async Task RedisKilledAndRestarted_UnderASteadyStreamOfReports_EveryRecordArrivesDuplicatesOnlyWithTheSameKey()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        var store = await harness.StartStoreAsync(configure: o => o.OperationTimeout = TimeSpan.FromMilliseconds(500));
        var logs = new LogCapture();
        await using var feedback = Feedback(store, server, harness.Namespace, logs);
        var checks = await FeedbackData.HarnessAsync();
        var reported = new List<FeedbackRecord>();
        var maxBacklog = 0L;
        var clock = Stopwatch.StartNew();
        var down = new Stopwatch();

        // Bounded by count and time: 300 reports (600 records), Redis down for the middle third.
        for (var i = 0; i < 300 && clock.Elapsed < TimeSpan.FromSeconds(30); i++)
        {
            reported.AddRange(await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(checks)).AllExecuted()));
            maxBacklog = Math.Max(maxBacklog, feedback.Status.Backlog);
            if (i == 100)
            {
                await server.KillAsync();
                down.Start();
            }
            else if (i == 200)
            {
                // Down longer than a delivery may wait (5 × OperationTimeout): a client that queues
                // commands while disconnected (StackExchange.Redis 3.x does) must still see deliveries fail.
                if (down.Elapsed < TimeSpan.FromSeconds(3.5))
                {
                    await Task.Delay(TimeSpan.FromSeconds(3.5) - down.Elapsed);
                }

                await server.RestartAsync();
            }

            await Task.Delay(5);
        }

        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(30)), $"backlog {feedback.Status.Backlog}: {feedback.Status.LastError}");

        var stream = await StreamAsync(server, harness.Namespace);
        var byKey = stream.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Select(e => e.Json).ToList());
        Assert.Equal(600, reported.Count);
        Assert.All(reported, r =>
        {
            Assert.True(byKey.TryGetValue(r.Key, out var copies), $"record {r.Key} is missing");
            Assert.All(copies!, json => Assert.Equal(FeedbackJson.Serialize(r), json));
        });
        Assert.Equal(reported.Count, byKey.Count);
        Assert.True(maxBacklog > 50, $"the backlog peaked at {maxBacklog}: Redis was not down long enough to matter");
        Assert.NotEmpty(logs.Of(3004));
        Assert.NotEmpty(logs.Of(3005));
    }

    [Fact]
    public async Task AclUsers_SdkUserAppendsFeedback_ReaderUserOnlyReadsIt()
    {
        await using var server = await RedisServer.StartAsync();
        const string ns = "fb";
        Assert.Equal("+OK", await server.CommandAsync(
            "ACL", "SETUSER", "cc-publisher", "on", ">publisher-password-1", "~cc:{fb}:*", "&cc:{fb}:notify", "+@all", "-@dangerous"));
        Assert.Equal("+OK", await server.CommandAsync(
            [.. "ACL SETUSER cc-sdk on >sdk-password-1 ~cc:{fb}:* &cc:{fb}:notify".Split(' '), .. RedisAcl.SdkCommands]));
        Assert.Equal("+OK", await server.CommandAsync(
            [.. "ACL SETUSER cc-reader on >reader-password-1 ~cc:{fb}:feedback %R~cc:{fb}:meta".Split(' '), .. RedisAcl.FeedbackReaderCommands]));

        // Least privilege, asked of the server while the default user may still ask it.
        Assert.Equal("+OK", await server.CommandAsync("ACL", "DRYRUN", "cc-sdk", "XADD", "cc:{fb}:feedback", "*", "k", "v"));
        Assert.Equal("+OK", await server.CommandAsync("ACL", "DRYRUN", "cc-reader", "XRANGE", "cc:{fb}:feedback", "-", "+"));
        Assert.Contains("no permissions to run the 'xrange' command", await server.CommandAsync("ACL", "DRYRUN", "cc-sdk", "XRANGE", "cc:{fb}:feedback", "-", "+"), StringComparison.Ordinal);
        Assert.Contains("no permissions to run the 'xadd' command", await server.CommandAsync("ACL", "DRYRUN", "cc-reader", "XADD", "cc:{fb}:feedback", "*", "k", "v"), StringComparison.Ordinal);
        Assert.Contains("no permissions to access", await server.CommandAsync("ACL", "DRYRUN", "cc-reader", "XRANGE", "cc:{fb}:catalog", "-", "+"), StringComparison.Ordinal);
        // Every connection, the subscription included, logs in as its named user: the default user is off.
        Assert.Equal("+OK", await server.CommandAsync("ACL", "SETUSER", "default", "off"));
        await using var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(server, ns, o =>
        {
            o.User = "cc-publisher";
            o.Password = "publisher-password-1";
        }));
        await publisher.PublishCatalogAsync(TestCatalog.Create());
        var sdk = RedisHarness.Options(server, ns, o =>
        {
            o.User = "cc-sdk";
            o.Password = "sdk-password-1";
        });
        await using var store = new RedisCreditStore(sdk, new CreditCheckOptions(), null, TimeProvider.System, null);
        await store.StartAsync();
        var checks = await FeedbackData.HarnessAsync();
        await using var feedback = Feedback(store, server, ns, time: checks.Time);

        var records = await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(checks)).AllExecuted());
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)), feedback.Status.LastError);

        await using var reader = await RedisFeedbackReader.ConnectAsync(RedisHarness.Options(server, ns, o =>
        {
            o.User = "cc-reader";
            o.Password = "reader-password-1";
        }));
        reader.ClockMargin = TimeSpan.FromDays(3650);
        var read = await reader.ReadAsync(CheckerHarness.Now.AddHours(-1), CheckerHarness.Now.AddHours(1)).ToListAsync();
        Assert.Equal(records.Select(r => r.Key), read.Select(r => r.Key));
    }
}

/// <summary>The suite on a Redis Cluster of 3 primaries and 3 replicas.</summary>
public sealed class RedisClusterFeedbackTests(RedisClusterFixture cluster) : RedisFeedbackSuite, IClassFixture<RedisClusterFixture>
{
    protected override IRedisDeployment Redis => cluster.Cluster;
}
