using System.Text.Json.Nodes;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>check</c>, one subject or a file of them, against a real Redis.</summary>
[Collection(CliTestGroup.Name)]
public sealed class CheckCommandTests(RedisFixture redis)
{
    private async Task<CliSession> WithDebtorsAsync()
    {
        var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("list.csv", Rows.Entity(1), Rows.Entity(2)), "--list", CliSession.Debtors);
        return cli;
    }

    [Fact]
    public async Task Check_ListedSubject_JsonNamesTheEntryAndTheMeasure()
    {
        using var cli = await WithDebtorsAsync();

        var decision = await cli.CheckAsync(Rows.Company(1), "procurement.bid");
        var text = await cli.RunOkAsync("check", Rows.Company(1), "--scenario", "procurement.bid");

        Assert.Equal("Denied", decision["outcome"]!.GetValue<string>());
        var entry = Assert.Single(decision["entries"]!.AsArray());
        Assert.Equal((CliSession.Debtors, "e-1"), (entry!["list"]!.GetValue<string>(), entry["entryId"]!.GetValue<string>()));
        Assert.Contains(decision["measures"]!.AsArray(), m => m!["code"]!.GetValue<string>() == "procurement-refusal");
        Assert.Equal("procurement.bid", decision["scenario"]!.GetValue<string>());
        Assert.NotEqual(Rows.Company(1), decision["subject"]!.GetValue<string>()); // masked
        Assert.Contains("Denied", text.Output, StringComparison.Ordinal);
        Assert.Contains("拒绝参与政府采购活动", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownScenarioOrBadSubject_ExitsInvalidInput()
    {
        using var cli = await WithDebtorsAsync();

        var scenario = await cli.RunAsync("check", Rows.Company(1), "--scenario", "no-such-scenario");
        var subject = await cli.RunAsync("check", "12345", "--scenario", "procurement");

        Assert.Equal(Exit.InvalidInput, scenario.ExitCode);
        Assert.Contains("no-such-scenario", scenario.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, subject.ExitCode);
    }

    [Fact]
    public async Task Check_ListedCodeWithOneCharacterMistyped_IsRefusedUnlessLenient_AndThenNotClear()
    {
        using var cli = await WithDebtorsAsync();
        var listed = Rows.Company(1);
        var typo = listed[..16] + (listed[16] == '1' ? '2' : '1') + listed[17];
        var ids = cli.Write("ids.txt", $"{typo}\n{Rows.Company(2)}\n");

        var strict = await cli.RunAsync("check", typo, "--scenario", "procurement.bid", "--json");
        var strictBatch = await cli.RunAsync("check", "--file", ids, "--scenario", "procurement.bid");
        var lenient = await cli.RunOkAsync("check", typo, "--scenario", "procurement.bid", "--lenient", "--json");
        var lenientBatch = await cli.RunOkAsync("check", "--file", ids, "--scenario", "procurement.bid", "--lenient");

        Assert.Equal(Exit.InvalidInput, strict.ExitCode);
        Assert.Contains("校验", strict.Error, StringComparison.Ordinal);
        Assert.Equal(6, strictBatch.ExitCode); // partly done: the well-formed line checked
        Assert.Contains("\"invalid\":1", strictBatch.Error, StringComparison.Ordinal);
        Assert.Equal("Review", lenient.Json["outcome"]!.GetValue<string>());
        Assert.Contains("mistyped", lenient.Json["degraded"]!.GetValue<string>(), StringComparison.Ordinal);
        var outcomes = lenientBatch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["outcome"]!.GetValue<string>());
        Assert.Equal(["Review", "Denied"], outcomes);
    }

    [Fact]
    public async Task Check_PersonWithKindPerson_IsDenied()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.Write("p.csv", $"身份证号码,姓名,案号,列入日期\n{Subjects.Person.Value},张某,（2024）京01执9号,2024-01-02\n"), "--list", CliSession.Debtors);
        var ids = cli.Write("ids.txt", $"{Subjects.Person.Value}\n{Subjects.OtherPerson.Value}\n");

        var decision = await cli.CheckAsync(Subjects.Person.Value, kind: "person");
        var batch = await cli.RunOkAsync("check", "--file", ids, "--kind", "person", "--scenario", "procurement");

        Assert.Equal("Denied", decision["outcome"]!.GetValue<string>());
        var lines = batch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["outcome"]!.GetValue<string>());
        Assert.Equal(["Denied", "Clear"], lines);
    }

    [Fact]
    public async Task Check_ValidPersonIdWithoutKind_IsCheckedAsAPerson()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.Write("p.csv", $"身份证号码,姓名,案号,列入日期\n{Subjects.Person.Value},张某,（2024）京01执9号,2024-01-02\n"), "--list", CliSession.Debtors);
        var ids = cli.Write("ids.txt", $"{Subjects.Person.Value}\n{Subjects.OtherPerson.Value}\n");

        var single = await cli.RunAsync("check", Subjects.Person.Value, "--scenario", "procurement", "--json");
        var batch = await cli.RunAsync("check", "--file", ids, "--scenario", "procurement");

        Assert.True(single.ExitCode == Exit.Ok, single.ToString());
        Assert.Equal("Denied", single.Json["outcome"]!.GetValue<string>());
        Assert.True(batch.ExitCode == Exit.Ok, batch.ToString());
    }

    [Fact]
    public async Task Check_SubjectAndFileTogetherOrNeither_ExitsUsage()
    {
        using var cli = await WithDebtorsAsync();
        var file = cli.Write("ids.txt", Rows.Company(1) + "\n");

        var both = await cli.RunAsync("check", Rows.Company(1), "--file", file, "--scenario", "procurement");
        var neither = await cli.RunAsync("check", "--scenario", "procurement");
        var noScenario = await cli.RunAsync("check", Rows.Company(1));

        Assert.Equal(Exit.Usage, both.ExitCode);
        Assert.Equal(Exit.Usage, neither.ExitCode);
        Assert.Equal(Exit.Usage, noScenario.ExitCode);
    }

    [Fact]
    public async Task CheckFile_OutCsv_WritesOneDecisionPerIdentifier()
    {
        using var cli = await WithDebtorsAsync();
        var ids = cli.Write("ids.csv", $"统一社会信用代码\n{Rows.Company(1)}\n{Rows.Company(3)}\n\n{Rows.Company(2)},示例乙有限公司\n");
        var output = cli.PathOf("out.csv");

        var result = await cli.RunOkAsync("check", "--file", ids, "--scenario", "procurement", "--out", output);

        var lines = File.ReadAllLines(output);
        Assert.Equal("line,subject,outcome,measures,legalBasis,checkId,catalogVersion,sequence,degraded,listsNotHeld", lines[0].TrimStart('\uFEFF'));
        Assert.Equal(4, lines.Length);
        var outcomes = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => f[2]);
        Assert.Equal("Denied", outcomes["2"]);
        Assert.Equal("Clear", outcomes["3"]);
        Assert.Equal("Denied", outcomes["5"]);
        Assert.Contains("拒绝参与政府采购活动", lines.Single(l => l.StartsWith("2,", StringComparison.Ordinal)), StringComparison.Ordinal);

        // The namespace holds only 失信被执行人名单: a clean row names the lists acting in procurement it did not cover.
        Assert.Contains("procurement-serious-violations", lines.Single(l => l.StartsWith("3,", StringComparison.Ordinal)).Split(',')[^1], StringComparison.Ordinal);
        var summary = JsonNode.Parse(result.Error.Split('\n')[0])!;
        Assert.Equal((3, 0), (summary["checked"]!.GetValue<int>(), summary["invalid"]!.GetValue<int>()));
        Assert.Equal((2, 1), (summary["outcomes"]!["Denied"]!.GetValue<int>(), summary["outcomes"]!["Clear"]!.GetValue<int>()));
    }

    [Fact]
    public async Task CheckFile_OutJsonWithAnInvalidLine_WritesDecisionsAndTheErrorAndExitsSomeLinesInvalid()
    {
        using var cli = await WithDebtorsAsync();
        var ids = cli.Write("ids.txt", $"{Rows.Company(1)}\n12345\n{Rows.Company(3)}\n");
        var output = cli.PathOf("out.json");

        var result = await cli.RunAsync("check", "--file", ids, "--scenario", "procurement", "--out", output);

        Assert.Equal(Exit.SomeLinesInvalid, result.ExitCode);
        var array = JsonNode.Parse(File.ReadAllText(output))!.AsArray();
        Assert.Equal(3, array.Count);
        var byLine = array.ToDictionary(n => n!["line"]!.GetValue<int>());
        Assert.Equal("Denied", byLine[1]!["outcome"]!.GetValue<string>());
        Assert.Equal("Clear", byLine[3]!["outcome"]!.GetValue<string>());
        Assert.NotEmpty(byLine[2]!["error"]!.GetValue<string>());
        Assert.Null(byLine[2]!["outcome"]);
        Assert.Contains("ids.txt:2:", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out.jsonl")]
    [InlineData("out.ndjson")]
    public async Task CheckFile_OutJsonLines_WritesOneDecisionPerLine(string name)
    {
        // Found from outside: a .jsonl file was written as CSV.
        using var cli = await WithDebtorsAsync();
        var ids = cli.Write("ids.txt", $"{Rows.Company(1)}\n12345\n{Rows.Company(3)}\n");
        var output = cli.PathOf(name);

        var result = await cli.RunAsync("check", "--file", ids, "--scenario", "procurement", "--out", output);

        Assert.Equal(Exit.SomeLinesInvalid, result.ExitCode);
        var lines = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!).ToDictionary(n => n["line"]!.GetValue<int>());
        Assert.Equal(3, lines.Count);
        Assert.Equal("Denied", lines[1]["outcome"]!.GetValue<string>());
        Assert.Equal("Clear", lines[3]["outcome"]!.GetValue<string>());
        Assert.NotEmpty(lines[2]["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task CheckFile_NoOut_WritesJsonLinesToStandardOutput()
    {
        using var cli = await WithDebtorsAsync();
        var ids = cli.Write("ids.txt", $"{Rows.Company(2)}\n{Rows.Company(4)}\n");

        var result = await cli.RunOkAsync("check", "--file", ids, "--scenario", "procurement");

        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal((1, "Denied"), (lines[0]["line"]!.GetValue<int>(), lines[0]["outcome"]!.GetValue<string>()));
        Assert.Equal((2, "Clear"), (lines[1]["line"]!.GetValue<int>(), lines[1]["outcome"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CheckFile_MissingFile_ExitsInvalidInput()
    {
        using var cli = await WithDebtorsAsync();

        var result = await cli.RunAsync("check", "--file", cli.PathOf("none.txt"), "--scenario", "procurement");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
    }
}
