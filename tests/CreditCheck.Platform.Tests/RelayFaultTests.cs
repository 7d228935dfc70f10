using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreditCheck.Platform.Tests.Support;
using CreditCheck.Stores;
using StackExchange.Redis;

namespace CreditCheck.Platform.Tests;

/// <summary>Faults of the platform link found from outside, each against the real pieces: the Python platform
/// (built from the proto alone), the operator tool as a process, a redis-server.</summary>
public sealed class RelayFaultTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_change_the_SDK_refuses_is_set_aside_naming_its_number_and_the_relay_goes_on_with_the_next()
    {
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { Entry(1, "wage-arrears", "ok-1") }));
        await using var harness = await RelayHarness.StartAsync();
        Assert.Contains("Platform version 1: 1 snapshot(s)", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);

        var bad = Entry(0, "wage-arrears", "bad-id");
        bad["subject"] = "ABC123";
        Assert.Equal(2, await python.UpsertAsync(bad));
        Assert.Equal(3, await python.UpsertAsync(Entry(3, "no-such-list", "unknown-list")));
        Assert.Equal(4, await python.UpsertAsync(Entry(4, "wage-arrears", "ok-4")));

        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", python.Address.ToString(), "--client", PlatformProcess.Client, "--once", "--json");

        Assert.True(code == 6, $"exit {code}:\n{output}\n{error}"); // partly done: every other change applied
        var summary = JsonNode.Parse(output)!;
        Assert.Equal(4, (long)summary["version"]!);
        Assert.Equal(2, (long)summary["refused"]!);
        Assert.Equal(1, (long)summary["changes"]!);
        Assert.Contains("change 2", error, StringComparison.Ordinal);
        Assert.Contains("ABC123", error, StringComparison.Ordinal);
        Assert.Contains("change 3", error, StringComparison.Ordinal);
        Assert.Contains("no-such-list", error, StringComparison.Ordinal);

        var mark = await harness.MarkAsync();
        Assert.Equal(4, mark.Version);
        Assert.Null(mark.Behind);
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        var refused = (await redis.GetDatabase().ListRangeAsync($"cc:{{{harness.Namespace}}}:platform:refused")).Select(v => JsonNode.Parse((string)v!)!).ToList();
        Assert.Equal([2L, 3L], refused.Select(r => (long)r["version"]!));
        Assert.Contains("bad-id", (string)refused[0]["entry"]!, StringComparison.Ordinal);
        Assert.Contains("not a valid identifier", (string)refused[0]["reason"]!, StringComparison.Ordinal);
        Assert.Equal([false, false], refused.Select(r => (bool)r["storedAsUnreadable"]!)); // no subject to key; a list no catalog has

        var host = await harness.HostAsync();
        Assert.Equal("ok-4", Assert.Single((await host.LookupAsync(RelayTests.Id(4))).Entries).Entry.EntryId);

        // Following: a later refused change does not stop the relay either.
        await using var relay = harness.StartRelay(python.Address);
        await harness.WaitForVersionAsync(4, Long, () => relay.ToString());
        var worse = Entry(0, "wage-arrears", "bad-2");
        worse["subject"] = "ABC123";
        await python.UpsertAsync(worse);
        var last = await python.UpsertAsync(Entry(6, "wage-arrears", "ok-6"));
        await harness.WaitForVersionAsync(last, Long, () => relay.ToString());
        await RelayTests.Eventually(async () => (await host.LookupAsync(RelayTests.Id(6))).Entries.Count == 1, "the change after the refused one reached the host");
        await relay.WaitForOutputAsync(_ => relay.Error.Contains("change 5 (upsert of entry 'bad-2'", StringComparison.Ordinal), Long);
    }

    [Fact]
    public async Task A_change_Redis_cannot_take_marks_the_namespace_behind_so_no_one_is_answered_clear_until_the_retry_applies_it()
    {
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { Entry(1, "wage-arrears", "wa-1") }));
        await using var harness = await RelayHarness.StartAsync();
        await using var relay = harness.StartRelay(python.Address);
        await harness.WaitForVersionAsync(1, Long, () => relay.ToString());
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        var db = redis.GetDatabase();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var entryKeys = $"cc:{{{harness.Namespace}}}:e:*";
        var before = server.Keys(pattern: entryKeys).Select(k => (string)k!).ToHashSet(StringComparer.Ordinal);
        await harness.WaitForVersionAsync(await python.UpsertAsync(Entry(2, "wage-arrears", "wa-2")), Long, () => relay.ToString());
        var damaged = Assert.Single(server.Keys(pattern: entryKeys).Select(k => (string)k!), k => !before.Contains(k));

        // Subject 2's entry hash overwritten by a string: Redis refuses the next change of it (WRONGTYPE), which is no fault of the change.
        await db.KeyDeleteAsync(damaged);
        await db.StringSetAsync(damaged, "damaged by hand");
        var change = await python.UpsertAsync(Entry(2, "wage-arrears", "wa-2b"));
        var host = await harness.HostAsync();
        var checker = new CreditChecker(host, new CreditCheckOptions { OnUnavailable = UnavailablePolicy.FailClosed });
        await RelayTests.Eventually(() => Task.FromResult(host.Status.PlatformBehind?.Contains($"change {change}", StringComparison.Ordinal) == true), "the host read that the relay is behind");

        var clean = await checker.CheckAsync(new CheckRequest(RelayTests.Id(9), "procurement"));
        Assert.Equal(DecisionOutcome.Review, clean.Outcome);
        Assert.Contains($"change {change}", clean.DegradedReason, StringComparison.Ordinal);
        Assert.Contains("WRONGTYPE", (await harness.MarkAsync()).Behind, StringComparison.Ordinal);
        Assert.Equal(change - 1, (await harness.MarkAsync()).Version);

        // Repaired: the relay's retry applies the change and clears the mark; hosts answer clean subjects again.
        await db.KeyDeleteAsync(damaged);
        await harness.WaitForVersionAsync(change, Long, () => relay.ToString());
        Assert.Null((await harness.MarkAsync()).Behind);
        await RelayTests.Eventually(() => Task.FromResult(host.Status.PlatformBehind is null), "the host read that the relay caught up");
        Assert.Equal(DecisionOutcome.Clear, (await checker.CheckAsync(new CheckRequest(RelayTests.Id(9), "procurement"))).Outcome);
        Assert.Contains((await host.LookupAsync(RelayTests.Id(2))).Entries, e => e.Entry.EntryId == "wa-2b");
    }

    [Fact]
    public async Task A_change_ahead_of_its_catalog_change_is_not_passed_over_but_loaded_by_a_snapshot()
    {
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { Entry(1, "wage-arrears", "wa-1") }));
        await using var harness = await RelayHarness.StartAsync();
        await using var relay = harness.StartRelay(python.Address);
        await harness.WaitForVersionAsync(1, Long, () => relay.ToString());

        // The platform's catalog gains a list; its first entry is sent before the catalog change that names the list.
        var catalog = JsonNode.Parse(Catalog.CreditCatalog.Default.ToJson())!;
        var added = catalog["lists"]!.AsArray().Single(l => (string)l!["code"]! == "wage-arrears")!.DeepClone();
        added["code"] = "wage-arrears-provincial";
        added["name"] = "省级拖欠农民工工资失信联合惩戒对象名单";
        catalog["lists"]!.AsArray().Add(added);
        catalog["version"] = "2026.12.99";
        var json = catalog.ToJsonString();
        await python.SetCatalogAsync(json, announce: false);
        var change = await python.UpsertAsync(Entry(30, "wage-arrears-provincial", "wap-30"));
        var last = await python.SetCatalogAsync(json, announce: true);

        await relay.WaitForOutputAsync(_ => relay.Error.Contains($"change {change} (upsert of entry 'wap-30'", StringComparison.Ordinal)
            && relay.Error.Contains("the platform's catalog 2026.12.99 has", StringComparison.Ordinal), Long);
        await harness.WaitForVersionAsync(last, Long, () => relay.ToString());
        var host = await harness.HostAsync();
        await RelayTests.Eventually(async () => (await host.LookupAsync(RelayTests.Id(30))).Entries.Any(e => e.Entry.EntryId == "wap-30"), "the entry sent ahead of its catalog reached the host");
        var mark = await harness.MarkAsync();
        Assert.Null(mark.Behind);
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        Assert.Equal(0, await redis.GetDatabase().ListLengthAsync($"cc:{{{harness.Namespace}}}:platform:refused"));
    }

    [Fact]
    public async Task A_list_added_to_the_lists_followed_is_loaded_by_a_snapshot()
    {
        var entries = new[] { Entry(1, "wage-arrears", "wa-1"), Entry(2, "court-dishonest-debtors", "cdd-2") };
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(entries));
        await using var harness = await RelayHarness.StartAsync();

        Assert.Contains("1 snapshot(s) (1 lists, 1 entries)", await harness.SyncOnceAsync(python.Address, "--lists", "wage-arrears"), StringComparison.Ordinal);
        Assert.Equal("wage-arrears", (await harness.MarkAsync()).Lists);
        var host = await harness.HostAsync();
        Assert.Empty((await host.LookupAsync(RelayTests.Id(2))).Entries);

        // The same lists again: resumed by version, no snapshot.
        Assert.Contains("0 snapshot(s)", await harness.SyncOnceAsync(python.Address, "--lists", "wage-arrears"), StringComparison.Ordinal);

        // Every list now: a snapshot loads the list added.
        Assert.Contains("Platform version 1: 1 snapshot(s)", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);
        var mark = await harness.MarkAsync();
        Assert.Equal("*", mark.Lists);
        Assert.Null(mark.Behind);
        await RelayTests.Eventually(async () => (await host.LookupAsync(RelayTests.Id(2))).Entries.Count == 1, "the list added reached the host");
    }

    [Fact]
    public async Task A_platform_whose_version_went_backwards_is_noticed_and_the_namespace_resnapshotted()
    {
        await using var harness = await RelayHarness.StartAsync();
        var first = new[] { Entry(1, "wage-arrears", "wa-1") };
        await using (var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(first)))
        {
            await harness.SyncOnceAsync(python.Address);
            for (var i = 10; i < 13; i++)
            {
                await python.UpsertAsync(Entry(i, "wage-arrears", $"wa-{i}"));
            }

            Assert.Contains("Platform version 4:", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);
        }

        // Restarted from an older state (version 1) that holds an entry the namespace has not seen.
        var older = new[] { Entry(1, "wage-arrears", "wa-1"), Entry(20, "wage-arrears", "wa-20") };
        await using var restarted = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(older));
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", restarted.Address.ToString(), "--client", PlatformProcess.Client, "--once");
        Assert.True(code == 0, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("version 1 (from its catalog), below version 4", error, StringComparison.Ordinal);
        Assert.Contains("Platform version 1: 1 snapshot(s)", output, StringComparison.Ordinal);
        var mark = await harness.MarkAsync();
        Assert.Equal((1L, 0L), (mark.Version, mark.SnapshotInProgress));
        Assert.Null(mark.Behind);
        var host = await harness.HostAsync();
        Assert.Single((await host.LookupAsync(RelayTests.Id(20))).Entries);
        Assert.Empty((await host.LookupAsync(RelayTests.Id(10))).Entries);
    }

    [Fact]
    public async Task A_following_relay_notices_a_platform_restarted_from_an_older_state_and_takes_its_snapshot()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();
        await using var relay = harness.StartRelay(platform.Address);
        await harness.WaitForVersionAsync(1, Long, () => relay.ToString());
        long last = 0;
        for (var i = 0; i < 5; i++)
        {
            last = await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(800 + i), $"wa-b-{i}"));
        }

        await harness.WaitForVersionAsync(last, Long, () => relay.ToString());

        // Its state lost: back at version 1, without the 5 entries.
        await platform.KillAsync();
        Directory.Delete(Path.Combine(platform.DataDirectory, "platform-state"), recursive: true);
        await platform.RestartAsync();
        await relay.WaitForOutputAsync(_ => relay.Error.Contains($"below version {last} the namespace applied", StringComparison.Ordinal), Long);
        var until = Stopwatch.StartNew();
        Redis.RedisPlatformMark mark;
        while ((mark = await harness.MarkAsync()) is not { Version: 1, SnapshotInProgress: 0, Behind: null })
        {
            Assert.True(until.Elapsed < Long, $"mark {mark}\n{relay}");
            await Task.Delay(50);
        }

        await harness.AssertEqualAsync(await RelayTests.PlatformListsAsync(platform.Address));
    }

    [Fact]
    public async Task A_following_relay_told_of_an_older_platform_version_only_by_a_heartbeat_notices_it_and_takes_a_snapshot()
    {
        await using var harness = await RelayHarness.StartAsync();
        await using (var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { Entry(1, "wage-arrears", "wa-1") })))
        {
            for (var i = 10; i < 13; i++)
            {
                await python.UpsertAsync(Entry(i, "wage-arrears", $"wa-{i}"));
            }

            Assert.Contains("Platform version 4:", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);
        }

        // Restarted from an older state (version 1), and it answers a client ahead of it with no change and a heartbeat at version 1.
        var older = new[] { Entry(1, "wage-arrears", "wa-1"), Entry(20, "wage-arrears", "wa-20") };
        await using var restarted = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(older), whenAhead: "heartbeat");
        var host = await harness.HostAsync();
        await using var relay = harness.StartRelay(restarted.Address);
        await relay.WaitForOutputAsync(_ => relay.Error.Contains("version 1 (from a heartbeat), below version 4 the namespace applied", StringComparison.Ordinal), Long);
        var until = Stopwatch.StartNew();
        Redis.RedisPlatformMark mark;
        while ((mark = await harness.MarkAsync()) is not { Version: 1, SnapshotInProgress: 0, Behind: null })
        {
            Assert.True(until.Elapsed < Long, $"mark {mark}\n{relay}");
            await Task.Delay(50);
        }

        await harness.AssertEqualAsync(await RelayTests.PlatformListsAsync(restarted.Address));
        await RelayTests.Eventually(async () => (await host.LookupAsync(RelayTests.Id(20))).Entries.Count == 1 && (await host.LookupAsync(RelayTests.Id(10))).Entries.Count == 0,
            "the host holds the platform's older state");
    }

    [Fact]
    public async Task After_a_kill_mid_snapshot_the_retry_says_the_lock_lapses_by_itself_and_counts_only_the_finished_snapshots_lists()
    {
        var data = PlatformProcess.CreateDataFolder(new Dictionary<string, string>
        {
            ["a.csv"] = TestIds.Csv("court-dishonest-debtors", 10, "cdd"),
            ["b.csv"] = TestIds.Csv("wage-arrears", 100_000, "wa", offset: 1_000),
        });
        await using var platform = await PlatformProcess.StartAsync(data);
        await using var harness = await RelayHarness.StartAsync();
        await using (var relay = harness.StartRelay(platform.Address))
        {
            // Inside the second list: the first is imported, the second's import holds its lock when killed.
            await relay.WaitForOutputAsync(o => System.Text.RegularExpressions.Regex.IsMatch(o, @"snapshot 1: [1-9][0-9]{0,2},[0-9]{3} / 100,010 entries"), Long);
            await relay.KillAsync();
        }

        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", platform.Address.ToString(), "--client", PlatformProcess.Client, "--once");
        Assert.True(code == 0, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("The relay retries by itself", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Run the import again", error, StringComparison.Ordinal);
        Assert.Contains($"1 snapshot(s) ({Catalog.CreditCatalog.Default.Lists.Count} lists, 100,010 entries)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_against_a_plain_HTTP2_platform_says_the_scheme_is_probably_wrong_at_once()
    {
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), "[]");
        await using var harness = await RelayHarness.StartAsync();
        await using (var publisher = await harness.PublisherAsync())
        {
            await publisher.SetPlatformMarkAsync(new Redis.RedisPlatformMark(21, 0) { Lists = "*" });
        }

        var https = new UriBuilder(python.Address) { Scheme = "https" }.Uri;
        var clock = Stopwatch.StartNew();
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", https.ToString(), "--client", PlatformProcess.Client, "--once");

        Assert.True(code == 3, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("协议可能不对", error, StringComparison.Ordinal);
        Assert.Contains("the scheme is probably wrong", error, StringComparison.Ordinal);
        Assert.DoesNotContain("the platform answered", error, StringComparison.Ordinal);
        Assert.DoesNotContain("platform version 0", error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");

        // The forwarder says the same (it calls the platform once a record waits).
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        await AddFeedbackAsync(redis, harness.Namespace);
        (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "forward-feedback", "--platform", https.ToString(), "--client", PlatformProcess.Client, "--once", "--give-up-after", "5");
        Assert.True(code == 3, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("the scheme is probably wrong", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_against_a_TLS_platform_says_the_scheme_is_probably_wrong_at_once()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        // A TLS-only server: the handshake fails on the client's plain HTTP/2 preface and the connection closes.
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    using (var tls = new SslStream(client.GetStream()))
                    {
                        try
                        {
                            await tls.AuthenticateAsServerAsync(certificate);
                        }
                        catch (Exception e) when (e is AuthenticationException or IOException)
                        {
                        }
                    }
                });
            }
        });
        await using var harness = await RelayHarness.StartAsync();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        var clock = Stopwatch.StartNew();
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", address.ToString(), "--client", PlatformProcess.Client, "--once");
        await stop.CancelAsync();
        listener.Stop();
        await serving;

        Assert.True(code == 3, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("协议可能不对", error, StringComparison.Ordinal);
        Assert.Contains("the scheme is probably wrong", error, StringComparison.Ordinal);
        Assert.Contains("try https://", error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Forward_feedback_logs_what_it_sets_aside_exits_7_on_a_refused_credential_when_following_and_prints_the_summary_on_ctrl_c()
    {
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), "[]");
        await using var harness = await RelayHarness.StartAsync();
        await (await harness.PublisherAsync()).DisposeAsync(); // sets the namespace up: forward-feedback refuses one that does not exist
        using var redis = await ConnectionMultiplexer.ConnectAsync(harness.Redis.Configuration);
        await redis.GetDatabase().StreamAddAsync($"cc:{{{harness.Namespace}}}:feedback", [new("key", "junk-1"), new("record", "{not json")]);
        await AddFeedbackAsync(redis, harness.Namespace);
        string[] args = ["platform", "forward-feedback", "--platform", python.Address.ToString(), "--client", PlatformProcess.Client];

        // Following with a wrong secret: exits 7 as --once does, instead of retrying forever.
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment("wrong-secret"), TimeSpan.FromSeconds(60), args);
        Assert.True(code == 7, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("does not match the client's secret", error, StringComparison.Ordinal);
        // The unreadable record is set aside before the upload is refused, named in the log (event 4202) — once: the
        // run that follows does not set it aside again.
        Assert.Contains("Feedback record junk-1", error, StringComparison.Ordinal);

        // Ctrl+C prints the summary so far.
        await using var tool = CliProcess.Start(harness.Environment(), args);
        await tool.WaitForOutputAsync(_ => tool.Error.Contains("forwarded 1", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        using (var interrupt = Process.Start("kill", ["-INT", tool.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        await tool.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("Feedback forwarded: 1 new, 0 duplicates, 0 rejected", tool.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("junk-1", tool.Error, StringComparison.Ordinal);
        var dead = Assert.Single(await redis.GetDatabase().StreamRangeAsync($"cc:{{{harness.Namespace}}}:feedback:dead"));
        Assert.Equal("junk-1", (string)dead["key"]!);
    }

    private static async Task AddFeedbackAsync(ConnectionMultiplexer redis, string ns)
    {
        var record = FeedbackForwardingTests.Record(Guid.NewGuid().ToString("N") + ":-");
        await redis.GetDatabase().StreamAddAsync($"cc:{{{ns}}}:feedback", [new("key", record.Key), new("record", FeedbackJson.Serialize(record))]);
    }

    [Fact]
    public async Task A_missing_platform_secret_is_reported_in_Chinese_then_English()
    {
        await using var harness = await RelayHarness.StartAsync();
        var environment = new Dictionary<string, string>(harness.Environment()) { ["CREDITCHECK_PLATFORM_SECRET"] = "" };
        foreach (var command in new[] { "sync", "forward-feedback" })
        {
            var (code, _, error) = await CliProcess.RunAsync(environment, Long, "platform", command, "--platform", "http://127.0.0.1:1", "--client", PlatformProcess.Client, "--once");
            Assert.Equal(2, code);
            Assert.Contains("未设置平台密钥", error, StringComparison.Ordinal);
            Assert.Contains("— $CREDITCHECK_PLATFORM_SECRET is empty", error, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, object> Entry(int n, string list, string id) => PythonPlatform.Entry(n, list, id);
}
