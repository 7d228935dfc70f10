using System.Text.Json;
using System.Text.RegularExpressions;
using CreditCheck.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CreditCheck.Platform.Tests;

// Inside the namespace: the contract's types, not the SDK's of the same names.
using CreditCheck.Platform.Protocol;
using CreditCheck.Platform.Tests.Support;

/// <summary>The sync relay against real processes: the reference platform (or the Python one), the
/// operator tool running <c>platform sync</c>, a redis-server, and hosts following the namespace.</summary>
public sealed partial class RelayTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_snapshot_of_100000_entries_then_1000_changes_reach_the_hosts()
    {
        var data = PlatformProcess.CreateDataFolder(new Dictionary<string, string> { ["gen.csv"] = TestIds.Csv("court-dishonest-debtors", 100_000) });
        await using var platform = await PlatformProcess.StartAsync(data);
        await using var harness = await RelayHarness.StartAsync();
        await using var relay = harness.StartRelay(platform.Address);
        await harness.WaitForVersionAsync(1, Long, () => relay.ToString());
        var hosts = new[] { await harness.HostAsync(), await harness.HostAsync() };
        foreach (var host in hosts)
        {
            Assert.Equal("gen-0", Assert.Single((await host.LookupAsync(Id(0))).Entries).Entry.EntryId);
            Assert.Equal(EntryStatus_Active, (int)Assert.Single((await host.LookupAsync(Id(99_999))).Entries).Entry.Status);
        }

        // 1,000 changes: 500 repairs, 300 new entries, 200 removals.
        for (var i = 0; i < 500; i++)
        {
            await platform.SetStatusAsync("court-dishonest-debtors", $"gen-{i}", "修复", "已履行");
        }

        await platform.UpsertAsync([.. Enumerable.Range(0, 300).Select(i => PlatformProcess.Entry("wage-arrears", TestIds.Company(200_000 + i), $"wa-{i}"))]);
        long last = 0;
        for (var i = 99_800; i < 100_000; i++)
        {
            last = await platform.RemoveAsync("court-dishonest-debtors", $"gen-{i}");
        }

        Assert.Equal(1_001, last);
        await harness.WaitForVersionAsync(last, Long, () => relay.ToString());
        foreach (var host in hosts)
        {
            await Eventually(async () => (await host.LookupAsync(Id(99_999))).Entries.Count == 0, "the last removal reached the host");
            Assert.Equal(3, (int)Assert.Single((await host.LookupAsync(Id(0))).Entries).Entry.Status); // Repaired
            Assert.Equal(3, (int)Assert.Single((await host.LookupAsync(Id(499))).Entries).Entry.Status);
            Assert.Equal(EntryStatus_Active, (int)Assert.Single((await host.LookupAsync(Id(500))).Entries).Entry.Status);
            Assert.Equal("wage-arrears", Assert.Single((await host.LookupAsync(Id(200_299))).Entries).Entry.ListCode);
            Assert.Empty((await host.LookupAsync(Id(99_800))).Entries);
        }

        await harness.AssertEqualAsync(await PlatformListsAsync(platform.Address));
        Assert.Contains("snapshot 1 applied", relay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_relay_killed_mid_snapshot_and_mid_changes_resumes_with_the_namespace_equal_to_the_platform()
    {
        var data = PlatformProcess.CreateDataFolder(new Dictionary<string, string> { ["gen.csv"] = TestIds.Csv("court-dishonest-debtors", 200_000) });
        await using var platform = await PlatformProcess.StartAsync(data);
        await using var harness = await RelayHarness.StartAsync();

        // Killed while the snapshot streams in: the namespace says so, and keeps no version.
        await using (var relay = harness.StartRelay(platform.Address))
        {
            await relay.WaitForOutputAsync(o => MidSnapshot().IsMatch(o), Long);
            await relay.KillAsync();
        }

        var mark = await harness.MarkAsync();
        Assert.Equal(0, mark.Version);
        Assert.Equal(1, mark.SnapshotInProgress);
        Assert.Equal("snapshot 1 is being applied", mark.Behind); // hosts can tell the namespace is behind

        // Restarted: a new snapshot (after the killed import's lock lapses), then killed while changes flow.
        await using (var relay = harness.StartRelay(platform.Address))
        {
            await harness.WaitForVersionAsync(1, Long, () => relay.ToString());
            var changes = Task.Run(async () =>
            {
                for (var i = 0; i < 1_000; i++)
                {
                    await (i % 2 == 0
                        ? platform.SetStatusAsync("court-dishonest-debtors", $"gen-{i}", "Repaired", "已履行")
                        : platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(300_000 + i), $"wa-{i}")));
                }
            });
            await harness.WaitForVersionAsync(200, Long, () => relay.ToString());
            await relay.KillAsync();
            await changes;
        }

        mark = await harness.MarkAsync();
        Assert.InRange(mark.Version, 200, 1_000);
        var output = await harness.SyncOnceAsync(platform.Address);
        Assert.Contains("Platform version 1001: 0 snapshot(s)", output, StringComparison.Ordinal);
        Assert.Null((await harness.MarkAsync()).Behind);
        await harness.AssertEqualAsync(await PlatformListsAsync(platform.Address));
    }

    [Fact]
    public async Task A_platform_restarted_with_a_truncated_change_log_makes_the_relay_take_a_snapshot()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();
        // Every list of the catalog the platform serves (the default one), the sample data's 278 entries.
        Assert.Contains($"1 snapshot(s) ({Catalog.CreditCatalog.Default.Lists.Count} lists, 278 entries)", await harness.SyncOnceAsync(platform.Address), StringComparison.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            await platform.UpsertAsync(PlatformProcess.Entry("wage-arrears", TestIds.Company(700 + i), $"wa-t-{i}"));
        }

        Assert.Contains("Platform version 6: 0 snapshot(s) (0 lists, 0 entries), 5 changes applied", await harness.SyncOnceAsync(platform.Address), StringComparison.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            await platform.SetStatusAsync("wage-arrears", $"wa-t-{i % 5}", i % 2 == 0 ? "异议" : "恢复");
        }

        await platform.RemoveAsync("court-dishonest-debtors", "cdd-2022-0001");
        await platform.RestartAsync("--change-log", "5");
        Assert.Contains("Platform version 27: 1 snapshot(s)", await harness.SyncOnceAsync(platform.Address), StringComparison.Ordinal);
        await harness.AssertEqualAsync(await PlatformListsAsync(platform.Address));
    }

    [Fact]
    public async Task The_relay_syncs_from_the_python_platform_built_from_the_proto_alone()
    {
        var entries = Enumerable.Range(0, 300).Select(i => new Dictionary<string, object>
        {
            ["subject"] = TestIds.Company(i),
            ["subjectKind"] = "SUBJECT_KIND_LEGAL_ENTITY",
            ["listCode"] = i % 3 == 0 ? "wage-arrears" : "court-dishonest-debtors",
            ["entryId"] = $"py-{i}",
            ["subjectName"] = $"示例测试企业{i}有限公司",
            ["authority"] = "示例认定部门",
            ["listedOn"] = "2026-01-05T00:00:00+08:00",
            ["validFrom"] = "2026-01-05T00:00:00+08:00",
            ["validUntil"] = "2030-01-05T00:00:00+08:00",
            ["status"] = "ENTRY_STATUS_ACTIVE",
        });
        await using var python = await PythonPlatform.StartAsync(Catalog.CreditCatalog.Default.ToJson(), JsonSerializer.Serialize(entries));
        await using var harness = await RelayHarness.StartAsync();

        Assert.Contains("Platform version 1: 1 snapshot(s)", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);
        await harness.AssertEqualAsync(await PlatformListsAsync(python.Address));

        await python.SetStatusAsync("court-dishonest-debtors", "py-1", "ENTRY_STATUS_REPAIRED", "已履行");
        await python.UpsertAsync(new Dictionary<string, object>
        {
            ["subject"] = TestIds.Company(5_000),
            ["subjectKind"] = "SUBJECT_KIND_LEGAL_ENTITY",
            ["listCode"] = "wage-arrears",
            ["entryId"] = "py-new",
            ["subjectName"] = "示例新增企业有限公司",
            ["listedOn"] = "2026-02-01T00:00:00+08:00",
            ["status"] = "ENTRY_STATUS_ACTIVE",
        });
        Assert.Contains("Platform version 3: 0 snapshot(s) (0 lists, 0 entries), 2 changes applied", await harness.SyncOnceAsync(python.Address), StringComparison.Ordinal);
        await harness.AssertEqualAsync(await PlatformListsAsync(python.Address));
        var host = await harness.HostAsync();
        Assert.Equal(3, (int)Assert.Single((await host.LookupAsync(Id(1))).Entries).Entry.Status);
    }

    [Fact]
    public async Task A_client_without_the_right_credential_or_entitlement_is_refused_with_a_clear_error()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();

        var (code, _, error) = await CliProcess.RunAsync(harness.Environment("wrong-secret"), Long,
            "platform", "sync", "--platform", platform.Address.ToString(), "--client", PlatformProcess.Client, "--once");
        Assert.Equal(7, code);
        Assert.Contains("refused this client's credential", error, StringComparison.Ordinal);
        Assert.Contains("does not match the client's secret", error, StringComparison.Ordinal);

        (code, _, error) = await CliProcess.RunAsync(harness.Environment(PlatformProcess.WageSecret), Long,
            "platform", "sync", "--platform", platform.Address.ToString(), "--client", PlatformProcess.WageClient, "--lists", "court-dishonest-debtors", "--once");
        Assert.Equal(7, code);
        Assert.Contains("not entitled to list 'court-dishonest-debtors'", error, StringComparison.Ordinal);

        (code, _, error) = await CliProcess.RunAsync(new Dictionary<string, string>(harness.Environment()) { ["CREDITCHECK_PLATFORM_SECRET"] = "" }, Long,
            "platform", "sync", "--platform", platform.Address.ToString(), "--client", PlatformProcess.Client, "--once");
        Assert.Equal(2, code);
        Assert.Contains("CREDITCHECK_PLATFORM_SECRET", error, StringComparison.Ordinal);
        Assert.Equal(0, (await harness.MarkAsync()).Version);
    }

    [Fact]
    public async Task AddPlatformSync_follows_the_platform_while_the_host_runs()
    {
        await using var platform = await PlatformProcess.StartAsync();
        await using var harness = await RelayHarness.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck()
            .UseRedis(harness.Redis.Configuration, o =>
            {
                o.Namespace = harness.Namespace;
                o.Secret = RelayHarness.NamespaceSecret;
            })
            .AddPlatformSync(o =>
            {
                o.Platform.Address = platform.Address;
                o.Platform.ClientId = PlatformProcess.Client;
                o.Platform.Secret = PlatformProcess.Secret;
            });
        using var host = builder.Build();
        await host.StartAsync();

        await harness.WaitForVersionAsync(1, Long);
        var version = await platform.SetStatusAsync("court-dishonest-debtors", "cdd-2022-0001", "Repaired", "已履行");
        await harness.WaitForVersionAsync(version, Long);
        var store = host.Services.GetRequiredService<RedisCreditStore>();
        await Eventually(async () => (await store.LookupAsync(SubjectId.Parse("91500103MA7K217734", CreditCheck.SubjectKind.LegalEntity))).Entries.Any(e => e.Entry.Status == CreditCheck.EntryStatus.Repaired), "the repair reached the host's store");
        await host.StopAsync();
    }

    internal const int EntryStatus_Active = 1;

    internal static SubjectId Id(int n) => SubjectId.Parse(TestIds.Company(n), CreditCheck.SubjectKind.LegalEntity);

    /// <summary>Every entry the platform holds, through FetchSnapshot.</summary>
    internal static async Task<List<Entry>> PlatformListsAsync(Uri address)
    {
        using var channel = new PlatformChannel(new PlatformConnectionOptions { Address = address, ClientId = PlatformProcess.Client, Secret = PlatformProcess.Secret });
        using var call = channel.Client.FetchSnapshot(new FetchSnapshotRequest());
        var entries = new List<Entry>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.SnapshotChunk is { } chunk)
            {
                entries.AddRange(chunk.Entries);
            }
        }

        return entries;
    }

    internal static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Not within 30 s: {what}.");
            await Task.Delay(20);
        }
    }

    [GeneratedRegex(@"snapshot 1: [1-9][0-9,]* / 200,000 entries")]
    private static partial Regex MidSnapshot();
}
