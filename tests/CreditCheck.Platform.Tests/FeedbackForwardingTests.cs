using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.Platform.Tests.Support;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using RedisServer = CreditCheck.Tests.Support.RedisServer;

namespace CreditCheck.Platform.Tests;

/// <summary>Feedback a host reports to its Redis namespace reaches the reference platform (a real process) once
/// per key: through a platform outage, a forwarder killed with -9 mid-run, and with rejected records set aside.</summary>
public sealed class FeedbackForwardingTests
{
    internal const string RedisSecret = "forward-test-secret-0123456789";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Feedback_reaches_the_platform_once_per_key_through_a_platform_outage_and_a_forwarder_kill_9()
    {
        await using var redis = await RedisServer.StartAsync();
        var ns = "f" + Guid.NewGuid().ToString("N")[..10];
        using var host = await ReportingHostAsync(redis, ns);
        await using var platform = await PlatformProcess.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);

        // Before the outage: forwarded at once.
        var keys = await ReportAsync(host, 100);
        using (var first = Forwarder(connection, ns, platform, "host-a"))
        {
            var summary = await first.ForwardAvailableAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(new FeedbackForwardSummary(100, 0, 0, 0), summary);
        }

        // The platform is down: records reported now stay pending; the forwarder gives up naming the platform.
        await platform.KillAsync();
        keys.AddRange(await ReportAsync(host, 1_500));
        using (var second = Forwarder(connection, ns, platform, "host-a"))
        {
            var down = await Assert.ThrowsAsync<PlatformUnavailableException>(() => second.ForwardAvailableAsync(TimeSpan.FromSeconds(2)));
            Assert.Contains(platform.Address.ToString().TrimEnd('/'), down.Message, StringComparison.Ordinal);
        }

        var group = (await connection.GetDatabase().StreamGroupInfoAsync($"cc:{{{ns}}}:feedback")).Single();
        Assert.Equal(1_500, group.PendingMessageCount + (group.Lag ?? 0)); // nothing acknowledged, nothing lost

        // Back up; the tool forwards under another consumer name (it claims host-a's records after 1 s idle)
        // and is killed with -9 part-way through.
        await platform.RestartAsync();
        var environment = new Dictionary<string, string>
        {
            ["CREDITCHECK_REDIS"] = redis.Configuration,
            ["CREDITCHECK_NAMESPACE"] = ns,
            ["CREDITCHECK_SECRET"] = RedisSecret,
            ["CREDITCHECK_PLATFORM_SECRET"] = PlatformProcess.Secret,
        };
        string[] args = ["platform", "forward-feedback", "--platform", platform.Address.ToString(), "--client", PlatformProcess.Client, "--consumer", "tool-1", "--claim-idle-seconds", "1", "--batch", "5"];
        long killedAt;
        using (var tool = ToolProcess.Start(environment, args))
        {
            killedAt = await WaitForFeedbackAsync(platform, n => n > 400, tool);
            tool.Kill();
        }

        Assert.InRange(killedAt, 401, 1_599); // killed mid-run, not after it finished

        // Run again with --once under the same name: its own unacknowledged records first, then the rest.
        using (var again = ToolProcess.Start(environment, [.. args, "--once"]))
        {
            Assert.Equal(0, await again.WaitAsync(Patience));
            Assert.Contains("待上报 0 条", again.Output, StringComparison.Ordinal);
        }

