using CreditCheck.ListFiles;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>import</c> of broken files against a real Redis: every bad row reported with line,
/// column and reason, nothing written unless <c>--rejects</c> takes the bad rows.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ImportValidationTests(RedisFixture redis)
{
    /// <summary>A session with two entries already live (companies 901 and 902), to show they survive.</summary>
    private async Task<CliSession> WithLiveDataAsync()
    {
        var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("live.csv", Rows.Entity(901), Rows.Entity(902)), "--list", CliSession.Debtors);
        return cli;
    }

    private static async Task AssertLiveDataIntactAsync(CliSession cli, long sequence)
    {
        var status = await cli.StatusAsync();
        Assert.Equal(sequence, status["sequence"]!.GetValue<long>());
        Assert.Equal(2, status["entries"]![CliSession.Debtors]!.GetValue<long>());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(901)));
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(902)));
    }

    private static List<(int Line, string? Column, string Reason)> Problems(CliResult result) =>
        [.. result.Json["problems"]!.AsArray().Select(p => (p!["line"]!.GetValue<int>(), p["column"]?.GetValue<string>(), p["reason"]!.GetValue<string>()))];

    [Fact]
    public async Task Import_MissingIdentifierColumn_ExitsInvalidInputWithAHeaderProblem()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.Write("no-id.csv", "名称,认定部门,文号,列入日期\n示例甲有限公司,某法院,（2024）京01执1号,2024-01-02\n");

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.False(result.Json["written"]!.GetValue<bool>());
        var problem = Assert.Single(Problems(result));
        Assert.Equal(1, problem.Line);
        Assert.Contains("No identifier column", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("统一社会信用代码", problem.Reason, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_TwoIdentifierColumnsOfTheSameRank_SaysTheHeaderCannotBeUsedNotThatARowIsBad()
    {
        // Found from outside: a file with both 统一社会信用代码 and 身份证号码 was summed up as "1 bad rows, 0 valid",
        // counting the header, though its two data rows were never read.
        using var cli = await WithLiveDataAsync();
        var file = cli.Write("two-ids.csv", "统一社会信用代码,身份证号码,名称,认定部门,文号,列入日期\n"
            + "91110105000000000U,,示例甲有限公司,某法院,（2024）京01执1号,2024-01-02\n"
            + ",110105196001010017,某甲,某法院,（2024）京01执2号,2024-01-02\n");

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("repeats the identifier column", result.Output, StringComparison.Ordinal);
        Assert.Contains("The header row cannot be used", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("bad rows", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_JsonWhoseFirstEntryIsBad_IsNotSaidToHaveABadHeader()
    {
        // A JSON file's rows are numbered by entry: its entry 1 is not a header.
        using var cli = await WithLiveDataAsync();
        var file = cli.Write("first-bad.json", "[{\"subject\":\"91110105000000000X\",\"name\":\"甲\",\"authority\":\"某法院\",\"reference\":\"（2024）京01执1号\",\"listedOn\":\"2024-01-02\"},"
            + "{\"subject\":\"91110105000000000U\",\"name\":\"乙\",\"authority\":\"某法院\",\"reference\":\"（2024）京01执2号\",\"listedOn\":\"2024-01-02\"}]");

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.DoesNotContain("header row", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 bad rows", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_MissingIdentifierColumnWithRejects_StillRefusesAndWritesNothing()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.Write("no-id.csv", "名称,文号\n示例甲有限公司,（2024）京01执1号\n");

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--rejects", cli.PathOf("rejects.csv"), "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Equal(1, Assert.Single(Problems(result)).Line);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_PersonsUnderRenamedIdentifierColumn_ImportsThemAsPersons()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("persons.csv", "身份证号码,姓名,执行法院,案号,发布时间,有效期至\n"
            + $"{Rows.Person(1)},张某,某某区人民法院,（2024）京0105执1号,2024年1月2日,2099年12月31日\n"
            + $"{Rows.Person(2)},李某某,某某区人民法院,（2024）京0105执2号,2024年1月2日,2099年12月31日\n");

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(2, result.Json["added"]!.GetValue<int>());
        var entry = Assert.Single(await cli.LookupAsync(Rows.Person(1), SubjectKind.NaturalPerson));
        Assert.Equal((SubjectKind.NaturalPerson, "张某", "（2024）京0105执1号"), (entry.SubjectKind, entry.SubjectName, entry.DecisionReference));
        Assert.Equal("Denied", await cli.PersonOutcomeAsync(Rows.Person(2)));
    }

    [Fact]
    public async Task Import_InvalidIdentifiersAndDates_ReportsEachBadRowAndWritesNothing()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var goodId = Rows.Company(1);
        var badCheck = goodId[..17] + (goodId[17] == '0' ? '1' : '0');
        var file = cli.WriteCsv(
            "bad.csv",
            Rows.Entity(1),                                                      // line 2: good
            Rows.Raw("LegalEntity", badCheck, "2024-01-02", "2099-12-31", "e-3"), // line 3: wrong check character
            Rows.Raw("LegalEntity", "12345", "2024-01-02", "2099-12-31", "e-4"),  // line 4: not an identifier
            Rows.Raw("LegalEntity", Rows.Company(5), "2024-13-45", "2099-12-31", "e-5"), // line 5: no such date
            Rows.Raw("LegalEntity", Rows.Company(6), "2024-01-02", "明年", "e-6"),  // line 6: not a date
            Rows.Entity(7));                                                     // line 7: good

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.False(result.Json["written"]!.GetValue<bool>());
        Assert.Equal((2, 4), (result.Json["valid"]!.GetValue<int>(), result.Json["rejected"]!.GetValue<int>()));
        var problems = Problems(result);
        Assert.Equal([3, 4, 5, 6], problems.Select(p => p.Line).Order());
        Assert.Contains(problems, p => p.Line == 3 && p.Column == "subject" && p.Reason.Contains("check character", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Line == 4 && p.Column == "subject" && p.Reason.Length > 0);
        Assert.Contains(problems, p => p.Line == 5 && p.Column == "listedOn" && p.Reason.Contains("2024-13-45", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Line == 6 && p.Column == "validUntil" && p.Reason.Contains("明年", StringComparison.Ordinal));
        // The operator reads Chinese first, then the English text for scripts and developers.
        Assert.Contains(problems, p => p.Line == 6 && p.Reason.StartsWith("“明年”不是日期", StringComparison.Ordinal) && p.Reason.Contains(" — '明年' is not a date", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Line == 3 && p.Reason.StartsWith("统一社会信用代码第18位校验码", StringComparison.Ordinal));
        await AssertLiveDataIntactAsync(cli, sequence);
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(1))); // the good rows were not written either

        var table = await cli.RunAsync("import", file, "--list", CliSession.Debtors);
        Assert.Equal(Exit.InvalidInput, table.ExitCode);
        Assert.Contains("4 bad rows", table.Output, StringComparison.Ordinal);
        Assert.Contains("nothing written", table.Output, StringComparison.Ordinal);
        Assert.Contains("4 行有误", table.Output, StringComparison.Ordinal);
        Assert.Contains("未写入任何数据", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_MergeWithRejects_ImportsTheGoodRowsAndWritesTheBadOnesWithLineAndReason()
    {
        using var cli = await WithLiveDataAsync();
        var rejects = cli.PathOf("rejects.csv");
        var file = cli.WriteCsv(
            "mixed.csv",
            Rows.Entity(1),
            Rows.Raw("LegalEntity", "91110105ABCDEFGH12", "2024-01-02", "2099-12-31", "e-3"),
            Rows.Entity(3),
            Rows.Raw("LegalEntity", Rows.Company(4), "2024年13月1日", "2099-12-31", "e-5"));

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects, "--json");

        Assert.True(result.Json["written"]!.GetValue<bool>());
        Assert.Equal((2, 2), (result.Json["valid"]!.GetValue<int>(), result.Json["rejected"]!.GetValue<int>()));
        Assert.Equal((2, 0), (result.Json["added"]!.GetValue<int>(), result.Json["removed"]!.GetValue<int>())); // merge: 901 and 902 stay
        Assert.Equal(4, await cli.EntriesAsync());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(3)));
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(4)));

        var written = ReadCsv(rejects);
        Assert.Equal([.. CliSession.EnglishHeader.Split(','), "_line", "_reason"], written[0]);
        Assert.Equal(3, written.Count);
        Assert.Equal("91110105ABCDEFGH12", written[1][1]);
        Assert.Equal("3", written[1][^2]);
        Assert.Contains("subject", written[1][^1], StringComparison.Ordinal);
        Assert.Equal(Rows.Company(4), written[2][1]);
        Assert.Equal("5", written[2][^2]);
        Assert.Contains("listedOn", written[2][^1], StringComparison.Ordinal);
        Assert.Contains("2024年13月1日", written[2][^1], StringComparison.Ordinal);
        Assert.StartsWith("listedOn: “2024年13月1日”不是日期", written[2][^1], StringComparison.Ordinal);
        Assert.Equal(0xEF, File.ReadAllBytes(rejects)[0]); // UTF-8 with BOM, as spreadsheet tools expect
    }

    [Fact]
    public async Task Import_JsonFileWithRejects_ImportsTheGoodEntriesAndWritesTheBadOnesByEntryNumber()
    {
        using var cli = await WithLiveDataAsync();
        var rejects = cli.PathOf("rejects.csv");
        string Entry(string subject, string listedOn, string id) =>
            $$"""{ "list": "{{CliSession.Debtors}}", "kind": "LegalEntity", "subject": "{{subject}}", "name": "示例{{id}}", "listedOn": "{{listedOn}}", "entryId": "{{id}}" }""";
        var file = cli.Write("mixed.json", "{ \"entries\": [\n"
            + Entry(Rows.Company(1), "2024-01-02", "e-1") + ",\n"
            + Entry("91110105ABCDEFGH12", "2024-01-02", "e-2") + ",\n"
            + "42,\n"
            + Entry(Rows.Company(4), "2024-01-02", "e-4") + ",\n"
            + Entry(Rows.Company(5), "2024年13月1日", "e-5") + "\n] }\n");

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects, "--json");

        Assert.True(result.Json["written"]!.GetValue<bool>(), result.Output);
        Assert.Equal((2, 3), (result.Json["valid"]!.GetValue<int>(), result.Json["rejected"]!.GetValue<int>()));
        Assert.Equal([2, 3, 5], Problems(result).Select(p => p.Line));
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(4)));
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(5)));
        var written = ReadCsv(rejects);
        Assert.Equal(["_entry", "_reason"], written[0]);
        Assert.Equal(["2", "3", "5"], written.Skip(1).Select(row => row[0]));
        Assert.StartsWith("listedOn: “2024年13月1日”不是日期", written[3][1], StringComparison.Ordinal);

        // Without --rejects the same file is refused, and the table numbers the entries.
        var refused = await cli.RunAsync("import", file, "--list", CliSession.Debtors);
        Assert.Equal(Exit.InvalidInput, refused.ExitCode);
        Assert.Contains("entry", refused.Output, StringComparison.Ordinal);
        Assert.Contains("use --rejects FILE", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_MalformedJsonWithRejects_RefusedAsAFileThatCannotBeUsed()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.Write("broken.json", "[\n  { \"list\": \"" + CliSession.Debtors + "\",\n    \"subject\": ,\n  }\n]");

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--rejects", cli.PathOf("rejects.csv"));

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("The file cannot be used", result.Output, StringComparison.Ordinal);
        Assert.Contains("文件无法使用", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("use --rejects", result.Output, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_ReplaceWithARejectedRowOfAListedSubject_RefusedSoTheSubjectStaysListed()
    {
        // Found from outside: the full export with one row's end date written 长期 (unreadable then) went in as a
        // replace, the row to the rejects file, and its subject — listed all along — was removed and answered Clear.
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var rejects = cli.PathOf("rejects.csv");
        var file = cli.WriteCsv("export.csv", Rows.Entity(901), Rows.Raw("LegalEntity", Rows.Company(902), "2024-01-02", "明年", "e-902"));

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--rejects", rejects);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("--mode merge", result.Error, StringComparison.Ordinal);
        Assert.Contains("替换导入中有 1 行有误", result.Error, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
        Assert.Equal(2, ReadCsv(rejects).Count); // the bad row is in the rejects file to be fixed

        // Merge takes the good rows and removes nothing.
        var merged = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects, "--json");
        Assert.Equal(0, merged.Json["removed"]!.GetValue<int>());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(902)));
    }

    [Fact]
    public async Task Import_HeaderOnlyFile_DryRunSaysWhatTheImportWould_AndNeitherClaimsADryRunItWasNot()
    {
        // Found from outside: the dry run passed (exit 0) what the import refused, and the import said "(dry run)".
        using var cli = await WithLiveDataAsync();
        var file = cli.Write("empty.csv", CliSession.EnglishHeader + "\n");

        var dry = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--dry-run");
        var real = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal((Exit.InvalidInput, Exit.InvalidInput), (dry.ExitCode, real.ExitCode));
        Assert.Contains("--allow-empty", dry.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-empty", real.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("dry run", real.Output, StringComparison.Ordinal);
        Assert.Equal(2, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_RejectsFileFixedAndReimportedInMergeMode_AddsTheRest()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var rejects = cli.PathOf("rejects.csv");
        var file = cli.WriteCsv("mixed.csv", Rows.Entity(1), Rows.Raw("LegalEntity", Rows.Company(2), "not-a-date", "2099-12-31", "e-2"));
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects);

        // The operator fixes the date in the rejects file and loads it: the _line and _reason columns are ignored.
        var fixedFile = cli.Write("fixed.csv", File.ReadAllText(rejects).Replace("not-a-date", "2024-01-02", StringComparison.Ordinal));
        var result = await cli.RunOkAsync("import", fixedFile, "--list", CliSession.Debtors, "--mode", "merge", "--json");

        Assert.Equal(1, result.Json["added"]!.GetValue<int>());
        Assert.Equal(2, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_AllRowsBadWithRejects_RefusesToEmptyTheListInReplaceMode()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.WriteCsv("all-bad.csv", Rows.Raw("LegalEntity", "12345", "2024-01-02", "2099-12-31", "e-1"));

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--rejects", cli.PathOf("rejects.csv"));

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("--allow-empty", result.Error, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_IdenticalDuplicateRows_CountedOnce()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("dup.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(1));

        var result = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(1, result.Json["duplicates"]!.GetValue<int>());
        Assert.Equal(2, result.Json["added"]!.GetValue<int>());
        Assert.Equal(2, await cli.EntriesAsync());
        Assert.Single(await cli.LookupAsync(Rows.Company(1)));
    }

    [Fact]
    public async Task Import_ConflictingDuplicateRows_ReportsTheSecondNamingTheFirstAndWritesNothing()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.WriteCsv("conflict.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(1, name: "另一个名称有限公司"));

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problem = Assert.Single(Problems(result));
        Assert.Equal(4, problem.Line);
        Assert.Contains("line 2", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("e-1", problem.Reason, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_EmptyFile_ExitsInvalidInputAndWritesNothing()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.Write("empty.csv", []);

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json", "--allow-empty");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problem = Assert.Single(Problems(result));
        Assert.Equal(1, problem.Line);
        Assert.Contains("empty", problem.Reason, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_BinaryFile_ExitsInvalidInputWithAClearMessage()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var bytes = new byte[8192];
        new Random(20240102).NextBytes(bytes);
        bytes[0] = 0x8F; // no byte-order mark: that would switch the reader to UTF-16 or UTF-32
        bytes[1] = 0x00;
        var file = cli.Write("random.csv", bytes);

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("random.csv", result.Error, StringComparison.Ordinal);
        Assert.Contains("not utf-8 text", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_BinaryFileAsGbk_ExitsInvalidInputWithAClearMessage()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var bytes = new byte[8192];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0x8F;
        bytes[1] = 0x00;
        var file = cli.Write("random.csv", bytes);

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--encoding", "gbk");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("random.csv", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_ManyGoodRowsThenBinaryBytes_ExitsInvalidInputWritesNothingAndLeavesNoStaging()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var text = CliSession.EnglishHeader + "\n" + string.Concat(Enumerable.Range(1, 5000).Select(n => Rows.Entity(n) + "\n"));
        var file = cli.Write("truncated.csv", [.. new System.Text.UTF8Encoding(false).GetBytes(text), 0xFF, 0xFE, 0xC0, 0x80, 0x00, 0x9F]);

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("not utf-8 text", result.Error, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(1)));
        Assert.Empty(await redis.Server.KeysAsync($"cc:{{{cli.Namespace}}}:stage:*"));
        // The refused import let go of the list: the next one runs at once.
        await cli.RunOkAsync("import", cli.WriteCsv("next.csv", Rows.Entity(1)), "--list", CliSession.Debtors, "--mode", "merge");
        Assert.Equal(3, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_ManyGoodRowsThenOneBadRow_WritesNothingAndLeavesNoStaging()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.WriteCsv("late-error.csv", [.. Enumerable.Range(1, 5000).Select(n => Rows.Entity(n)), Rows.Raw("LegalEntity", "12345", "2024-01-02", "2099-12-31", "bad")]);

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Equal(5002, Assert.Single(Problems(result)).Line);
        Assert.Equal(5000, result.Json["valid"]!.GetValue<int>());
        await AssertLiveDataIntactAsync(cli, sequence);
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(4999)));
        Assert.Empty(await redis.Server.KeysAsync($"cc:{{{cli.Namespace}}}:stage:*"));
        await cli.RunOkAsync("import", cli.WriteCsv("next.csv", Rows.Entity(1)), "--list", CliSession.Debtors, "--mode", "merge");
    }

    [Fact]
    public async Task Import_DryRun_ValidatesAndWritesNothing()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.WriteCsv("new.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(3));

        var json = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--dry-run", "--json");
        var text = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--dry-run");

        Assert.Equal(3, json.Json["valid"]!.GetValue<int>());
        Assert.False(json.Json["written"]!.GetValue<bool>());
        Assert.Null(json.Json["added"]);
        Assert.Contains("dry run", text.Output, StringComparison.Ordinal);
        await AssertLiveDataIntactAsync(cli, sequence);
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(1)));
    }

    [Fact]
    public async Task Import_DryRunOfABadFile_ExitsInvalidInput()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("bad.csv", Rows.Entity(1), Rows.Raw("LegalEntity", "12345", "2024-01-02", "2099-12-31", "e-9"));

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--dry-run", "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Equal(3, Assert.Single(Problems(result)).Line);
        Assert.Equal(0, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_ReplaceWithNoRows_RefusedUnlessAllowEmpty()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var headerOnly = cli.WriteCsv("header-only.csv");

        var refused = await cli.RunAsync("import", headerOnly, "--list", CliSession.Debtors);
        await AssertLiveDataIntactAsync(cli, sequence);
        var merged = await cli.RunOkAsync("import", headerOnly, "--list", CliSession.Debtors, "--mode", "merge", "--json");
        await AssertLiveDataIntactAsync(cli, sequence);
        var allowed = await cli.RunOkAsync("import", headerOnly, "--list", CliSession.Debtors, "--allow-empty", "--json");

        Assert.Equal(Exit.InvalidInput, refused.ExitCode);
        Assert.Contains("--allow-empty", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, merged.Json["added"]!.GetValue<int>());
        Assert.Equal(2, allowed.Json["removed"]!.GetValue<int>());
        Assert.Equal(0, await cli.EntriesAsync());
        Assert.Equal("Clear", await cli.OutcomeAsync(Rows.Company(901)));
    }

    [Fact]
    public async Task Import_RowOfAnotherList_IsReportedAndNothingWritten()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("lists.csv", "list,subject,reference,listedOn\n"
            + $"{CliSession.Debtors},{Rows.Company(1)},（2024）京01执1号,2024-01-02\n"
            + $"wage-arrears,{Rows.Company(2)},（2024）人社1号,2024-01-02\n");

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problem = Assert.Single(Problems(result));
        Assert.Equal((3, "list"), (problem.Line, problem.Column));
        Assert.Equal(0, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_PersonOnAListForEntitiesOnly_IsReportedWithItsLine()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("aeo.csv", Rows.Entity(1), $"NaturalPerson,{Rows.Person(1)},张某,海关,署1号,2024-01-02,2099-12-31,p-1");

        var result = await cli.RunAsync("import", file, "--list", "customs-aeo", "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problem = Assert.Single(Problems(result));
        Assert.Equal(3, problem.Line);
        Assert.Contains("NaturalPerson", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_UnknownListOrMissingFile_ExitsInvalidInput()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("one.csv", Rows.Entity(1));

        var unknownList = await cli.RunAsync("import", file, "--list", "no-such-list");
        var missingFile = await cli.RunAsync("import", cli.PathOf("missing.csv"), "--list", CliSession.Debtors);

        Assert.Equal(Exit.InvalidInput, unknownList.ExitCode);
        Assert.Contains("no-such-list", unknownList.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, missingFile.ExitCode);
        Assert.Contains("does not exist", missingFile.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_NoCatalogPublished_ExitsNotFoundNamingPublish()
    {
        using var cli = new CliSession(redis.Server);
        var file = cli.WriteCsv("one.csv", Rows.Entity(1));

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.NotFound, result.ExitCode); // the namespace was never set up
        Assert.Contains("catalog publish", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BadModeOrEncoding_ExitsUsage()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("one.csv", Rows.Entity(1));

        var mode = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--mode", "append");
        var encoding = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--encoding", "latin1");

        Assert.Equal(Exit.Usage, mode.ExitCode);
        Assert.Equal(Exit.Usage, encoding.ExitCode);
        Assert.Equal(0, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_QuotedFieldsOverSeveralLines_ReportsTheLineWhereEachBadRowStarts()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("quoted.csv", "subject,name,reference,listedOn,summary\n"
            + $"{Rows.Company(1)},\"示例,有限公司\",ref-1,2024-01-02,\"第一行\n第二行\"\n"   // lines 2-3
            + $"{Rows.Company(2)},示例二,ref-2,2024-13-01,x\n"                             // line 4: bad date
            + $"{Rows.Company(3)},示例三,ref-3\n"                                           // line 5: too few fields
            + $"{Rows.Company(4)},\"示例\"\"四\"\"\",ref-4,2024-01-02,\"a,b\"\n");              // line 6: good

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problems = Problems(result);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Line == 4 && p.Column == "listedOn");
        Assert.Contains(problems, p => p.Line == 5 && p.Column is null && p.Reason.Contains("3 fields", StringComparison.Ordinal));
        Assert.Equal(2, result.Json["valid"]!.GetValue<int>());

        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", cli.PathOf("rejects.csv"));
        Assert.Equal("示例,有限公司", Assert.Single(await cli.LookupAsync(Rows.Company(1))).SubjectName);
        Assert.Equal("示例\"四\"", Assert.Single(await cli.LookupAsync(Rows.Company(4))).SubjectName);
    }

    [Fact]
    public async Task Import_RejectedRowWithTooFewFields_KeepsLineAndReasonInTheirColumns()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var rejects = cli.PathOf("rejects.csv");
        var file = cli.Write("short.csv", "subject,name,reference,listedOn,summary\n"
            + $"{Rows.Company(1)},示例一,ref-1,2024-01-02,x\n"
            + $"{Rows.Company(2)},示例二,ref-2\n");

        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "merge", "--rejects", rejects);

        var written = ReadCsv(rejects);
        var header = written[0];
        var row = written[1];
        Assert.Equal(header.Count, row.Count);
        Assert.Equal("3", row[header.IndexOf("_line")]);
        Assert.Contains("fields", row[header.IndexOf("_reason")], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_InvalidIdentifierWithoutKindColumn_NamesTheIdentifierColumn()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("no-kind.csv", $"subject,name,reference,listedOn\n{Rows.Company(1)},示例一,ref-1,2024-01-02\n12345,示例二,ref-2,2024-01-02\n");

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problem = Assert.Single(Problems(result));
        Assert.Equal((3, "subject"), (problem.Line, problem.Column));
    }

    [Fact]
    public async Task Import_FileOfNulBytes_ExitsInvalidInputAndWritesNothing()
    {
        using var cli = await WithLiveDataAsync();
        var sequence = await cli.SequenceAsync();
        var file = cli.Write("zeros.csv", new byte[20_000]);

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        await AssertLiveDataIntactAsync(cli, sequence);
    }

    [Fact]
    public async Task Import_FileOfNulBytes_SaysItIsNotTextInAShortMessage()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("zeros.csv", new byte[20_000]);

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.True(result.Output.Length + result.Error.Length < 2_000, $"{result.Output.Length + result.Error.Length} characters of output");
        Assert.DoesNotContain('\0', result.Output + result.Error);
        Assert.Contains("not", result.Error + result.Output, StringComparison.Ordinal);
        Assert.Contains("text", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_UsccAndOrganizationCodeColumns_UsesTheUscc()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("both.csv", $"统一社会信用代码,组织机构代码,名称,文号,列入日期\n{Rows.Company(1)},{Rows.Company(1)[8..16]}-{Rows.Company(1)[16]},示例一有限公司,某决〔2024〕1号,2024-01-02\n");

        var result = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));
    }

    [Fact]
    public async Task Import_ColumnMappedByOption_IsReadAsThatField()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.Write("mapped.csv", $"企业代码,企业,文号,列入日期\n{Rows.Company(2)},示例二有限公司,某决〔2024〕2号,2024-01-02\n");

        var unmapped = await cli.RunAsync("import", file, "--list", CliSession.Debtors);
        var mapped = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--column", "企业代码=subject", "--column", "企业=name");
        var bad = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--column", "企业代码=nonsense");

        Assert.Equal(Exit.InvalidInput, unmapped.ExitCode);
        Assert.True(mapped.ExitCode == Exit.Ok, mapped.ToString());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(2)));
        Assert.Equal(Exit.Usage, bad.ExitCode);
    }

    [Fact]
    public async Task Import_EndDateBeforeStart_NamesTheDateColumnsAsTheFileCallsThem()
    {
        // Found from outside: the refusal said the entry ends before it starts, under an empty column.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var english = cli.Write("english.csv", "kind,subject,name,reference,listedOn,validFrom,validUntil,entryId\n"
            + $"LegalEntity,{Rows.Company(1)},示例甲有限公司,某决〔2024〕1号,2024-01-02,2024-05-01,2024-03-31,e-1\n");
        var chinese = cli.Write("chinese.csv", "统一社会信用代码,名称,文号,列入日期,有效期至\n"
            + $"{Rows.Company(2)},示例乙有限公司,某决〔2024〕2号,2024-05-01,2024-03-31\n"); // no start column: the listing date is the start
        var json = cli.Write("entries.json", $$"""
            [ { "subject": "{{Rows.Company(3)}}", "kind": "LegalEntity", "reference": "某决〔2024〕3号", "listedOn": "2024-01-02", "validFrom": "2024-05-01", "validUntil": "2024-03-31" } ]
            """);

        var fromEnglish = await cli.RunAsync("import", english, "--list", CliSession.Debtors, "--json");
        var fromChinese = await cli.RunAsync("import", chinese, "--list", CliSession.Debtors, "--json");
        var fromJson = await cli.RunAsync("import", json, "--list", CliSession.Debtors, "--json");
        var table = await cli.RunAsync("import", english, "--list", CliSession.Debtors);

        Assert.Equal((Exit.InvalidInput, Exit.InvalidInput, Exit.InvalidInput), (fromEnglish.ExitCode, fromChinese.ExitCode, fromJson.ExitCode));
        var (line, column, reason) = Assert.Single(Problems(fromEnglish));
        Assert.Equal((2, "validUntil, validFrom"), (line, column));
        Assert.Contains("2024-03-31", reason, StringComparison.Ordinal);
        Assert.Contains("2024-05-01", reason, StringComparison.Ordinal);
        var chineseProblem = Assert.Single(Problems(fromChinese));
        Assert.Equal((2, "有效期至, 列入日期"), (chineseProblem.Line, chineseProblem.Column));
        var jsonProblem = Assert.Single(Problems(fromJson));
        Assert.Equal((1, "validUntil, validFrom"), (jsonProblem.Line, jsonProblem.Column));
        Assert.Contains("validUntil, validFrom", table.Output, StringComparison.Ordinal);
        Assert.Equal(0, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_GbkJsonWithoutEncoding_SaysTryGbkAsForCsv()
    {
        // Found from outside: a GBK CSV got the --encoding hint, a GBK JSON file only "not UTF-8 text".
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var gbk = System.Text.Encoding.GetEncoding("GBK");
        var text = $$"""
            { "entries": [
              { "subject": "{{Rows.Company(1)}}", "kind": "LegalEntity", "name": "示例甲贸易有限公司", "authority": "某某区人民法院", "reference": "（2024）京0105执123号", "listedOn": "2024-01-02" }
            ] }
            """;
        var file = cli.Write("gbk.json", text, gbk);

        var plain = await cli.RunAsync("import", file, "--list", CliSession.Debtors);
        var given = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--encoding", "gbk", "--json");

        Assert.Equal(Exit.InvalidInput, plain.ExitCode);
        Assert.Contains("--encoding gbk", plain.Error, StringComparison.Ordinal);
        Assert.Contains("gbk.json", plain.Error, StringComparison.Ordinal);
        Assert.Contains("第2行", plain.Error, StringComparison.Ordinal); // the line that holds the first Chinese text
        Assert.True(plain.Error.IndexOf("请改用 --encoding gbk", StringComparison.Ordinal) < plain.Error.IndexOf("pass --encoding gbk", StringComparison.Ordinal), plain.Error);
        Assert.True(given.ExitCode == Exit.Ok, given.ToString());
        Assert.Equal("示例甲贸易有限公司", Assert.Single(await cli.LookupAsync(Rows.Company(1))).SubjectName);
    }

    [Fact]
    public async Task Import_ListedOnAfterTodayInChina_RefusedNamingRowColumnAndValue_ValidFromLaterIsAccepted()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var china = TimeSpan.FromHours(8);
        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(china).DateTime);
        var future = today.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var now = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var file = cli.Write("dates.csv", "kind,subject,name,reference,listedOn,validFrom,validUntil,entryId\n"
            + $"LegalEntity,{Rows.Company(1)},示例甲有限公司,某决〔2024〕1号,{future},{future},2099-12-31,e-1\n"   // line 2: listed in the future
            + $"LegalEntity,{Rows.Company(2)},示例乙有限公司,某决〔2024〕2号,{now},{future},2099-12-31,e-2\n");   // line 3: a ban not yet in force

        var refused = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, refused.ExitCode);
        var (line, column, reason) = Assert.Single(Problems(refused));
        Assert.Equal((2, "listedOn"), (line, column));
        Assert.Contains(future, reason, StringComparison.Ordinal);
        Assert.True(reason.IndexOf("列入日期", StringComparison.Ordinal) < reason.IndexOf("listed on", StringComparison.Ordinal), reason);
        Assert.Equal(0, await cli.EntriesAsync());
    }

    [Fact]
    public async Task Import_ListedOnTheDayThatBeginsAtMidnightInChina_RefusedBeforeItAcceptedFrom()
    {
        // The tool's clock is the one it is given: 2025-07-01 begins at 2025-06-30 16:00 UTC.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("july.csv", Rows.Raw("LegalEntity", Rows.Company(1), "2025-07-01", "2099-12-31", "e-1"));

        cli.Time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 15, 59, 0, TimeSpan.Zero));
        var before = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");
        cli.Time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 30, 16, 0, 0, TimeSpan.Zero));
        var from = await cli.RunAsync("import", file, "--list", CliSession.Debtors, "--json");

        Assert.Equal(Exit.InvalidInput, before.ExitCode);
        var (line, column, reason) = Assert.Single(Problems(before));
        Assert.Equal((2, "listedOn"), (line, column));
        Assert.Contains("listed on 2025-07-01, after today (2025-06-30 in China)", reason, StringComparison.Ordinal);
        Assert.True(from.ExitCode == Exit.Ok, from.ToString());
        Assert.Equal(1, from.Json["added"]!.GetValue<int>());
    }

    private static List<List<string>> ReadCsv(string path)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvRecordReader(reader);
        var rows = new List<List<string>>();
        while (csv.TryRead(out var fields, out _, out var error))
        {
            Assert.Null(error);
            if (fields is not [""])
            {
                rows.Add(fields);
            }
        }

        return rows;
    }
}
