using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.ListFiles;

namespace CreditCheck.Tests.Cli;

/// <summary>What the operator reads: usage lines, Chinese errors naming the place, exit codes of a
/// partly valid batch, readable JSON and safe rejects files. On the memory store: no Redis needed.</summary>
[Collection(CliTestGroup.Name)]
public sealed class CliMessagesTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("check", "--help")]
    [InlineData("feedback", "export", "--help")]
    public async Task Help_AnyCommand_UsageLineSaysCreditcheck(params string[] args)
    {
        using var cli = new CliSession(server: null);

        var result = await cli.RunOkAsync(args);

        var usage = result.Output.Split('\n').SkipWhile(l => !l.StartsWith("Usage:", StringComparison.Ordinal)).Skip(1).First().Trim();
        Assert.StartsWith("creditcheck", usage, StringComparison.Ordinal);
        Assert.DoesNotContain("CreditCheck.Cli", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("testhost", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckFile_SomeLinesInvalid_ChecksEveryValidLineAndExitsDistinctly()
    {
        using var cli = new CliSession(server: null);
        var (store, _) = await MemoryStoreWithDebtorAsync(cli);
        var ids = cli.Write("ids.txt", $"{Rows.Company(1)}\n9111010500000000IO\n{Rows.Company(2)}\n{Rows.Company(3)[..6]}\u0000{Rows.Company(3)[6..]}\n");
        var output = cli.PathOf("decisions.json");

        var result = await cli.RunAsync(["check", "--file", ids, "--scenario", "procurement", "--out", output, .. store]);

        Assert.Equal(Exit.SomeLinesInvalid, result.ExitCode);
        var written = JsonNode.Parse(File.ReadAllText(output))!.AsArray();
        Assert.Equal(["Denied", "Clear"], written.Where(n => n!["outcome"] is not null).Select(n => n!["outcome"]!.GetValue<string>()));
        Assert.Equal([2, 4], written.Where(n => n!["error"] is not null).Select(n => n!["line"]!.GetValue<int>()));
        Assert.Contains("ids.txt:4:", result.Error, StringComparison.Ordinal);
        Assert.Contains("第7位有不可见字符 U+0000", result.Error, StringComparison.Ordinal);
        Assert.Contains("U+0000 at position 7", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckFile_NoValidLine_ExitsInvalidInput()
    {
        using var cli = new CliSession(server: null);
        var (store, _) = await MemoryStoreWithDebtorAsync(cli);
        var ids = cli.Write("ids.txt", "9111010500000000IO\n");

        var result = await cli.RunAsync(["check", "--file", ids, "--scenario", "procurement", .. store]);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
    }

    [Fact]
    public async Task CheckFile_JsonLines_KeepChineseReadable()
    {
        using var cli = new CliSession(server: null);
        var (store, _) = await MemoryStoreWithDebtorAsync(cli);
        var ids = cli.Write("ids.txt", Rows.Company(1) + "\n");
        var output = cli.PathOf("decisions.json");

        var lines = await cli.RunOkAsync(["check", "--file", ids, "--scenario", "procurement", .. store]);
        await cli.RunOkAsync(["check", "--file", ids, "--scenario", "procurement", "--out", output, .. store]);

        Assert.Contains("拒绝参与政府采购活动", lines.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", lines.Output, StringComparison.Ordinal);
        Assert.Contains("拒绝参与政府采购活动", File.ReadAllText(output), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_IdentifierWithInvisibleCharacter_ChineseTextNamesCharacterAndPosition()
    {
        using var cli = new CliSession(server: null);

        var result = await cli.RunAsync("validate", "9144030\u200B071526726XG", "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var error = result.Json.AsArray().Single()!["error"]!.GetValue<string>();
        Assert.StartsWith("第8位有不可见字符 U+200B", error, StringComparison.Ordinal);
        Assert.Contains("U+200B at position 8", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_RejectsWithFormulaLikeText_EscapedAsFeedbackExportDoes()
    {
        using var cli = new CliSession(server: null);
        var (store, _) = await MemoryStoreWithDebtorAsync(cli);
        var rejects = cli.PathOf("rejects.csv");
        var file = cli.WriteCsv("mixed.csv", Rows.Entity(1), $"LegalEntity,=HYPERLINK(1),@SUM(A1),示例认定部门,+1,2024-01-02,2099-12-31,-e-2");

        await cli.RunOkAsync(["import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects, .. store]);

        using var reader = new StreamReader(rejects, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvRecordReader(reader);
        Assert.True(csv.TryRead(out _, out _, out _));
        Assert.True(csv.TryRead(out var row, out _, out _));
        Assert.Equal("'=HYPERLINK(1)", row[1]);
        Assert.Equal("'@SUM(A1)", row[2]);
        Assert.Equal("'+1", row[4]);
        Assert.Equal("'-e-2", row[7]);
        Assert.All(row, field => Assert.DoesNotMatch("^[=+@-]", field));
    }

    [Fact]
    public async Task Import_GbkFileWithBadBytes_NamesTheLineAndDoesNotSuggestTheGivenOption()
    {
        using var cli = new CliSession(server: null);
        var (store, _) = await MemoryStoreWithDebtorAsync(cli);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gbk = Encoding.GetEncoding("GBK");
        var good = string.Concat(Enumerable.Range(1, 3000).Select(n => Rows.Entity(n, name: $"示例企业{n}") + "\n"));
        byte[] bytes = [.. gbk.GetBytes(CliSession.EnglishHeader + "\n" + good), .. gbk.GetBytes("LegalEntity,91110105ABCDEFGH12,"), 0x81, 0x20, .. gbk.GetBytes(",a,b,2024-01-02,2099-12-31,x\n")];
        var file = cli.Write("bad-gbk.csv", bytes);

        var result = await cli.RunAsync(["import", file, "--list", CliSession.Debtors, "--encoding", "gbk", .. store]);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("第3002行", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 3002", result.Error, StringComparison.Ordinal);
        Assert.Contains("0x81", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--encoding gbk", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunOkAsync(["status", "--json", .. store])).Json["entries"]![CliSession.Debtors]!.GetValue<long>());
    }

    [Fact]
    public async Task Import_Utf8FileReadAsGbk_IsRefusedNotStoredGarbled_AndSeparatorOnlyRowsAreSkipped()
    {
        // Found from outside: UTF-8 imported with --encoding gbk stored names such as 绀轰緥鏈夐檺鍏; a row of
        // only commas (left by a spreadsheet) was two problems.
        using var cli = new CliSession(server: null);
        var (store, _) = await MemoryStoreWithDebtorAsync(cli);
        var file = cli.Write("utf8.csv", CliSession.EnglishHeader + "\n" + Rows.Entity(7, name: "示例有限公司") + "\n,,,,,,,\n");

        var garbled = await cli.RunAsync(["import", file, "--list", CliSession.Debtors, "--encoding", "gbk", .. store]);
        var plain = await cli.RunOkAsync(["import", file, "--list", CliSession.Debtors, "--mode", "merge", "--json", .. store]);

        Assert.Equal(Exit.InvalidInput, garbled.ExitCode);
        Assert.Contains("is UTF-8 text, not gbk", garbled.Error, StringComparison.Ordinal);
        Assert.Equal((1, 0), (plain.Json["added"]!.GetValue<int>(), plain.Json["rejected"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Import_JsonFileWithInvalidUtf8_NamesTheByteOffsetAndWritesNothing()
    {
        using var cli = new CliSession(server: null);
        var (store, _) = await MemoryStoreWithDebtorAsync(cli);
        var text = $$"""{ "entries": [ { "subject": "{{Rows.Company(5)}}", "kind": "LegalEntity", "name": "示例有限公司", "reference": "R1", "listedOn": "2024-01-02" } ] }""";
        var bytes = Encoding.UTF8.GetBytes(text);
        var at = Encoding.UTF8.GetByteCount(text[..text.IndexOf('示', StringComparison.Ordinal)]);
        bytes[at] = 0xFE;
        var file = cli.Write("entries.json", bytes);

        var result = await cli.RunAsync(["import", file, "--list", CliSession.Debtors, "--json", .. store]);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains($"byte offset {at}", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunOkAsync(["status", "--json", .. store])).Json["entries"]![CliSession.Debtors]!.GetValue<long>());
    }

    [Fact]
    public async Task CatalogValidate_PropertyTwice_NamesItsPath()
    {
        using var cli = new CliSession(server: null);
        var json = CreditCheck.Catalog.CreditCatalog.Default.ToJson();
        var file = cli.Write("catalog.json", json.Replace("\"version\":", "\"version\": \"x\", \"version\":", StringComparison.Ordinal));

        var result = await cli.RunAsync("catalog", "validate", file, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problem = result.Json["problems"]!.AsArray().Single()!;
        Assert.Equal("$.version", problem["path"]!.GetValue<string>());
        Assert.Contains("twice", problem["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("不存在", "does not exist", "check", "--file", "missing.txt", "--scenario", "procurement")]
    [InlineData("应为 utf-8、gbk 或 gb18030", "is not utf-8, gbk or gb18030", "import", "seed.csv", "--list", "court-dishonest-debtors", "--encoding", "big5")]
    [InlineData("统计期间为空", "is not after --since", "feedback", "export", "--since", "2024-02-01", "--until", "2024-01-01")]
    [InlineData("不是日期或时间", "is not a date or time", "report", "--since", "2024-13-01", "--until", "2025-01-01", "--out", "r.html")]
    public async Task Errors_ForTheOperator_ChineseFirstThenEnglish(string chinese, string english, params string[] args)
    {
        using var cli = new CliSession(server: null);
        var (store, _) = await MemoryStoreWithDebtorAsync(cli);
        var withPaths = args.Select(a => a.EndsWith(".txt", StringComparison.Ordinal) || a.EndsWith(".csv", StringComparison.Ordinal) || a.EndsWith(".html", StringComparison.Ordinal) ? cli.PathOf(a) : a);

        var result = await cli.RunAsync([.. withPaths, .. store]);

        Assert.NotEqual(Exit.Ok, result.ExitCode);
        var line = result.Error.Split('\n').First(l => l.StartsWith("creditcheck:", StringComparison.Ordinal));
        Assert.Contains(chinese, line, StringComparison.Ordinal);
        Assert.Contains(english, line, StringComparison.Ordinal);
        Assert.True(line.IndexOf(chinese, StringComparison.Ordinal) < line.IndexOf(english, StringComparison.Ordinal), line);
    }

    /// <summary>A memory store in a folder of the session holding one debtor, <see cref="Rows.Company"/>(1).</summary>
    private static async Task<(string[] Store, string Data)> MemoryStoreWithDebtorAsync(CliSession cli)
    {
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];
        await cli.RunOkAsync(["import", cli.WriteCsv("seed.csv", Rows.Entity(1)), "--list", CliSession.Debtors, "--mode", "merge", .. store]);
        return (store, data);
    }
}