        var received = await platform.GetFeedbackAsync();
        var receivedKeys = received.Select(r => (string)r!["record"]!["idempotencyKey"]!).ToList();
        Assert.Equal(keys.Count, receivedKeys.Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), receivedKeys.Order(StringComparer.Ordinal));
        var lines = await File.ReadAllLinesAsync(Path.Combine(platform.DataDirectory, "received-feedback.jsonl"));
        Assert.Equal(keys.Count, lines.Length);

        // Each record carries the SDK's JSON whole.
        var one = received[0]!["record"]!;
        var json = FeedbackJson.Deserialize((string)one["recordJson"]!, out var error);
        Assert.Null(error);
        Assert.Equal((string)one["idempotencyKey"]!, json!.Key);
        Assert.Equal("EXECUTION_RESULT_NOTHING_TO_EXECUTE", (string)one["result"]!);
    }

    [Fact]
    public async Task A_rejected_record_and_an_unreadable_one_are_set_aside_in_the_dead_letter_stream_and_named_in_the_log()
    {
        await using var redis = await RedisServer.StartAsync();
        var ns = "f" + Guid.NewGuid().ToString("N")[..10];
        await using var platform = await PlatformProcess.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var db = connection.GetDatabase();
        var stream = $"cc:{{{ns}}}:feedback";
        var good = Record(Guid.NewGuid().ToString("N") + ":-");
        var blankKey = Record(" "); // the SDK reads it; the reference platform refuses a blank idempotency key
        await db.StreamAddAsync(stream, [new("key", good.Key), new("record", FeedbackJson.Serialize(good))]);
        await db.StreamAddAsync(stream, [new("key", blankKey.Key), new("record", FeedbackJson.Serialize(blankKey))]);
        await db.StreamAddAsync(stream, [new("key", "junk-1"), new("record", "{not json")]);
        var logs = new LogSink();

        using var forwarder = new FeedbackForwarder(connection, ns, Options(platform, "c1"), logs);
        var summary = await forwarder.ForwardAvailableAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new FeedbackForwardSummary(1, 0, 2, 0), summary);
        var dead = await db.StreamRangeAsync(stream + ":dead");
        Assert.Equal(2, dead.Length);
        var rejected = dead.Single(e => e["key"] == " ");
        Assert.StartsWith("rejected by the platform: idempotency_key is empty", (string)rejected["reason"]!, StringComparison.Ordinal);
        Assert.Equal(FeedbackJson.Serialize(blankKey), (string)rejected["record"]!);
        var junk = dead.Single(e => e["key"] == "junk-1");
        Assert.StartsWith("unreadable: invalid record JSON", (string)junk["reason"]!, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains("idempotency_key is empty", StringComparison.Ordinal) && l.Contains(stream + ":dead", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("junk-1", StringComparison.Ordinal));
        Assert.Equal(0, (await db.StreamPendingAsync(stream, "platform-forwarder")).PendingMessageCount);
        Assert.Equal([good.Key], (await platform.GetFeedbackAsync()).Select(r => (string)r!["record"]!["idempotencyKey"]!));
        Assert.Equal(3, await db.StreamLengthAsync(stream)); // not trimmed: the reports read it
    }

    [Fact]
    public async Task An_unreadable_record_is_set_aside_once_though_the_upload_of_its_batch_fails_and_is_retried()
    {
        await using var redis = await RedisServer.StartAsync();
        var ns = "f" + Guid.NewGuid().ToString("N")[..10];
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var db = connection.GetDatabase();
        var stream = $"cc:{{{ns}}}:feedback";
        var good = Record(Guid.NewGuid().ToString("N") + ":-");
        await db.StreamAddAsync(stream, [new("key", "junk-1"), new("record", "{not json")]);
        await db.StreamAddAsync(stream, [new("key", good.Key), new("record", FeedbackJson.Serialize(good))]);

        // Nothing listens at the platform's address: every upload of the batch fails, and the batch is retried.
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var down = new FeedbackForwardingOptions { Consumer = "c1", BatchSize = 200, MaxBackoff = TimeSpan.FromMilliseconds(200) };
        down.Platform.Address = new Uri($"http://127.0.0.1:{port}");
        down.Platform.ClientId = PlatformProcess.Client;
        down.Platform.Secret = PlatformProcess.Secret;
        var logs = new LogSink();
        using (var failing = new FeedbackForwarder(connection, ns, down, logs))
        {
            await Assert.ThrowsAsync<PlatformUnavailableException>(() => failing.ForwardAvailableAsync(TimeSpan.FromSeconds(3)));
            Assert.Equal(1, failing.Totals.Rejected);
        }

        Assert.True(logs.Lines.Count(l => l.Contains("retrying", StringComparison.OrdinalIgnoreCase)) >= 2, string.Join("\n", logs.Lines)); // retried
        Assert.Equal(1, await db.StreamLengthAsync(stream + ":dead"));

        // The platform back: the good record is delivered, the unreadable one is not set aside again.
        await using var platform = await PlatformProcess.StartAsync();
        using var forwarder = new FeedbackForwarder(connection, ns, Options(platform, "c1"));
        Assert.Equal(new FeedbackForwardSummary(1, 0, 0, 0), await forwarder.ForwardAvailableAsync(TimeSpan.FromSeconds(30)));
        var dead = Assert.Single(await db.StreamRangeAsync(stream + ":dead"));
        Assert.Equal("junk-1", (string)dead["key"]!);
        Assert.StartsWith("unreadable: invalid record JSON", (string)dead["reason"]!, StringComparison.Ordinal);
        Assert.Equal(0, (await db.StreamPendingAsync(stream, "platform-forwarder")).PendingMessageCount);
        Assert.Equal([good.Key], (await platform.GetFeedbackAsync()).Select(r => (string)r!["record"]!["idempotencyKey"]!));
    }

    [Fact]
    public async Task The_forwarder_delivers_to_a_platform_written_in_Python_from_the_proto_each_key_once()
    {
        await using var redis = await RedisServer.StartAsync();
        var ns = "f" + Guid.NewGuid().ToString("N")[..10];
        await using var python = await PythonPlatform.StartAsync(CreditCatalog.Default.ToJson(), "[]");
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var db = connection.GetDatabase();
        var stream = $"cc:{{{ns}}}:feedback";
        var records = Enumerable.Range(0, 120).Select(_ => Record(Guid.NewGuid().ToString("N") + ":-")).ToList();
        foreach (var record in records)
        {
            await db.StreamAddAsync(stream, [new("key", record.Key), new("record", FeedbackJson.Serialize(record))]);
        }

        var options = new FeedbackForwardingOptions { Consumer = "py", BatchSize = 50, MaxBackoff = TimeSpan.FromMilliseconds(500) };
        options.Platform.Address = python.Address;
        options.Platform.ClientId = PlatformProcess.Client;
        options.Platform.Secret = PlatformProcess.Secret;
        using (var forwarder = new FeedbackForwarder(connection, ns, options))
        {
            Assert.Equal(new FeedbackForwardSummary(120, 0, 0, 0), await forwarder.ForwardAvailableAsync(TimeSpan.FromSeconds(30)));
        }

        // The first 30 written again (as a forwarder killed before its XACK would re-send them): acknowledged, not stored twice.
        foreach (var record in records.Take(30))
        {
            await db.StreamAddAsync(stream, [new("key", record.Key), new("record", FeedbackJson.Serialize(record))]);
        }

        using (var again = new FeedbackForwarder(connection, ns, options))
        {
            Assert.Equal(new FeedbackForwardSummary(0, 30, 0, 0), await again.ForwardAvailableAsync(TimeSpan.FromSeconds(30)));
        }

        var stored = await python.GetFeedbackAsync();
        Assert.Equal(
            records.Select(r => r.Key).Order(StringComparer.Ordinal),
            stored.Select(s => (string)s!["record"]!["idempotencyKey"]!).Order(StringComparer.Ordinal));
        Assert.All(stored, s => Assert.Equal(PlatformProcess.Client, (string)s!["client"]!));
        Assert.Equal(0, (await db.StreamPendingAsync(stream, "platform-forwarder")).PendingMessageCount);
    }

    [Fact]
    public async Task AddFeedbackForwarding_forwards_a_hosts_feedback_while_it_runs_and_through_an_outage()
    {
        await using var redis = await RedisServer.StartAsync();
        var ns = "f" + Guid.NewGuid().ToString("N")[..10];
        await using var platform = await PlatformProcess.StartAsync();
        using var host = await ReportingHostAsync(redis, ns, b => b.AddFeedbackForwarding(o =>
        {
            o.Platform.Address = platform.Address;
            o.Platform.ClientId = PlatformProcess.Client;
            o.Platform.Secret = PlatformProcess.Secret;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.MaxBackoff = TimeSpan.FromSeconds(2);
        }));

        var keys = await ReportAsync(host, 50);
        await WaitForFeedbackAsync(platform, n => n >= 50);

        // An outage while the host runs: the service retries with backoff and delivers the rest once it is back.
        await platform.KillAsync();
        keys.AddRange(await ReportAsync(host, 600));
        await platform.RestartAsync();
        await WaitForFeedbackAsync(platform, n => n >= 650);

        var received = (await platform.GetFeedbackAsync()).Select(r => (string)r!["record"]!["idempotencyKey"]!);
        Assert.Equal(keys.Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
        await host.StopAsync();
    }

    internal static async Task<IHost> ReportingHostAsync(RedisServer redis, string ns, Action<CreditCheckBuilder>? more = null)
    {
        var options = new RedisStoreOptions { Configuration = redis.Configuration, Namespace = ns, Secret = RedisSecret };
        await using (var publisher = await RedisCreditPublisher.ConnectAsync(options))
        {
            await publisher.PublishCatalogAsync(CreditCatalog.Default);
        }

        var builder = Host.CreateApplicationBuilder();
        var creditCheck = builder.Services.AddCreditCheck().UseRedis(redis.Configuration, o =>
        {
            o.Namespace = ns;
            o.Secret = RedisSecret;
        });
        more?.Invoke(creditCheck);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Checks <paramref name="count"/> clean subjects and reports each; waits until delivered to Redis.</summary>
    private static async Task<List<string>> ReportAsync(IHost host, int count)
    {
        var checker = host.Services.GetRequiredService<ICreditChecker>();
        var feedback = host.Services.GetRequiredService<ICreditFeedback>();
        var keys = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var decision = await checker.CheckAsync(new CheckRequest(SubjectId.Parse(TestIds.Company(500_000 + Random.Shared.Next(1_000_000)), SubjectKind.LegalEntity), "procurement"));
            keys.AddRange((await feedback.ReportAsync(FeedbackReport.For(decision))).Select(r => r.Key));
        }

        Assert.True(await host.Services.GetRequiredService<CreditFeedback>().FlushAsync(Patience));
        return keys;
    }

    private static FeedbackForwarder Forwarder(IConnectionMultiplexer connection, string ns, PlatformProcess platform, string consumer) =>
        new(connection, ns, Options(platform, consumer));

    private static FeedbackForwardingOptions Options(PlatformProcess platform, string consumer)
    {
        var options = new FeedbackForwardingOptions { Consumer = consumer, BatchSize = 200, MaxBackoff = TimeSpan.FromMilliseconds(500) };
        options.Platform.Address = platform.Address;
        options.Platform.ClientId = PlatformProcess.Client;
        options.Platform.Secret = PlatformProcess.Secret;
        return options;
    }

    internal static FeedbackRecord Record(string key) => new()
    {
        Key = key,
        CheckId = Guid.NewGuid(),
        SubjectKind = SubjectKind.LegalEntity,
        SubjectCode = TestIds.Company(42),
        Scenario = "procurement",
        Outcome = DecisionOutcome.Clear,
        CatalogVersion = "test",
        Sequence = 1,
        Lists = [],
        EntryIds = [],
        Result = ExecutionResult.NothingToExecute,
        ExecutedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8)),
        ReportedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 1, TimeSpan.FromHours(8)),
    };

    /// <summary>Polls the platform's count of stored feedback until it satisfies <paramref name="done"/> (bounded).</summary>
    private static async Task<long> WaitForFeedbackAsync(PlatformProcess platform, Func<long, bool> done, ToolProcess? tool = null)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var count = (long)(await platform.GetStateAsync())["feedback"]!;
            if (done(count))
            {
                return count;
            }

            if (deadline.IsCancellationRequested || tool is { HasExited: true })
            {
                throw new TimeoutException($"The platform holds {count} feedback records.{(tool is null ? "" : $" The tool's output:\n{tool.Output}")}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
