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

    internal static CreditFeedback Feedback(RedisCreditStore store, IRedisDeployment server, string ns, LogCapture? logs = null, TimeProvider? time = null, bool acknowledgeOnDelivery = false) =>
        new(
            new FeedbackOptions { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500), BatchSize = 50, AcknowledgeOnDelivery = acknowledgeOnDelivery },
            new RedisFeedbackSink(store, RedisHarness.Options(server, ns, o => o.OperationTimeout = TimeSpan.FromMilliseconds(500)), TimeProvider.System),
            time ?? TimeProvider.System,
            logs?.Factory());

    private const int RepeatNotRecordedLogged = 3013;
    private const int KeptByStoreLogged = 3015;

    private static string Json(FeedbackRecord record) => FeedbackJson.Serialize(record);

    [Fact]
    public async Task NamespaceNoPublisherSetUp_FeedbackIsKeptNotWritten_ThenDeliveredOnceItIs()
    {
        // Found from outside: a host on a mistyped namespace created its stream and meta there and counted the records
        // delivered into a stream nobody reads. Meta without the secret's fingerprint is what such a namespace (or one
        // flushed and not published again) looks like.
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync();
        var checks = await FeedbackData.HarnessAsync();
        await using var feedback = Feedback(store, Redis, harness.Namespace);
        var decision = await FeedbackData.DeniedAsync(checks);
        using var admin = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var db = admin.GetDatabase();
        var (meta, stream) = ($"cc:{{{harness.Namespace}}}:meta", $"cc:{{{harness.Namespace}}}:feedback");
        var fingerprint = await db.HashGetAsync(meta, "fingerprint");
        await db.HashDeleteAsync(meta, "fingerprint");

        var records = await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted());
        Assert.False(await feedback.FlushAsync(TimeSpan.FromSeconds(2)));
        Assert.Contains("NONAMESPACE", feedback.Status.LastError, StringComparison.Ordinal);
        Assert.False(await db.KeyExistsAsync(stream));
        Assert.False(await db.HashExistsAsync(meta, "feedbackDelivered"));
        Assert.Equal(records.Count, feedback.Status.Backlog);

        await db.HashSetAsync(meta, "fingerprint", fingerprint);
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)), feedback.Status.LastError);
        Assert.Equal(records.Select(r => r.Key), (await StreamAsync(Redis, harness.Namespace)).Select(e => e.Key));
    }

    [Fact]
    public async Task TwoHosts_ReportedInOneRepeatedInTheOther_AnsweredWithTheFirstRecordAsARepeat_StreamHoldsItOnce()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var storeA = await harness.StartStoreAsync();
        var storeB = await harness.StartStoreAsync(); // another host: a connection of its own
        var checks = await FeedbackData.HarnessAsync();
        var laterClock = new FakeTimeProvider(checks.Time.GetUtcNow().AddMinutes(7));
        using var logsB = new LogCapture();
        await using var a = Feedback(storeA, Redis, harness.Namespace, time: checks.Time);
        await using var b = Feedback(storeB, Redis, harness.Namespace, logsB, laterClock);
        var decision = await FeedbackData.DeniedAsync(checks);

        var first = await a.ReportAsync(FeedbackReport.For(decision).AllExecuted());
        Assert.True(await a.FlushAsync(TimeSpan.FromSeconds(10)), a.Status.LastError);
        var again = await b.ReportAsync(FeedbackReport.For(decision).Executed("procurement-refusal").NotExecuted("everywhere-notice", "系统未对接"));
        var once = await b.ReportAsync(FeedbackReport.For(decision).AllExecuted());
        Assert.True(await b.FlushAsync(TimeSpan.FromSeconds(10)), b.Status.LastError);

        // B answers with A's records (their results and reportedAt), marked as repeats, and delivers nothing.
        Assert.All(again.Concat(once), r => Assert.True(r.IsRepeat));
        Assert.Equal(first.Select(Json), again.Select(Json));
        Assert.Equal(first.Select(Json), once.Select(Json));
        Assert.All(again, r => Assert.Equal(checks.Time.GetUtcNow(), r.ReportedAt));
        Assert.Equal(0, b.Status.Delivered);
        var stream = await StreamAsync(Redis, harness.Namespace);
        Assert.Equal(first.Select(r => (r.Key, Json(r))), stream.Select(e => (e.Key, e.Json)));
        // The repeat with another result is logged as in one process (3013), naming what is recorded.
        var logged = Assert.Single(logsB.Of(RepeatNotRecordedLogged));
        Assert.Contains(first[1].Key, logged.Message, StringComparison.Ordinal);
        Assert.Contains("recorded as Executed", logged.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task TwoHosts_OneMeasureReportedThroughBothAtOnce_StoredOnce_OneAnsweredAsRecordedTheOtherAsItsRepeat()
    {
        // Bounded: 20 rounds (at most a minute), each one decision reported through both hosts at the same moment. The
        // hosts acknowledge on delivery, as the service does, so that the answer can say which record the store kept.
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var storeA = await harness.StartStoreAsync();
        var storeB = await harness.StartStoreAsync();
        var checks = await FeedbackData.HarnessAsync();
        var otherClock = new FakeTimeProvider(checks.Time.GetUtcNow().AddSeconds(30)); // tells the two hosts' records apart
        using var logsA = new LogCapture();
        using var logsB = new LogCapture();
        await using var a = Feedback(storeA, Redis, harness.Namespace, logsA, checks.Time, acknowledgeOnDelivery: true);
        await using var b = Feedback(storeB, Redis, harness.Namespace, logsB, otherClock, acknowledgeOnDelivery: true);
        var recorded = new List<FeedbackRecord>();
        var clock = Stopwatch.StartNew();

        for (var round = 0; round < 20 && clock.Elapsed < TimeSpan.FromMinutes(1); round++)
        {
            var decision = await FeedbackData.DeniedAsync(checks);
            var throughA = a.ReportAsync(FeedbackReport.For(decision).AllExecuted()).AsTask();
            var throughB = b.ReportAsync(FeedbackReport.For(decision).AllExecuted()).AsTask();
            var answers = await Task.WhenAll(throughA, throughB);

            for (var i = 0; i < answers[0].Count; i++)
            {
                var (x, y) = (answers[0][i], answers[1][i]);
                Assert.True(x.IsRepeat != y.IsRepeat, $"round {round}, {x.Key}: answered IsRepeat {x.IsRepeat} through A and {y.IsRepeat} through B");
                var (kept, repeat) = x.IsRepeat ? (y, x) : (x, y);
                Assert.Equal(Json(kept), Json(repeat)); // the repeat is answered with the record kept
                recorded.Add(kept);
            }
        }

        var stream = await StreamAsync(Redis, harness.Namespace);
        Assert.Equal(recorded.Count, stream.Count);
        Assert.Equal(recorded.Select(r => (r.Key, Json(r))).Order(), stream.Select(e => (e.Key, e.Json)).Order());
        // At least once both hosts found nothing at the report and the append script chose (not only the lookup).
        Assert.NotEmpty(logsA.Of(KeptByStoreLogged).Concat(logsB.Of(KeptByStoreLogged)));
    }

    [Fact]
    public async Task StreamTrimmed_TheKeyIndexIsPrunedWithIt_ARepeatOfATrimmedRecordIsRecordedAgain()
    {
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var storeA = await harness.StartStoreAsync();
        var storeB = await harness.StartStoreAsync();
        var checks = await FeedbackData.HarnessAsync();
        await using var a = Feedback(storeA, Redis, harness.Namespace, time: checks.Time);
        await using var b = Feedback(storeB, Redis, harness.Namespace, time: checks.Time);
        var decisions = new List<CreditDecision>();
        for (var i = 0; i < 3; i++)
        {
            decisions.Add(await FeedbackData.DeniedAsync(checks));
            await a.ReportAsync(FeedbackReport.For(decisions[^1]).AllExecuted());
        }

        Assert.True(await a.FlushAsync(TimeSpan.FromSeconds(10)), a.Status.LastError);
        var stream = await StreamAsync(Redis, harness.Namespace);
        Assert.Equal(6, stream.Count);
        var index = (RedisKey)$"cc:{{{harness.Namespace}}}:feedback:keys";
        using var direct = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var db = direct.GetDatabase();
        Assert.Equal(6, await db.SortedSetLengthAsync(index));

        // The platform trims what it collected (the first two reports); the next append prunes their keys.
        await db.ExecuteAsync("XTRIM", (RedisKey)$"cc:{{{harness.Namespace}}}:feedback", "MINID", stream[4].Id);
        await a.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(checks)).AllExecuted());
        Assert.True(await a.FlushAsync(TimeSpan.FromSeconds(10)), a.Status.LastError);
        Assert.Equal(4, await db.SortedSetLengthAsync(index));

        // A record the stream still holds is a repeat; a trimmed one is recorded again (readers and the platform keep each key once).
        Assert.All(await b.ReportAsync(FeedbackReport.For(decisions[2]).AllExecuted()), r => Assert.True(r.IsRepeat));
        Assert.All(await b.ReportAsync(FeedbackReport.For(decisions[0]).AllExecuted()), r => Assert.False(r.IsRepeat));
        Assert.True(await b.FlushAsync(TimeSpan.FromSeconds(10)), b.Status.LastError);
        Assert.Equal(6, await db.SortedSetLengthAsync(index));
        Assert.Equal(6, (await StreamAsync(Redis, harness.Namespace)).Count);
    }

    [Fact]
    public async Task ARecordPastThe1023rdEntryOfItsMillisecond_IsStillFoundByItsKey()
    {
        // The index scores an entry by its id, ms × 1024 + seq, with seq capped at 1023; entries past it share that
        // score and are found by scanning the millisecond. Written by hand: 1,200 entries in the millisecond 1000.
        await using var harness = await RedisHarness.CreateAsync(Redis);
        var store = await harness.StartStoreAsync();
        var checks = await FeedbackData.HarnessAsync();
        var decision = await FeedbackData.DeniedAsync(checks);
        var records = FeedbackRecord.FromReport(FeedbackReport.For(decision).AllExecuted(), checks.Time.GetUtcNow());
        using (var direct = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration))
        {
            var stream = (RedisKey)$"cc:{{{harness.Namespace}}}:feedback";
            var index = (RedisKey)$"cc:{{{harness.Namespace}}}:feedback:keys";
            var batch = direct.GetDatabase().CreateBatch();
            var writes = new List<Task>();
            for (var seq = 0; seq < 1200; seq++)
            {
                var record = seq == 1100 ? records[0] : seq == 1150 ? records[1] : records[0] with { Key = $"filler-{seq}" };
                writes.Add(batch.ExecuteAsync("XADD", stream, $"1000-{seq}", "key", record.Key, "record", Json(record)));
                writes.Add(batch.SortedSetAddAsync(index, record.Key, (1000 * 1024) + Math.Min(seq, 1023)));
            }

            batch.Execute();
            await Task.WhenAll(writes);
        }

        await using var feedback = Feedback(store, Redis, harness.Namespace, time: new FakeTimeProvider(checks.Time.GetUtcNow().AddMinutes(1)));
        var answer = await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted());

        Assert.All(answer, r => Assert.True(r.IsRepeat));
        Assert.Equal(records.Select(Json), answer.Select(Json));
    }

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

    [Fact(Timeout = 120_000)]
    public async Task RedisDownWhenARepeatComesThroughAnotherHost_AcceptedAndLogged_StoredOnceWhenRedisIsBack()
    {
        await using var server = await RedisServer.StartAsync();
        await using var harness = await RedisHarness.CreateAsync(server);
        var storeA = await harness.StartStoreAsync(configure: o => o.OperationTimeout = TimeSpan.FromMilliseconds(500));
        var storeB = await harness.StartStoreAsync(configure: o => o.OperationTimeout = TimeSpan.FromMilliseconds(500));
        var checks = await FeedbackData.HarnessAsync();
        using var logsB = new LogCapture();
        await using var a = Feedback(storeA, server, harness.Namespace, time: checks.Time);
        await using var b = Feedback(storeB, server, harness.Namespace, logsB, new FakeTimeProvider(checks.Time.GetUtcNow().AddMinutes(3)));
        var decision = await FeedbackData.DeniedAsync(checks);
        var first = await a.ReportAsync(FeedbackReport.For(decision).AllExecuted());
        Assert.True(await a.FlushAsync(TimeSpan.FromSeconds(10)), a.Status.LastError);

        // Redis cannot say what it holds: the repeat is not refused nor held up; it is accepted, and that is logged.
        await server.KillAsync();
        var clock = Stopwatch.StartNew();
        var accepted = await b.ReportAsync(FeedbackReport.For(decision).AllExecuted());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the report waited {clock.Elapsed}");
        Assert.All(accepted, r => Assert.False(r.IsRepeat));
        Assert.Contains("they are accepted", Assert.Single(logsB.Of(3014)).Message, StringComparison.Ordinal);

        // Back: the delivery keeps A's records (the first), appends nothing, and B answers later repeats with them.
        await server.RestartAsync();
        Assert.True(await b.FlushAsync(TimeSpan.FromSeconds(30)), b.Status.LastError);
        var stream = await StreamAsync(server, harness.Namespace);
        Assert.Equal(first.Select(r => (r.Key, FeedbackJson.Serialize(r))), stream.Select(e => (e.Key, e.Json)));
        Assert.Equal(2, logsB.Of(3015).Count);
        var later = await b.ReportAsync(FeedbackReport.For(decision).AllExecuted());
        Assert.All(later, r => Assert.True(r.IsRepeat));
        Assert.Equal(first.Select(FeedbackJson.Serialize), later.Select(FeedbackJson.Serialize));
    }

    [Fact]
    public async Task SdkUserWithTheAclOfAnOlderVersion_FeedbackIsStillDelivered_AndTheMissingRightsAreNamed()
    {
        // Found by review: the key index's commands (XRANGE, ZSCORE, ZREMRANGEBYSCORE) are new in RedisAcl.SdkCommands; a
        // namespace whose SDK user was set up before would refuse every delivery (NOPERM) until an operator noticed.
        await using var server = await RedisServer.StartAsync();
        const string ns = "fbold";
        string[] older = [.. RedisAcl.SdkCommands.Where(c => c is not ("+xrange" or "+zscore" or "+zremrangebyscore"))];
        Assert.Equal("+OK", await server.CommandAsync([.. "ACL SETUSER cc-sdk on >sdk-password-1 ~cc:{fbold}:* &cc:{fbold}:notify".Split(' '), .. older]));
        Assert.Contains("no permissions to run the 'xrange' command", await server.CommandAsync("ACL", "DRYRUN", "cc-sdk", "XRANGE", "cc:{fbold}:feedback", "-", "+"), StringComparison.Ordinal);
        await using var publisher = await RedisCreditPublisher.ConnectAsync(RedisHarness.Options(server, ns));
        await publisher.PublishCatalogAsync(TestCatalog.Create());
        var logs = new LogCapture();
        await using var store = new RedisCreditStore(RedisHarness.Options(server, ns, o =>
        {
            o.User = "cc-sdk";
            o.Password = "sdk-password-1";
        }), new CreditCheckOptions(), null, TimeProvider.System, logs.Factory());
        await store.StartAsync();
        var checks = await FeedbackData.HarnessAsync();
        await using var feedback = Feedback(store, server, ns, logs, time: checks.Time);

        var records = await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(checks)).AllExecuted());
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)), feedback.Status.LastError);

        Assert.Equal(records.Select(r => r.Key), (await StreamAsync(server, ns)).Select(e => e.Key));
        Assert.Contains("may not run XRANGE, ZSCORE, ZREMRANGEBYSCORE or ZADD", Assert.Single(logs.Of(2154)).Message, StringComparison.Ordinal);
        Assert.Empty(logs.Of(3014)); // the lookup does not fail on every report either
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
        // The SDK reads the record held under a key (a repeat through another host is answered with it) and indexes the keys.
        Assert.Equal("+OK", await server.CommandAsync("ACL", "DRYRUN", "cc-sdk", "XRANGE", "cc:{fb}:feedback", "-", "+"));
        Assert.Equal("+OK", await server.CommandAsync("ACL", "DRYRUN", "cc-sdk", "ZSCORE", "cc:{fb}:feedback:keys", "k"));
        Assert.Contains("no permissions", await server.CommandAsync("ACL", "DRYRUN", "cc-reader", "ZSCORE", "cc:{fb}:feedback:keys", "k"), StringComparison.Ordinal);
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
