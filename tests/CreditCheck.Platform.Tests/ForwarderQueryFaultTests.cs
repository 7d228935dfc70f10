using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CreditCheck.Platform.Tests.Support;
using CreditCheck.Redis;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using RedisServer = CreditCheck.Tests.Support.RedisServer;

namespace CreditCheck.Platform.Tests;

/// <summary>Faults of the feedback forwarder and the query-through store found from outside, each against the real
/// pieces (the reference or the Python platform, a TCP proxy that cuts calls, redis-server, the tool as a process).</summary>
public sealed class ForwarderQueryFaultTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Following_forward_feedback_retries_through_a_platform_that_goes_down_and_a_call_cut_mid_way_and_stops_on_SIGTERM_with_its_summary()
    {
        // Found from outside: "The response ended prematurely" was read as a wrong scheme: exit 3, "try https://".
        await using var platform = await PlatformProcess.StartAsync();
        await using var proxy = new CuttingProxy(platform.Address);
        await using var harness = await RelayHarness.StartAsync();
        await (await harness.PublisherAsync()).DisposeAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        await AddFeedbackAsync(redis, harness.Namespace, 10);
        await using var tool = CliProcess.Start(harness.Environment(), "platform", "forward-feedback", "--platform", proxy.Address.ToString(), "--client", PlatformProcess.Client);
        await WaitForFeedbackAsync(platform, 10, tool);

        // Down: connections close, new ones fail their HTTP/2 handshake. The address answered before: retried.
        proxy.Down();
        await AddFeedbackAsync(redis, harness.Namespace, 10);
        await tool.WaitForOutputAsync(_ => tool.Error.Contains("retrying", StringComparison.Ordinal), Long);
        Assert.False(tool.Process.HasExited, tool.ToString());
        proxy.Up();
        await WaitForFeedbackAsync(platform, 20, tool);

        // A call cut mid-way: retried too.
        proxy.CutNextCall();
        await AddFeedbackAsync(redis, harness.Namespace, 10);
        await WaitForFeedbackAsync(platform, 30, tool);
        Assert.Equal(1, proxy.Cuts);

        Signal(tool.Process, "TERM");
        await tool.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(tool.Process.ExitCode == 0, tool.ToString());
        // The cut call may have been stored before its answer was lost: sent again, it is a duplicate. Each key once. The
        // TERM may also come while that retry is still pending (seen in CI: 22 new, 8 pending, the platform holding 30):
        // a stopping forwarder leaves it for its next run, which the platform answers as duplicates.
        var summary = System.Text.RegularExpressions.Regex.Match(tool.Output, @"Feedback forwarded: (\d+) new, (\d+) duplicates, 0 rejected \(set aside in [^)]*\), (\d+) pending;");
        Assert.True(summary.Success, tool.ToString());
        Assert.Equal(30, summary.Groups.Values.Skip(1).Sum(g => int.Parse(g.Value, CultureInfo.InvariantCulture)));
        Assert.Equal(30, (long)(await platform.GetStateAsync())["feedback"]!);
        Assert.DoesNotContain("scheme", tool.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_feedback_once_retries_a_call_cut_mid_way_instead_of_blaming_the_scheme()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var proxy = new CuttingProxy(platform.Address);
        await using var harness = await RelayHarness.StartAsync();
        await (await harness.PublisherAsync()).DisposeAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        await AddFeedbackAsync(redis, harness.Namespace, 5);
        proxy.CutNextCall(); // the first call, once its connection is set up

        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "forward-feedback", "--platform", proxy.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--give-up-after", "30");

        Assert.True(code == 0, $"exit {code}:\n{output}\n{error}");
        Assert.Equal(1, proxy.Cuts);
        Assert.Contains("Feedback forwarded: 5 new", output, StringComparison.Ordinal);
        Assert.DoesNotContain("scheme", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_feedback_once_that_leaves_records_unacknowledged_exits_6_saying_they_stay_pending()
    {
        // Found from outside: --once exited 0 when the platform acknowledged nothing; only the summary said "pending".
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), "[]");
        await using var harness = await RelayHarness.StartAsync();
        await (await harness.PublisherAsync()).DisposeAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        await AddFeedbackAsync(redis, harness.Namespace, 3);
        string[] args = ["platform", "forward-feedback", "--platform", python.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--give-up-after", "5"];
        await python.SetAckModeAsync("none");

        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long, args);

        Assert.True(code == 6, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("), 3 pending;", output, StringComparison.Ordinal);
        Assert.Contains("3 record(s) were not acknowledged by the platform", error, StringComparison.Ordinal);
        Assert.Contains("3 条反馈未获信用平台确认", error, StringComparison.Ordinal);

        // Acknowledged on the next run: done, exit 0, nothing pending.
        await python.SetAckModeAsync("all");
        (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long, args);
        Assert.True(code == 0, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("Feedback forwarded: 3 new", output, StringComparison.Ordinal);
        Assert.Contains("), 0 pending;", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Platform_sync_once_retries_a_call_cut_mid_way_instead_of_blaming_the_scheme()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var proxy = new CuttingProxy(platform.Address);
        await using var harness = await RelayHarness.StartAsync();
        proxy.CutNextCall();

        var output = await harness.SyncOnceAsync(proxy.Address);

        Assert.Equal(1, proxy.Cuts);
        Assert.Contains("1 snapshot(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_feedback_refuses_a_namespace_that_does_not_exist_creating_nothing_and_a_wrong_secret()
    {
        await using var harness = await RelayHarness.StartAsync();
        await (await harness.PublisherAsync()).DisposeAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        await AddFeedbackAsync(redis, harness.Namespace, 1);
        string[] args = ["platform", "forward-feedback", "--platform", "http://127.0.0.1:1", "--client", PlatformProcess.Client, "--once", "--give-up-after", "1"];

        var typo = new Dictionary<string, string>(harness.Environment()) { ["CREDITCHECK_NAMESPACE"] = harness.Namespace + "x" };
        var (code, output, error) = await CliProcess.RunAsync(typo, Long, args);
        Assert.True(code == 5, $"exit {code}:\n{output}\n{error}");
        Assert.Contains(harness.Namespace, error, StringComparison.Ordinal); // the namespaces that do exist
        Assert.False(await redis.GetDatabase().KeyExistsAsync($"cc:{{{harness.Namespace}x}}:feedback"));

        var wrong = new Dictionary<string, string>(harness.Environment()) { ["CREDITCHECK_SECRET"] = "another-secret-0123456789" };
        (code, output, error) = await CliProcess.RunAsync(wrong, Long, args);
        Assert.True(code == 4, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("different secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_while_following_reports_the_records_still_pending_in_Redis()
    {
        await using var harness = await RelayHarness.StartAsync();
        await (await harness.PublisherAsync()).DisposeAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        await AddFeedbackAsync(redis, harness.Namespace, 7);
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens: every call is refused, the records stay pending

        await using var tool = CliProcess.Start(harness.Environment(), "platform", "forward-feedback", "--platform", $"http://127.0.0.1:{port}", "--client", PlatformProcess.Client);
        await tool.WaitForOutputAsync(_ => tool.Error.Contains("retrying", StringComparison.Ordinal), Long);
        Signal(tool.Process, "INT");
        await tool.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(tool.Process.ExitCode == 0, tool.ToString());
        Assert.Contains("0 new, 0 duplicates, 0 rejected (set aside in", tool.Output, StringComparison.Ordinal);
        Assert.Contains("), 7 pending;", tool.Output, StringComparison.Ordinal);
        Assert.Equal(7, (await redis.GetDatabase().StreamPendingAsync($"cc:{{{harness.Namespace}}}:feedback", "platform-forwarder")).PendingMessageCount);
    }

    [Fact]
    public async Task A_platform_that_does_not_answer_in_time_is_named_so_not_unreachable()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var proxy = new CuttingProxy(platform.Address);
        await using var harness = await RelayHarness.StartAsync();
        await (await harness.PublisherAsync()).DisposeAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        await AddFeedbackAsync(redis, harness.Namespace, 1);
        proxy.Stall();

        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "forward-feedback", "--platform", proxy.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--give-up-after", "1");

        Assert.True(code == 3, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("did not answer within the call deadline of 5 s", error, StringComparison.Ordinal);
        Assert.Contains("未在调用时限内答复", error, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be reached", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(DeadlineExceeded: )", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Platform_sync_once_against_a_platform_that_never_answers_names_the_deadline_not_an_unreachable_platform()
    {
        // A platform that takes the connection and never answers: connections are accepted and held open, what the
        // client sends is read and dropped. (Not CuttingProxy.Stall: the platform behind it closes the proxy's silent
        // connection after Kestrel's 130 s keep-alive, which the last attempt then sees as a failed handshake.)
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var held = new List<System.Net.Sockets.TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var client = await silent.AcceptTcpClientAsync(stop.Token);
                    held.Add(client);
                    _ = client.GetStream().CopyToAsync(Stream.Null, stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // stopped
            }
        });
        var address = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/");
        await using var harness = await RelayHarness.StartAsync();

        // --once gives up after its 8 attempts (each bounded by the 5 s call deadline, with backoff 1 s doubling to 30 s
        // between them: about 130 s) with the platform's raw DeadlineExceeded.
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), TimeSpan.FromMinutes(4),
            "platform", "sync", "--platform", address.ToString(), "--client", PlatformProcess.Client, "--once");
        await stop.CancelAsync();
        silent.Stop();
        await accepting;
        held.ForEach(c => c.Dispose());

        Assert.True(code == 3, $"exit {code}:\n{output}\n{error}");
        var last = error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Contains($"信用平台 {address} 未在调用时限（5 秒）内答复 — ", last, StringComparison.Ordinal);
        Assert.Contains($"the platform {address} did not answer within the call deadline of 5 s", last, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be reached", last, StringComparison.Ordinal);
        Assert.DoesNotContain("无法连接", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_through_finds_an_entry_listed_under_the_embedded_organization_code_as_a_replica_does()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var platform = await PlatformProcess.StartAsync();
        var subject = SubjectId.Parse(TestIds.Company(900_001), SubjectKind.LegalEntity);
        var older = subject.EmbeddedOrganizationCode!.Value;
        Assert.Equal("009000015", older.Value);
        await platform.UpsertAsync(PlatformProcess.Entry("court-dishonest-debtors", older.Value, "org-1"));
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, platform);
        var checker = host.Services.GetRequiredService<ICreditChecker>();

        var single = await checker.CheckAsync(new CheckRequest(subject, "procurement"));
        var batch = await checker.CheckManyAsync([new CheckRequest(SubjectId.Parse(TestIds.Company(900_002), SubjectKind.LegalEntity), "procurement"), new CheckRequest(subject, "procurement")]);
        var cached = await checker.CheckAsync(new CheckRequest(subject, "procurement"));

        foreach (var decision in new[] { single, batch[1], cached })
        {
            Assert.Equal(DecisionOutcome.Denied, decision.Outcome);
            var match = Assert.Single(decision.MatchedEntries);
            Assert.Equal("org-1", match.Entry.EntryId);
            Assert.Equal(IdentifierScheme.OrganizationCode, match.MatchedBy);
        }

        Assert.Equal(DecisionOutcome.Clear, batch[0].Outcome);
        Assert.Equal(DecisionPath.Cache, cached.Path);
    }

    [Fact]
    public async Task Query_through_reads_an_entry_of_unspecified_status_as_unreadable_never_Clear_nor_in_force()
    {
        var subject = SubjectId.Parse(TestIds.Company(910_001), SubjectKind.LegalEntity);
        var entries = JsonSerializer.Serialize(new[]
        {
            new Dictionary<string, object>
            {
                ["subject"] = subject.Value,
                ["subjectKind"] = "SUBJECT_KIND_LEGAL_ENTITY",
                ["listCode"] = "court-dishonest-debtors",
                ["entryId"] = "unspecified-1",
                ["listedOn"] = "2026-01-05T00:00:00+08:00",
            },
        });
        await using var redis = await RedisServer.StartAsync();
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), entries);
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, python.Address);

        var decision = await host.Services.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(subject, "procurement"));

        Assert.Equal(DecisionOutcome.Review, decision.Outcome);
        Assert.Empty(decision.MatchedEntries);
        Assert.Contains("ENTRY_STATUS_UNSPECIFIED", Assert.Single(decision.UnreadableEntries).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_with_nowhere_to_go_is_refused_not_acknowledged()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var platform = await PlatformProcess.StartAsync();
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, platform); // UsePlatform alone: no feedback sink
        var decision = await host.Services.GetRequiredService<ICreditChecker>().CheckAsync(
            new CheckRequest(SubjectId.Parse(TestIds.Company(920_001), SubjectKind.LegalEntity), "procurement"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await host.Services.GetRequiredService<ICreditFeedback>().ReportAsync(FeedbackReport.For(decision)));

        Assert.Contains("Feedback has nowhere to go", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AddFeedbackForwarding", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.Services.GetRequiredService<CreditFeedback>().Status.Backlog);
    }

    [Fact]
    public async Task Query_through_bypasses_the_cache_once_the_Sync_stream_falls_silent()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), "[]"); // heartbeats every second
        using var host = await QueryThroughTests.QueryThroughHostAsync(redis, python.Address, o => o.StreamIdleTimeout = TimeSpan.FromSeconds(3));
        var checker = host.Services.GetRequiredService<ICreditChecker>();
        var subject = new CheckRequest(SubjectId.Parse(TestIds.Company(930_001), SubjectKind.LegalEntity), "procurement");
        await checker.CheckAsync(subject);
        Assert.Equal(DecisionPath.Cache, (await checker.CheckAsync(subject)).Path);

        Signal(python.ProcessId, "STOP"); // hung: the stream stays open and silent
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            var silent = await checker.CheckAsync(subject);
            Assert.NotEqual(DecisionPath.Cache, silent.Path);
            Assert.True(silent.IsDegraded); // the platform does not answer the query either
        }
        finally
        {
            Signal(python.ProcessId, "CONT");
        }
    }

    private static void Signal(Process process, string signal) => Signal(process.Id, signal);

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static async Task AddFeedbackAsync(ConnectionMultiplexer redis, string ns, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var record = FeedbackForwardingTests.Record(Guid.NewGuid().ToString("N") + ":-");
            await redis.GetDatabase().StreamAddAsync($"cc:{{{ns}}}:feedback", [new("key", record.Key), new("record", FeedbackJson.Serialize(record))]);
        }
    }

    private static async Task WaitForFeedbackAsync(PlatformProcess platform, long count, CliProcess tool)
    {
        var until = Stopwatch.StartNew();
        while ((long)(await platform.GetStateAsync())["feedback"]! < count)
        {
            if (tool.Process.HasExited)
            {
                await tool.WaitForExitAsync(TimeSpan.FromSeconds(10));
                Assert.Fail($"The tool exited ({tool.Process.ExitCode}).\n{tool}");
            }

            Assert.True(until.Elapsed < Long, $"The platform does not hold {count} records.\n{tool}");
            await Task.Delay(50);
        }
    }
}
