using System.Globalization;
using System.Text.Json.Nodes;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CreditCheck.Tests.Cli;

/// <summary><c>--store memory --state DIR</c>: the tool reads and writes the state a host on <c>UseInMemory</c> keeps in its
/// <c>InMemoryStoreOptions.StateDirectory</c> outside the data folder, as the README quick start and the samples set it up
/// (found by review: the tool read only <c>DATA/.creditcheck</c>, so it saw none of what such a host recorded).</summary>
[Collection(CliTestGroup.Name)]
public sealed class MemoryStoreStateTests
{
    [Fact]
    public async Task HostStateOutsideTheDataFolder_FoundWithState_NotWithout()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        File.WriteAllText(Path.Combine(data, "wage-arrears.csv"), CliSession.EnglishHeader + "\n" + Rows.Entity(7, entryId: "w-7") + "\n");
        var state = cli.PathOf("host-state");
        var (feedback, commitment) = await RunHostAsync(data, state);
        Assert.False(Directory.Exists(Path.Combine(data, ".creditcheck")));
        Assert.True(File.Exists(Path.Combine(state, "feedback.jsonl")));

        var today = DateOnly.FromDateTime(DateTime.Now);
        string[] period = ["--since", today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--until", today.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)];
        string[] memory = ["--store", "memory", "--data", data];
        string[] withState = [.. memory, "--state", state];

        var exported = JsonNode.Parse((await cli.RunOkAsync(["feedback", "export", .. period, "--format", "json", .. withState])).Output)!.AsArray();
        var report = (await cli.RunOkAsync(["report", .. period, "--out", cli.PathOf("with.html"), "--json", .. withState])).Json;
        var listed = (await cli.RunOkAsync(["commitments", "list", "--json", .. withState])).Json.AsArray();
        var exportedWithout = JsonNode.Parse((await cli.RunOkAsync(["feedback", "export", .. period, "--format", "json", .. memory])).Output)!.AsArray();
        var reportWithout = (await cli.RunOkAsync(["report", .. period, "--out", cli.PathOf("without.html"), "--json", .. memory])).Json;
        var listedWithout = (await cli.RunOkAsync(["commitments", "list", "--json", .. memory])).Json.AsArray();

        Assert.Equal(feedback.Order(StringComparer.Ordinal), exported.Select(r => r!["key"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(feedback.Count, report["records"]!.GetValue<int>());
        Assert.Equal(1, report["checks"]!.GetValue<int>());
        Assert.Equal(1, report["hits"]!.GetValue<int>());
        Assert.Equal(commitment, Assert.Single(listed)!["id"]!.GetValue<string>());
        Assert.Empty(exportedWithout);
        Assert.Equal(0, reportWithout["records"]!.GetValue<int>());
        Assert.Equal(0, reportWithout["checks"]!.GetValue<int>());
        Assert.Empty(listedWithout);

        // What the tool changes there, the host sees on its next start.
        await cli.RunOkAsync(["commitments", "fulfil", commitment, .. withState]);
        Assert.Equal(CommitmentStatus.Fulfilled, (await ReadCommitmentAsync(data, state, commitment))!.Status);
    }

    [Fact]
    public async Task StateFromTheEnvironment_UsedWithTheMemoryStore()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        var state = cli.PathOf("host-state");
        var (_, commitment) = await RunHostAsync(data, state);
        cli.Environment["CREDITCHECK_STATE"] = state;

        var listed = (await cli.RunOkAsync("commitments", "list", "--json", "--store", "memory", "--data", data)).Json.AsArray();

        Assert.Equal(commitment, Assert.Single(listed)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ToolStateInAFolderOfItsOwn_EachRunSeesThePreviousOnes_TheDataFolderUntouched()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        var state = cli.PathOf("state");
        string[] store = ["--store", "memory", "--data", data, "--state", state];

        await cli.RunOkAsync(["import", cli.WriteCsv("debtors.csv", Rows.Entity(1)), "--list", CliSession.Debtors, .. store]);
        var decision = (await cli.RunOkAsync(["check", Rows.Company(1), "--scenario", "bidding", "--json", .. store])).Json;

        Assert.Equal("Denied", decision["outcome"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(state, "entries.json")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
    }

    [Fact]
    public async Task State_WithoutTheMemoryStore_AUsageErrorInChineseThenEnglish()
    {
        using var cli = new CliSession(server: null);
        var state = cli.PathOf("state");

        var redis = await cli.RunAsync("status", "--state", state);
        var storeRedis = await cli.RunAsync("feedback", "export", "--since", "2026-01-01", "--until", "2026-04-01", "--store", "redis", "--state", state);
        var noStore = await cli.RunAsync("--state", state, "validate", Subjects.Tencent.Value); // a command that opens no store
        cli.Environment["CREDITCHECK_STATE"] = state; // the variable alone is for the memory store, unused elsewhere
        var variable = await cli.RunAsync("validate", Subjects.Tencent.Value);

        foreach (var result in new[] { redis, storeRedis, noStore })
        {
            Assert.Equal(Exit.Usage, result.ExitCode);
            var chinese = result.Error.IndexOf("--state 只能与 --store memory 一起使用", StringComparison.Ordinal);
            var english = result.Error.IndexOf("--state is for --store memory only", StringComparison.Ordinal);
            Assert.True(chinese >= 0 && english > chinese, result.ToString());
        }

        Assert.Equal(Exit.Ok, variable.ExitCode);
        Assert.False(Directory.Exists(state));
    }

    /// <summary>A host as the README sets it up: seeded from the data folder, its state elsewhere. It checks the listed
    /// company (feedback reported on the decision) and records a commitment of another.</summary>
    private static async Task<(IReadOnlyList<string> Feedback, string Commitment)> RunHostAsync(string data, string state)
    {
        using var host = Start(data, state);
        await host.StartAsync();
        var decision = await host.Services.GetRequiredService<ICreditChecker>().CheckAsync(new CheckRequest(SyntheticIds.Company(7), "bidding"));
        var records = await host.Services.GetRequiredService<ICreditFeedback>().ReportAsync(FeedbackReport.For(decision).AllExecuted());
        var commitment = await host.Services.GetRequiredService<ICreditCommitments>().RecordAsync(
            new NewCommitment(SyntheticIds.Company(8), "XK-001", "场地租赁合同限期补齐", DateOnly.FromDateTime(DateTime.Now).AddDays(30)) { Department = "市政务服务中心" });
        await host.StopAsync();
        return ([.. records.Select(r => r.Key)], commitment.Id);
    }

    private static async Task<CreditCommitment?> ReadCommitmentAsync(string data, string state, string id)
    {
        using var host = Start(data, state);
        await host.StartAsync();
        var commitment = await host.Services.GetRequiredService<ICreditCommitments>().GetAsync(id);
        await host.StopAsync();
        return commitment;
    }

    private static IHost Start(string data, string state)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseInMemory(o => { o.DataDirectory = data; o.StateDirectory = state; });
        return builder.Build();
    }
}
