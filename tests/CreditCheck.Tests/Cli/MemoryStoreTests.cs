using System.Text.Json.Nodes;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>--store memory --data DIR</c>: no Redis, the state kept in DIR/.creditcheck between runs.</summary>
[Collection(CliTestGroup.Name)]
public sealed class MemoryStoreTests
{
    [Fact]
    public async Task MemoryStore_ImportRepairCheckStatus_EachRunSeesThePreviousOnes()
    {
        using var cli = new CliSession(server: null); // no Redis anywhere in the environment
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];
        var file = cli.WriteCsv("debtors.csv", Rows.Entity(1), Rows.Entity(2));

        var imported = await cli.RunOkAsync(["import", file, "--list", CliSession.Debtors, "--json", .. store]);
        Assert.Equal(2, imported.Json["added"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(data, ".creditcheck", "entries.json")));
        Assert.True(File.Exists(Path.Combine(data, ".creditcheck", "catalog.json")));

        Assert.Equal("Denied", await OutcomeAsync(cli, store, Rows.Company(1)));
        Assert.Equal("Clear", await OutcomeAsync(cli, store, Rows.Company(3)));

        await cli.RunOkAsync(["entry", "repair", Rows.Company(1), "--list", CliSession.Debtors, "--reason", "信用修复", .. store]);
        Assert.Equal("Clear", await OutcomeAsync(cli, store, Rows.Company(1)));
        Assert.Equal("Denied", await OutcomeAsync(cli, store, Rows.Company(2)));

        var again = await cli.RunOkAsync(["import", file, "--list", CliSession.Debtors, "--mode", "merge", "--json", .. store]);
        Assert.Equal(0, again.Json["added"]!.GetValue<int>());

        // Found from outside: each run started the sequence again from the seed's, so it went back between runs
        // (and two receipts could name one sequence for different data).
        var changed = await cli.RunOkAsync(["import", cli.WriteCsv("more.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(4)), "--list", CliSession.Debtors, "--mode", "merge", "--json", .. store]);
        Assert.True(changed.Json["sequence"]!.GetValue<long>() > imported.Json["sequence"]!.GetValue<long>() + 1, changed.Json.ToJsonString());
        Assert.Equal(changed.Json["sequence"]!.GetValue<long>(), (await cli.RunOkAsync(["status", "--json", .. store])).Json["sequence"]!.GetValue<long>());

        var status = (await cli.RunOkAsync(["status", "--json", .. store])).Json;
        Assert.Equal("memory", status["store"]!.GetValue<string>());
        Assert.Equal(3, status["entries"]![CliSession.Debtors]!.GetValue<long>());
        Assert.NotNull(status["catalogVersion"]);
    }

    [Fact]
    public async Task MemoryStore_SeedFileInTheFolder_IsLoadedTheFirstTime()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        File.WriteAllText(Path.Combine(data, "wage-arrears.csv"), CliSession.EnglishHeader + "\n" + Rows.Entity(7, entryId: "w-7") + "\n");
        string[] store = ["--store", "memory", "--data", data];

        var decision = (await cli.RunOkAsync(["check", Rows.Company(7), "--scenario", "bidding", "--json", .. store])).Json;

        Assert.Equal("Restricted", decision["outcome"]!.GetValue<string>());
        Assert.Equal("wage-arrears", decision["entries"]!.AsArray().Single()!["list"]!.GetValue<string>());
    }

    [Fact]
    public async Task MemoryStore_OrganizationCodeListing_FoundByTheUsccEmbeddingIt()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];
        var file = cli.Write("org.csv", "组织机构代码,企业名称,文号,列入日期\n71526726-X,示例欠薪企业,人社欠〔2024〕1号,2024-01-02\n");

        await cli.RunOkAsync(["import", file, "--list", "wage-arrears", .. store]);
        var decision = (await cli.RunOkAsync(["check", Subjects.Tencent.Value, "--scenario", "bidding", "--json", .. store])).Json;

        Assert.Equal("Restricted", decision["outcome"]!.GetValue<string>()); // 9144030071526726XG embeds 71526726-X
    }

    [Fact]
    public async Task MemoryStore_CatalogPublishThenShow_ShowsTheFourteenLists()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];

        await cli.RunOkAsync(["catalog", "publish", .. store]);
        var shown = (await cli.RunOkAsync(["catalog", "show", "--json", .. store])).Json;

        Assert.Equal(14, shown["lists"]!.AsArray().Count);
    }

    [Fact]
    public async Task MemoryStore_WithoutDataOrMissingFolder_ExitsWithAClearMessage()
    {
        using var cli = new CliSession(server: null);

        var noData = await cli.RunAsync("status", "--store", "memory");
        var missing = await cli.RunAsync("status", "--store", "memory", "--data", cli.PathOf("no-such-folder"));

        Assert.Equal(Exit.Usage, noData.ExitCode);
        Assert.Contains("--data", noData.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryStore_BadImport_LeavesTheSavedStateAsItWas()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];
        await cli.RunOkAsync(["import", cli.WriteCsv("good.csv", Rows.Entity(1)), "--list", CliSession.Debtors, .. store]);
        var saved = File.ReadAllText(Path.Combine(data, ".creditcheck", "entries.json"));

        var result = await cli.RunAsync(["import", cli.WriteCsv("bad.csv", Rows.Entity(2), Rows.Raw("LegalEntity", "12345", "2024-01-02", "2099-12-31", "x")), "--list", CliSession.Debtors, .. store]);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Equal(saved, File.ReadAllText(Path.Combine(data, ".creditcheck", "entries.json")));
        Assert.Equal("Denied", await OutcomeAsync(cli, store, Rows.Company(1)));
    }

    private static async Task<string> OutcomeAsync(CliSession cli, string[] store, string subject)
    {
        JsonNode decision = (await cli.RunOkAsync(["check", subject, "--scenario", "procurement", "--json", .. store])).Json;
        return decision["outcome"]!.GetValue<string>();
    }
}
