using System.Text;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>import</c> happy paths against a real Redis: generated and hand-written files, Chinese
/// headers and date forms, encodings, idempotent re-runs, merge and replace.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ImportCommandTests(RedisFixture redis)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private const string ChineseHeader = "统一社会信用代码,名称,认定部门,文号,列入日期,有效期至";

    [Fact]
    public async Task Import_GeneratedCsv_AddsEveryRowAndReportsCountsAndRate()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.PathOf("generated.csv");
        await cli.RunOkAsync("generate", "--count", "500", "--out", file);

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");

        var json = result.Json;
        Assert.Equal(500, json["valid"]!.GetValue<int>());
        Assert.Equal(0, json["rejected"]!.GetValue<int>());
        Assert.True(json["written"]!.GetValue<bool>());
        Assert.Empty(json["problems"]!.AsArray());
        Assert.Equal(500, json["added"]!.GetValue<int>());
        Assert.Equal(0, json["updated"]!.GetValue<int>());
        Assert.Equal(0, json["unchanged"]!.GetValue<int>());
        Assert.Equal(0, json["removed"]!.GetValue<int>());
        Assert.True(json["rowsPerSecond"]!.GetValue<double>() > 0, result.Output);
        Assert.Equal(await cli.SequenceAsync(), json["sequence"]!.GetValue<long>());
        Assert.Equal(500, await cli.EntriesAsync());

        // The first generated row, as the SDK sees it.
        var first = File.ReadLines(file).Skip(1).First().Split(',');
        var found = Assert.Single(await cli.LookupAsync(first[2]));
        Assert.Equal(("gen-0", CliSession.Debtors, first[3]), (found.EntryId, found.ListCode, found.SubjectName));
    }

    [Fact]
    public async Task Import_ReplaceThatWouldRemoveMostOfALargeList_IsRefusedUnlessAllowed_AndTheDryRunSaysHowMany()
    {
        // Found from outside: a one-row file replaced a list of 400,080 entries (a forgotten --mode merge), and
        // --dry-run said only "1 rows valid; nothing written".
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.PathOf("generated.csv");
        await cli.RunOkAsync("generate", "--count", "1200", "--out", file);
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors);
        var sequence = await cli.SequenceAsync();
        var one = cli.WriteCsv("one.csv", Rows.Entity(1));

        var dry = await cli.RunAsync("import", one, "--list", CliSession.Debtors, "--dry-run", "--json");
        var refused = await cli.RunAsync("import", one, "--list", CliSession.Debtors);

        Assert.True(dry.ExitCode == Exit.InvalidInput, dry.ToString()); // as the import itself would be refused
        Assert.Equal(1200, dry.Json["listedBefore"]!.GetValue<long>());
        Assert.Equal(1199, dry.Json["removedAtLeast"]!.GetValue<long>());
        Assert.True(refused.ExitCode == Exit.InvalidInput, refused.ToString());
        Assert.Contains("A replace would remove at least 1199 of the list's 1200 entries", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--mode merge", refused.Error, StringComparison.Ordinal);
        Assert.Equal(sequence, await cli.SequenceAsync());
        Assert.Equal(1200, await cli.EntriesAsync());

        var merged = await cli.RunOkAsync("import", one, "--list", CliSession.Debtors, "--mode", "merge", "--json");
        Assert.Equal(1201, await cli.EntriesAsync());
        var allowed = await cli.RunOkAsync("import", one, "--list", CliSession.Debtors, "--allow-mass-removal", "--json");
        Assert.Equal(1200, allowed.Json["removed"]!.GetValue<int>());
        Assert.Equal(1, await cli.EntriesAsync());
        Assert.True(merged.Json["written"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Import_TextOutput_SaysWhatChanged()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("two.csv", Rows.Entity(1), Rows.Entity(2));

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors);

        Assert.Contains("Imported 2 rows", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 added, 0 updated, 0 unchanged, 0 removed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_ChineseHeadersAndEveryDateForm_ReadsTheDaysAsWritten()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("中文表头.csv", ChineseHeader + "\n"
            + $"{Rows.Company(1)},示例一有限公司,某某市中级人民法院,（2024）京01执1号,2024年1月2日,2099年12月31日\n"
            + $"{Rows.Company(2)},示例二有限公司,某某市中级人民法院,（2024）京01执2号,2024/1/2,2099/12/31\n"
            + $"{Rows.Company(3)},示例三有限公司,某某市中级人民法院,（2024）京01执3号,20240102,20991231\n"
            + $"{Rows.Company(4)},示例四有限公司,某某市中级人民法院,（2024）京01执4号,2024-01-02,2025年1月2日\n"
            + $"{Rows.Company(5)},示例五有限公司,某某市中级人民法院,（2024）京01执5号,2024-1-2,2025/1/2\n"
            + $"{Rows.Company(6)},示例六有限公司,某某市中级人民法院,（2024）京01执6号,2024.1.2,20250102\n");

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(6, result.Json["added"]!.GetValue<int>());
        var listedOn = new DateTimeOffset(2024, 1, 2, 0, 0, 0, China);
        for (var n = 1; n <= 6; n++)
        {
            var entry = Assert.Single(await cli.LookupAsync(Rows.Company(n)));
            Assert.Equal(listedOn, entry.ListedOn);
            Assert.Equal(listedOn, entry.ValidFrom);
            // The end date is inclusive: the entry is in force through that whole day.
            var end = n <= 3 ? new DateTimeOffset(2100, 1, 1, 0, 0, 0, China) : new DateTimeOffset(2025, 1, 3, 0, 0, 0, China);
            Assert.Equal(end, entry.ValidUntil);
            Assert.Equal($"（2024）京01执{n}号", entry.DecisionReference);
            Assert.Equal("某某市中级人民法院", entry.Authority);
        }

        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(3)));
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(4))); // expired on 2025-01-02
    }

    [Fact]
    public async Task Import_ExportHeadersWithStatusAndTimestamps_MapsEveryColumn()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("market.csv", "主体名称,统一社会信用代码,法定代表人,认定部门,决定文书号,列入日期,移出日期,状态\n"
            + $"示例一有限公司,{Rows.Company(1)},王某,某某市市场监督管理局,某市监严〔2024〕1号,2024-01-02 00:00:00,2099-12-31,有效\n"
            + $"示例二有限公司,{Rows.Company(2)},李某,某某市市场监督管理局,某市监严〔2024〕2号,2024-01-02T08:00:00,2099-12-31,已修复\n");

        var result = await cli.RunOkAsync("import", file, "--list", "market-serious-violations", "--json");

        Assert.Equal(2, result.Json["added"]!.GetValue<int>());
        var first = Assert.Single(await cli.LookupAsync(Rows.Company(1)));
        Assert.Equal(("示例一有限公司", "某某市市场监督管理局", "某市监严〔2024〕1号", EntryStatus.Active), (first.SubjectName, first.Authority, first.DecisionReference, first.Status));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, China), first.ListedOn);
        Assert.Equal(new DateTimeOffset(2100, 1, 1, 0, 0, 0, China), first.ValidUntil);
        Assert.Equal(EntryStatus.Repaired, Assert.Single(await cli.LookupAsync(Rows.Company(2))).Status);
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1), "awards"));
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(2), "awards"));
    }

    [Fact]
    public async Task Import_OrganizationCodeColumn_EntityCheckedByItsUsccIsFound()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("org.csv", "组织机构代码,企业名称,文号,列入日期\n71526726-X,示例欠薪企业,人社欠〔2024〕1号,2024-01-02\n");

        var result = await cli.RunOkAsync("import", file, "--list", "wage-arrears", "--json");

        Assert.Equal(1, result.Json["added"]!.GetValue<int>());
        var decision = await cli.CheckAsync(Subjects.Tencent.Value, "bidding"); // 9144030071526726XG embeds 71526726-X
        Assert.Equal("Restricted", decision["outcome"]!.GetValue<string>());
        Assert.Equal("wage-arrears", Assert.Single(decision["entries"]!.AsArray())!["list"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_AQuoteNeverClosed_RefusesTheWholeFileEvenInMergeWithRejects_NamingTheLinesItSwallowed()
    {
        // Found from outside: an unclosed quote on one row swallowed the rows after it; 1 bad row was reported and
        // the rest imported, so the swallowed subjects stayed "not listed" while the operator believed them loaded.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var rows = Enumerable.Range(1, 40).Select(n => Rows.Entity(n)).ToArray();
        rows[19] += ",extra,\"unterminated";
        var file = cli.WriteCsv("quote.csv", rows);

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", cli.PathOf("rejects.csv"));

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("第21至42行被读成一个字段", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing written", result.Output, StringComparison.Ordinal);
        Assert.Equal(0, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_NonConformingCheckCharacter_RefusedUnlessLenient()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var valid = Rows.Company(1);
        var nonConforming = valid[..17] + (valid[17] == 'X' ? 'Y' : 'X');
        var file = cli.WriteCsv("pilot.csv", Rows.Raw("LegalEntity", nonConforming, "2024-01-02", "2099-12-31", "p-1"));

        var strict = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");
        var lenient = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--lenient", "--json");

        Assert.Equal(Exit.InvalidInput, strict.ExitCode);
        Assert.Contains("check character", strict.Json["problems"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, lenient.Json["added"]!.GetValue<int>());
        Assert.Equal(1, lenient.Json["nonConforming"]!.GetValue<int>());
        Assert.Equal(0, strict.Json["nonConforming"]!.GetValue<int>());
        var text = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--lenient");
        Assert.Contains("1 codes with a non-conforming check character were accepted under --lenient", text.Output, StringComparison.Ordinal);
        Assert.Equal("Denied", (await cli.RunOkAsync("check", nonConforming, "--scenario", "procurement", "--lenient", "--json")).Json["outcome"]!.GetValue<string>());
        Assert.Equal("Clear", await cli.OutcomeAsync(valid));
    }

    [Fact]
    public async Task Import_SameFileTwice_SecondChangesNothingAndKeepsTheSequence()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("list.csv", [.. Enumerable.Range(1, 50).Select(n => Rows.Entity(n))]);
        var first = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");
        var sequence = await cli.SequenceAsync();
        var changeRecords = (await cli.StatusAsync())["changeRecords"]!.GetValue<long>();

        var again = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(50, first.Json["added"]!.GetValue<int>());
        Assert.Equal(
            (0, 0, 50, 0),
            (again.Json["added"]!.GetValue<int>(), again.Json["updated"]!.GetValue<int>(), again.Json["unchanged"]!.GetValue<int>(), again.Json["removed"]!.GetValue<int>()));
        Assert.Equal(sequence, again.Json["sequence"]!.GetValue<long>());
        var status = await cli.StatusAsync();
        Assert.Equal(sequence, status["sequence"]!.GetValue<long>());
        Assert.Equal(changeRecords, status["changeRecords"]!.GetValue<long>());
        Assert.Equal(50, status["entries"]![CliSession.Debtors]!.GetValue<long>());
        Assert.Single(await cli.LookupAsync(Rows.Company(7)));
    }

    [Fact]
    public async Task Import_MergeMode_UpdatesAndAddsAndKeepsEntriesAbsentFromTheFile()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("a.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(3)), "--list", CliSession.Debtors);
        var b = cli.WriteCsv("b.csv", Rows.Entity(3, name: "改名后的示例企业有限公司"), Rows.Entity(4));

        var result = await cli.RunOkAsync("import", b, "--list", CliSession.Debtors, "--mode", "merge", "--json");

        Assert.Equal(
            (1, 1, 0, 0),
            (result.Json["added"]!.GetValue<int>(), result.Json["updated"]!.GetValue<int>(), result.Json["unchanged"]!.GetValue<int>(), result.Json["removed"]!.GetValue<int>()));
        Assert.Equal(4, await cli.EntriesAsync());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));
        Assert.Equal("改名后的示例企业有限公司", Assert.Single(await cli.LookupAsync(Rows.Company(3))).SubjectName);
    }

    [Fact]
    public async Task Import_ReplaceMode_RemovesEntriesAbsentFromTheFile()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("a.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(3)), "--list", CliSession.Debtors);
        var b = cli.WriteCsv("b.csv", Rows.Entity(3, name: "改名后的示例企业有限公司"), Rows.Entity(4));

        var result = await cli.RunOkAsync("import", b, "--list", CliSession.Debtors, "--mode", "replace", "--json");

        Assert.Equal(
            (1, 1, 0, 2),
            (result.Json["added"]!.GetValue<int>(), result.Json["updated"]!.GetValue<int>(), result.Json["unchanged"]!.GetValue<int>(), result.Json["removed"]!.GetValue<int>()));
        Assert.Equal(2, await cli.EntriesAsync());
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(1)));
        Assert.Empty(await cli.LookupAsync(Rows.Company(2)));
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(4)));
    }

    [Fact]
    public async Task Import_ReplaceMode_LeavesOtherListsAlone()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("grade-a.csv", Rows.Entity(1, entryId: "a-1")), "--list", "tax-grade-a");

        await cli.RunOkAsync("import", cli.WriteCsv("debtors.csv", Rows.Entity(2)), "--list", CliSession.Debtors);

        var entries = (await cli.StatusAsync())["entries"]!;
        Assert.Equal(1, entries["tax-grade-a"]!.GetValue<long>());
        Assert.Equal(1, entries[CliSession.Debtors]!.GetValue<long>());
    }

    [Fact]
    public async Task Import_GbkFileWithEncodingGbk_ReadsTheChineseText()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("gbk.csv", GbkText(), Gbk());

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--encoding", "gbk", "--json");

        Assert.Equal(2, result.Json["added"]!.GetValue<int>());
        var entry = Assert.Single(await cli.LookupAsync(Rows.Company(1)));
        Assert.Equal("示例甲贸易有限公司", entry.SubjectName);
        Assert.Equal("某某区人民法院", entry.Authority);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, China), entry.ListedOn);
    }

    [Fact]
    public async Task Import_GbkFileWithoutEncoding_ExitsInvalidInputSayingTryGbkAndWritesNothing()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("gbk.csv", GbkText(), Gbk());

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("--encoding gbk", result.Error, StringComparison.Ordinal);
        Assert.Contains("gbk.csv", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal); // a message, not a stack trace
        Assert.Equal(0, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_Gb18030File_ReadsTheChineseText()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("gb18030.csv", GbkText(), Encoding.GetEncoding("gb18030"));

        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--encoding", "gb18030");

        Assert.Equal("示例甲贸易有限公司", Assert.Single(await cli.LookupAsync(Rows.Company(1))).SubjectName);
    }

    [Fact]
    public async Task Import_Utf8WithBom_ReadsTheFirstHeaderAndTheText()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("bom.csv", GbkText(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(file)[0]);

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(2, result.Json["added"]!.GetValue<int>());
        Assert.Equal("示例甲贸易有限公司", Assert.Single(await cli.LookupAsync(Rows.Company(1))).SubjectName);
    }

    [Fact]
    public async Task Import_JsonFile_Imports()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("entries.json", $$"""
            { "entries": [
              { "subject": "{{Rows.Company(1)}}", "kind": "LegalEntity", "name": "示例甲有限公司", "reference": "（2024）京01执1号", "listedOn": "2024-01-02", "validUntil": "2099-12-31" },
              { "subject": "{{Rows.Person(2)}}", "kind": "NaturalPerson", "name": "张某", "reference": "（2024）京01执2号", "listedOn": "2024年1月2日" }
            ] }
            """);

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(2, result.Json["added"]!.GetValue<int>());
        Assert.Equal("Denied", await cli.PersonOutcomeAsync(Rows.Person(2)));
    }

    private static Encoding Gbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GBK");
    }

    private static string GbkText() => ChineseHeader + "\r\n"
        + $"{Rows.Company(1)},示例甲贸易有限公司,某某区人民法院,（2024）京0105执123号,2024年1月2日,2099年12月31日\r\n"
        + $"{Rows.Company(2)},示例乙建设工程有限公司,某某区人民法院,（2024）京0105执124号,2024/1/2,2099/12/31\r\n";

    [Fact]
    public async Task Import_WithoutList_ImportsEveryListTheFileNames_TheSampleDataIntoRedis()
    {
        // Found from outside: samples/data holds 13 lists in two files, and import --list X refused each whole.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var samples = CreditCheck.Tests.ListFiles.ListFileTestData.SampleData;

        var first = await cli.RunOkAsync("import", Path.Combine(samples, "entries.csv"), "--json");
        await cli.RunOkAsync("import", Path.Combine(samples, "persons.json"), "--mode", "merge");

        var entries = (await cli.StatusAsync())["entries"]!.AsObject();
        var perList = first.Json["lists"]!.AsObject(); // one JSON document, each list's result under its code
        Assert.True(perList.Count >= 12, first.Output);
        Assert.All(perList, l => Assert.True(l.Value!["written"]!.GetValue<bool>()));
        Assert.Equal(13, entries.Count);
        Assert.Equal(278, entries.Sum(e => e.Value!.GetValue<long>()));
    }

    [Fact]
    public async Task Import_WithoutList_ABadRowRefusesEveryList()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("two-lists.csv", "list," + CliSession.EnglishHeader + "\n"
            + CliSession.Debtors + "," + Rows.Entity(1) + "\n"
            + "wage-arrears," + Rows.Raw("LegalEntity", Rows.Company(2), "not-a-date", "2099-12-31", "w-2") + "\n");

        var result = await cli.RunAsync("import", file, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Equal(3, result.Json["problems"]![0]!["line"]!.GetValue<int>());
        Assert.Equal(0, await cli.EntriesAsync());
        Assert.Equal(Exit.Usage, (await cli.RunAsync("import", file, "--rejects", cli.PathOf("r.csv"))).ExitCode);
    }

    [Fact]
    public async Task Import_WithoutList_AReplaceTheGuardRefusesForOneList_WritesNoListAndTheDryRunSaysSo()
    {
        // Found from outside: the dry run exited 0 and said nothing of the removal; the import committed the first list,
        // was refused on the second by the mass-removal guard, and exited 1 ("nothing was written").
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var generated = cli.PathOf("generated.csv");
        await cli.RunOkAsync("generate", "--count", "1200", "--out", generated);
        await cli.RunOkAsync("import", generated, "--list", CliSession.Debtors);
        var sequence = await cli.SequenceAsync();
        var rows = new StringBuilder("list," + CliSession.EnglishHeader + "\n");
        for (var n = 1; n <= 3; n++)
        {
            rows.Append("wage-arrears,").Append(Rows.Entity(5000 + n, $"w-{n}")).Append('\n');
        }

        for (var n = 1; n <= 10; n++)
        {
            rows.Append(CliSession.Debtors).Append(',').Append(Rows.Entity(6000 + n, $"d-{n}")).Append('\n');
        }

        var file = cli.Write("two-lists.csv", rows.ToString());

        var dry = await cli.RunAsync("import", file, "--dry-run", "--json");
        var text = await cli.RunAsync("import", file, "--dry-run");
        var refused = await cli.RunAsync("import", file);

        Assert.True(dry.ExitCode == Exit.InvalidInput, dry.ToString());
        Assert.Equal(1200, dry.Json["lists"]![CliSession.Debtors]!["listedBefore"]!.GetValue<long>());
        Assert.Equal(1190, dry.Json["lists"]![CliSession.Debtors]!["removedAtLeast"]!.GetValue<long>());
        Assert.Equal(0, dry.Json["lists"]!["wage-arrears"]!["removedAtLeast"]!.GetValue<long>());
        Assert.Contains("court-dishonest-debtors：替换导入将移除该名单现有 1200 条中的至少 1190 条", text.Output, StringComparison.Ordinal);
        Assert.True(refused.ExitCode == Exit.InvalidInput, refused.ToString());
        Assert.Contains("A replace would remove at least 1190 of the list's 1200 entries", refused.Error, StringComparison.Ordinal);
        Assert.Contains("No list of the file was imported.", refused.Error, StringComparison.Ordinal);
        Assert.Equal(sequence, await cli.SequenceAsync());
        Assert.Equal(0, await cli.EntriesAsync("wage-arrears"));
        Assert.Equal(1200, await cli.EntriesAsync());

        await cli.RunOkAsync("import", file, "--allow-mass-removal");
        Assert.Equal(3, await cli.EntriesAsync("wage-arrears"));
        Assert.Equal(10, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_MergeWithRejects_TheDryRunExitsAsTheImportDoes()
    {
        // Found from outside: the dry run exited 1 ("1 bad rows … nothing written"), the import itself 0.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("one-bad.csv", Rows.Entity(1), Rows.Raw("LegalEntity", Rows.Company(2), "45292", "2099-12-31", "e-2"));
        var rejects = cli.PathOf("rejects.csv");

        var dry = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects, "--dry-run");
        var real = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects);

        Assert.True(dry.ExitCode == Exit.Ok, dry.ToString());
        var said = System.Text.RegularExpressions.Regex.Replace(dry.Output, @"\s+", " "); // the console wraps long lines
        Assert.Contains("dry run: 1 valid rows would be imported and 1 bad rows written to the rejects file; nothing written", said, StringComparison.Ordinal);
        Assert.True(real.ExitCode == Exit.Ok, real.ToString());
        Assert.Equal(1, await cli.EntriesAsync());

        // A replace with the same bad row is refused alike, dry or not.
        var dryReplace = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--rejects", rejects, "--dry-run");
        var replace = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--rejects", rejects);
        Assert.Equal((Exit.InvalidInput, Exit.InvalidInput), (dryReplace.ExitCode, replace.ExitCode));
    }

    [Fact]
    public async Task Import_RejectsNamingTheInputOrAnUnwritablePath_RefusedAndTheFileKept()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("export.csv", Rows.Entity(1), Rows.Entity(2));
        var before = await File.ReadAllBytesAsync(file);

        var same = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", file);
        var relative = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", Path.Combine(Path.GetDirectoryName(file)!, ".", "export.csv"));
        var unwritable = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", cli.PathOf(Path.Combine("no-such-folder", "r.csv")));

        Assert.True(same.ExitCode == Exit.Usage, same.ToString());
        Assert.Contains("--rejects names the file being imported (export.csv)", same.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.Usage, relative.ExitCode);
        Assert.Equal(before, await File.ReadAllBytesAsync(file));
        Assert.True(unwritable.ExitCode == Exit.InvalidInput, unwritable.ToString());
        Assert.Contains("无法写入 rejects 文件", unwritable.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be written", unwritable.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", unwritable.Error, StringComparison.Ordinal);
        Assert.Equal(0, await cli.EntriesAsync());
    }
}
