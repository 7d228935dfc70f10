using System.Diagnostics;
using System.Text.Json;
using CreditCheck.Platform.Tests.Support;

namespace CreditCheck.Platform.Tests;

/// <summary>Faults of the sync relay found by an outside-in review, each reproduced against the real pieces
/// (the reference platform or the Python one as processes, the operator tool, a redis-server).</summary>
public sealed class RelayReviewTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task An_entry_id_re_used_for_another_subject_does_not_leave_the_first_subject_listed()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();
        await harness.SyncOnceAsync(platform.Address);

        await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(901), "dup-9"));
        await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(902), "dup-9")); // the id now names another subject
        await platform.RemoveAsync("wage-arrears", "dup-9");
        await harness.SyncOnceAsync(platform.Address);

        var host = await harness.HostAsync();
        Assert.Empty((await host.LookupAsync(RelayTests.Id(901))).Entries);
        Assert.Empty((await host.LookupAsync(RelayTests.Id(902))).Entries);
        await harness.AssertEqualAsync(await RelayTests.PlatformListsAsync(platform.Address));
    }

    [Fact]
    public async Task A_refused_lists_option_leaves_the_namespace_mark_as_it_was()
    {
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { Entry(1, "wage-arrears", "wa-1") }));
        await using var harness = await RelayHarness.StartAsync();
        var wage = new Dictionary<string, string>(harness.Environment(PlatformProcess.WageSecret));
        var (code, output, error) = await CliProcess.RunAsync(wage, Long, "platform", "sync", "--platform", python.Address.ToString(), "--client", PlatformProcess.WageClient, "--once");
        Assert.True(code == 0, $"exit {code}:\n{output}\n{error}");
        var before = await harness.MarkAsync();

        // A list the client is not entitled to: refused, and the namespace is not marked behind for it.
        (code, output, error) = await CliProcess.RunAsync(wage, Long,
            "platform", "sync", "--platform", python.Address.ToString(), "--client", PlatformProcess.WageClient, "--lists", "court-dishonest-debtors", "--once");
        Assert.True(code == 7, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("not entitled to list 'court-dishonest-debtors'", error, StringComparison.Ordinal);
        var after = await harness.MarkAsync();
        Assert.Null(after.Behind);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_following_relay_stopped_by_a_signal_prints_its_summary_and_logs_no_failure(string signal)
    {
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { Entry(1, "wage-arrears", "wa-1") }));
        await using var harness = await RelayHarness.StartAsync();
        await using var relay = harness.StartRelay(python.Address);
        await harness.WaitForVersionAsync(1, Long, () => relay.ToString());

        using (var kill = Process.Start("kill", [$"-{signal}", relay.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await relay.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(relay.Process.ExitCode == 0, $"exit {relay.Process.ExitCode}\n{relay}");
        Assert.Contains("Platform version 1: 1 snapshot(s)", relay.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("retrying", relay.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancelled", relay.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_progress_the_failure_log_names_the_wait_really_taken()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();
        await using var publisher = await harness.PublisherAsync();
        var options = new PlatformSyncOptions { MinReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(4) };
        options.Platform.Address = platform.Address;
        options.Platform.ClientId = PlatformProcess.Client;
        options.Platform.Secret = PlatformProcess.Secret;
        var log = new LogSink();
        using var relay = new PlatformSyncRelay(options, publisher, Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<PlatformSyncRelay>(log));
        using var stop = new CancellationTokenSource();
        var run = relay.RunAsync(stop.Token);
        await harness.WaitForVersionAsync(1, Long);

        // Down long enough for the backoff to reach its longest wait.
        await platform.KillAsync();
        await RelayTests.Eventually(() => Task.FromResult(log.Lines.Any(l => l.Contains("retrying in 4 s", StringComparison.Ordinal))), "the backoff reached 4 s");
        await platform.RestartAsync();
        var version = await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(950), "wa-950"));
        await harness.WaitForVersionAsync(version, Long, () => string.Join("\n", log.Lines));

        // Failing again after that progress: the relay waits 1 s, and says so.
        var seen = log.Lines.Count;
        await platform.KillAsync();
        await RelayTests.Eventually(() => Task.FromResult(log.Lines.Skip(seen).Any(l => l.Contains("retrying in", StringComparison.Ordinal))), "a failure was logged");
        Assert.Contains("retrying in 1 s", log.Lines.Skip(seen).First(l => l.Contains("retrying in", StringComparison.Ordinal)), StringComparison.Ordinal);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_platform_restored_from_a_copy_of_an_older_state_is_a_new_history_and_the_namespace_takes_its_snapshot()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();
        await harness.SyncOnceAsync(platform.Address);
        var state = Path.Combine(platform.DataDirectory, "platform-state");
        var copy = state + "-copy";
        CopyDirectory(state, copy); // taken while it runs

        for (var i = 1; i <= 3; i++)
        {
            await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(960 + i), $"h{i}"));
        }

        Assert.Contains("Platform version 4:", await harness.SyncOnceAsync(platform.Address), StringComparison.Ordinal);

        // Restored from the copy (version 1), and at once changed beyond the version the namespace holds.
        await platform.StopAsync();
        Directory.Delete(state, recursive: true);
        Directory.Move(copy, state);
        await platform.RestartAsync();
        for (var i = 1; i <= 4; i++)
        {
            await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(970 + i), $"s2-{i}"));
        }

        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", platform.Address.ToString(), "--client", PlatformProcess.Client, "--once");
        Assert.True(code == 0, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("Platform version 5: 1 snapshot(s)", output, StringComparison.Ordinal);
        Assert.Contains("is on history", error, StringComparison.Ordinal);
        var host = await harness.HostAsync();
        Assert.Empty((await host.LookupAsync(RelayTests.Id(961))).Entries);
        Assert.Single((await host.LookupAsync(RelayTests.Id(971))).Entries);
        await harness.AssertEqualAsync(await RelayTests.PlatformListsAsync(platform.Address));
        var mark = await harness.MarkAsync();
        Assert.Null(mark.Behind);
        Assert.NotNull(mark.History);
    }

    [Fact]
    public async Task A_namespace_following_fewer_lists_says_so_and_a_widened_entitlement_is_loaded_by_a_snapshot()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();
        var wage = new Dictionary<string, string>(harness.Environment(PlatformProcess.WageSecret));
        await using var relay = CliProcess.Start(wage, "platform", "sync", "--platform", platform.Address.ToString(), "--client", PlatformProcess.WageClient);
        await harness.WaitForVersionAsync(1, Long, () => relay.ToString());
        Assert.Equal("wage-arrears", (await harness.MarkAsync()).Lists); // what is granted, not "*"
        await relay.WaitForOutputAsync(_ => relay.Error.Contains("answered as not listed", StringComparison.Ordinal), Long);
        Assert.Contains("court-dishonest-debtors", relay.Error, StringComparison.Ordinal);

        // Entitled to one list more, the platform restarted cleanly (same history): the relay loads the list added.
        var clients = Path.Combine(platform.DataDirectory, "clients.json");
        File.WriteAllText(clients, File.ReadAllText(clients).Replace("\"lists\": [\"wage-arrears\"]", "\"lists\": [\"wage-arrears\", \"court-dishonest-debtors\"]", StringComparison.Ordinal));
        await platform.StopAsync();
        await platform.RestartAsync();
        var until = Stopwatch.StartNew();
        Redis.RedisPlatformMark mark;
        while ((mark = await harness.MarkAsync()) is not { Lists: "court-dishonest-debtors,wage-arrears", Behind: null, SnapshotInProgress: 0 })
        {
            Assert.True(until.Elapsed < Long, $"mark {mark}\n{relay}");
            await Task.Delay(50);
        }

        Assert.DoesNotContain("is on history", relay.Error, StringComparison.Ordinal); // a clean restart continues its history
        await using var publisher = await harness.PublisherAsync();
        var (counts, _) = await publisher.CountAsync();
        Assert.True(counts.GetValueOrDefault("court-dishonest-debtors") > 0, string.Join(", ", counts));

        // status names the lists the namespace holds.
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long, "status", "--json");
        Assert.True(code == 0, $"exit {code}:\n{output}\n{error}");
        Assert.Equal("court-dishonest-debtors,wage-arrears", (string?)System.Text.Json.Nodes.JsonNode.Parse(output)!["platform"]!["lists"]);
    }

    [Fact]
    public async Task Syncing_some_lists_warns_which_lists_are_not_followed()
    {
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(new[] { Entry(1, "wage-arrears", "wa-1") }));
        await using var harness = await RelayHarness.StartAsync();
        var (code, output, error) = await CliProcess.RunAsync(harness.Environment(), Long,
            "platform", "sync", "--platform", python.Address.ToString(), "--client", PlatformProcess.Client, "--lists", "court-dishonest-debtors", "--once");
        Assert.True(code == 0, $"exit {code}:\n{output}\n{error}");
        Assert.Contains("not followed: ", error, StringComparison.Ordinal);
        Assert.Contains("major-tax-violators", error, StringComparison.Ordinal);
        Assert.Contains("answered as not listed", error, StringComparison.Ordinal);
        Assert.Equal("court-dishonest-debtors", (await harness.MarkAsync()).Lists);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static Dictionary<string, object> Entry(int n, string list, string id) => PythonPlatform.Entry(n, list, id);
}
