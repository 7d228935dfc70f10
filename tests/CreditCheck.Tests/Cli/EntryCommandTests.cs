using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>entry repair|objection|revoke|restore</c> against a real Redis, each change seen by
/// <c>check</c> (the SDK's decision).</summary>
[Collection(CliTestGroup.Name)]
public sealed class EntryCommandTests(RedisFixture redis)
{
    private async Task<CliSession> WithEntriesAsync(params string[] rows)
    {
        var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("list.csv", rows), "--list", CliSession.Debtors);
        return cli;
    }

    [Fact]
    public async Task Repair_OnlyEntryWithoutEntryOption_CheckTurnsFromDeniedToClear()
    {
        using var cli = await WithEntriesAsync(Rows.Entity(1), Rows.Entity(2));
        var subject = Rows.Company(1);
        Assert.Equal("Denied", await cli.OutcomeAsync(subject));

        var result = await cli.RunOkAsync("entry", "repair", subject, "--list", CliSession.Debtors, "--reason", "信用修复决定书 京修〔2025〕1号", "--json");

        Assert.Equal(("e-1", "Repaired", "Active"), (result.Json["entry"]!.GetValue<string>(), result.Json["status"]!.GetValue<string>(), result.Json["previous"]!.GetValue<string>()));
        Assert.DoesNotContain(subject, result.Output, StringComparison.Ordinal); // the subject is masked in output
        Assert.Equal("Clear", await cli.OutcomeAsync(subject));
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(2)));
        var entry = Assert.Single(await cli.LookupAsync(subject));
        Assert.Equal((EntryStatus.Repaired, "信用修复决定书 京修〔2025〕1号"), (entry.Status, entry.StatusReason));
    }

    [Fact]
    public async Task Repair_ByTheCreditCodeOfAnEntryListedUnderItsOrganizationCode_ChangesThatEntry()
    {
        // Found from outside: check found the entry through the 统一社会信用代码, but repair said it had disappeared.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var uscc = Rows.Company(3);
        var organization = uscc[8..17];
        await cli.RunOkAsync("import", cli.Write("org.csv", $"组织机构代码,名称,文号,列入日期\n{organization},示例有限公司,（2019）鄂0106执7号,2019-05-06\n"), "--list", CliSession.Debtors);
        Assert.Equal("Denied", await cli.OutcomeAsync(uscc));

        await cli.RunOkAsync("entry", "repair", uscc, "--list", CliSession.Debtors, "--reason", "修复");

        Assert.Equal("Clear", await cli.OutcomeAsync(uscc));
    }

    [Fact]
    public async Task Restore_AfterRepair_CheckIsDeniedAgain()
    {
        using var cli = await WithEntriesAsync(Rows.Entity(1));
        var subject = Rows.Company(1);
        await cli.RunOkAsync("entry", "repair", subject, "--list", CliSession.Debtors, "--reason", "修复");
        Assert.Equal("Clear", await cli.OutcomeAsync(subject));

        var result = await cli.RunOkAsync("entry", "restore", subject, "--list", CliSession.Debtors, "--reason", "修复系以欺骗手段取得，撤销修复", "--json");

        Assert.Equal(("Active", "Repaired"), (result.Json["status"]!.GetValue<string>(), result.Json["previous"]!.GetValue<string>()));
        Assert.Equal("Denied", await cli.OutcomeAsync(subject));
    }

    [Fact]
    public async Task Objection_UnderDefaultPolicy_KeepsTheMeasuresAndRecordsTheStatus()
    {
        using var cli = await WithEntriesAsync(Rows.Entity(1));
        var subject = Rows.Company(1);

        var result = await cli.RunOkAsync("entry", "objection", subject, "--list", CliSession.Debtors, "--reason", "异议申请 2025-001", "--json");

        Assert.Equal("UnderObjection", result.Json["status"]!.GetValue<string>());
        Assert.Equal(EntryStatus.UnderObjection, Assert.Single(await cli.LookupAsync(subject)).Status);
        // The default catalog's policy: an objection does not suspend the measures.
        Assert.Equal("Denied", await cli.OutcomeAsync(subject));
    }

    [Fact]
    public async Task Revoke_SubjectWithTwoEntries_NeedsEntryOptionThenRevokesEachOne()
    {
        using var cli = await WithEntriesAsync(Rows.Entity(1, entryId: "e-a"), Rows.Entity(1, entryId: "e-b"));
        var subject = Rows.Company(1);

        var ambiguous = await cli.RunAsync("entry", "revoke", subject, "--list", CliSession.Debtors, "--reason", "错误列入");
        Assert.Equal(Exit.Usage, ambiguous.ExitCode);
        Assert.Contains("--entry", ambiguous.Error, StringComparison.Ordinal);
        Assert.Contains("e-a", ambiguous.Error, StringComparison.Ordinal);
        Assert.Contains("e-b", ambiguous.Error, StringComparison.Ordinal);
        Assert.Equal("Denied", await cli.OutcomeAsync(subject));

        await cli.RunOkAsync("entry", "revoke", subject, "--list", CliSession.Debtors, "--entry", "e-a", "--reason", "错误列入");
        Assert.Equal("Denied", await cli.OutcomeAsync(subject)); // e-b still in force

        await cli.RunOkAsync("entry", "revoke", subject, "--list", CliSession.Debtors, "--entry", "e-b", "--reason", "错误列入");
        Assert.Equal("Clear", await cli.OutcomeAsync(subject));
        var entries = await cli.LookupAsync(subject);
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(EntryStatus.Revoked, e.Status));
    }

    [Fact]
    public async Task Writes_NamespaceWhoseSequenceKeyIsGone_AreRefusedAsDamage_AndStatusExitsDamaged()
    {
        // Found from outside: with cc:{ns}:seq deleted, `entry repair` exited 0 and restarted the sequence at 1, an
        // import said "sequence 0", and `status` listed the missing key but exited 0.
        using var cli = await WithEntriesAsync(Rows.Entity(1), Rows.Entity(2));
        Assert.Equal(":1", await redis.Server.CommandAsync("DEL", $"cc:{{{cli.Namespace}}}:seq"));

        var repair = await cli.RunAsync("entry", "repair", Rows.Company(1), "--list", CliSession.Debtors, "--reason", "修复");
        var import = await cli.RunAsync("import", cli.WriteCsv("more.csv", Rows.Entity(3)), "--list", CliSession.Debtors, "--mode", "merge");
        var status = await cli.RunAsync("status", "--json");

        Assert.True(repair.ExitCode == Exit.DataDamaged, repair.ToString());
        Assert.Contains("seq is missing", repair.Error, StringComparison.Ordinal);
        Assert.Contains("catalog publish", repair.Error, StringComparison.Ordinal);
        Assert.True(import.ExitCode == Exit.DataDamaged, import.ToString());
        Assert.True(status.ExitCode == Exit.DataDamaged, status.ToString());
        Assert.Contains($"cc:{{{cli.Namespace}}}:seq", status.Json["missingKeys"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal(":0", await redis.Server.CommandAsync("EXISTS", $"cc:{{{cli.Namespace}}}:seq")); // nothing restarted it
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));

        // The documented way out: publish the catalog again (a new sequence), then writes go on.
        await cli.PublishAsync();
        await cli.RunOkAsync("entry", "repair", Rows.Company(1), "--list", CliSession.Debtors, "--reason", "修复");
        Assert.Equal(Exit.Ok, (await cli.RunAsync("status")).ExitCode);
    }

    [Fact]
    public async Task Repair_UnknownSubjectOrEntry_ExitsNotFoundAndChangesNothing()
    {
        using var cli = await WithEntriesAsync(Rows.Entity(1));
        var sequence = await cli.SequenceAsync();

        var unknownSubject = await cli.RunAsync("entry", "repair", Rows.Company(77), "--list", CliSession.Debtors, "--reason", "修复");
        var unknownEntry = await cli.RunAsync("entry", "repair", Rows.Company(1), "--list", CliSession.Debtors, "--entry", "no-such-entry", "--reason", "修复");
        var otherList = await cli.RunAsync("entry", "repair", Rows.Company(1), "--list", "wage-arrears", "--reason", "修复");
        var unknownList = await cli.RunAsync("entry", "repair", Rows.Company(1), "--list", "court-dishonest-debtor", "--reason", "修复");
        var blankReason = await cli.RunAsync("entry", "repair", Rows.Company(1), "--list", CliSession.Debtors, "--reason", "   ");

        // Found from outside: an unknown list was "has no entry on list", a blank reason an internal error (exit 70).
        Assert.True(unknownList.ExitCode == Exit.NotFound, unknownList.ToString());
        Assert.Contains("List 'court-dishonest-debtor' is not in catalog", unknownList.Error, StringComparison.Ordinal);
        Assert.True(blankReason.ExitCode == Exit.Usage, blankReason.ToString());
        Assert.Contains("--reason 不能为空", blankReason.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.NotFound, unknownSubject.ExitCode);
        Assert.Equal(Exit.NotFound, unknownEntry.ExitCode);
        Assert.Contains("no-such-entry", unknownEntry.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.NotFound, otherList.ExitCode);
        Assert.Equal(sequence, await cli.SequenceAsync());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));
    }

    [Fact]
    public async Task Repair_PersonWithKindPerson_CheckTurnsClear()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.Write("p.csv", $"身份证号码,姓名,案号,列入日期\n{Rows.Person(5)},张某,（2024）京01执5号,2024-01-02\n"), "--list", CliSession.Debtors);
        Assert.Equal("Denied", await cli.PersonOutcomeAsync(Rows.Person(5)));

        await cli.RunOkAsync("entry", "repair", Rows.Person(5), "--kind", "person", "--list", CliSession.Debtors, "--reason", "已履行");

        Assert.Equal("Clear", await cli.PersonOutcomeAsync(Rows.Person(5)));
    }

    [Fact]
    public async Task Repair_ValidPersonIdWithoutKind_RepairsThePersonsEntry()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.Write("p.csv", $"身份证号码,姓名,案号,列入日期\n{Subjects.Person.Value},张某,（2024）京01执9号,2024-01-02\n"), "--list", CliSession.Debtors);

        var result = await cli.RunAsync("entry", "repair", Subjects.Person.Value, "--list", CliSession.Debtors, "--reason", "已履行");

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Equal("Clear", await cli.PersonOutcomeAsync(Subjects.Person.Value));
    }

    [Fact]
    public async Task Repair_InvalidSubjectOrMissingReason_ExitsInvalidInputOrUsage()
    {
        using var cli = await WithEntriesAsync(Rows.Entity(1));

        var invalid = await cli.RunAsync("entry", "repair", "12345", "--list", CliSession.Debtors, "--reason", "修复");
        var noReason = await cli.RunAsync("entry", "repair", Rows.Company(1), "--list", CliSession.Debtors);
        var noList = await cli.RunAsync("entry", "repair", Rows.Company(1), "--reason", "修复");

        Assert.Equal(Exit.InvalidInput, invalid.ExitCode);
        Assert.Equal(Exit.Usage, noReason.ExitCode);
        Assert.Contains("--reason", noReason.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.Usage, noList.ExitCode);
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));
    }
}
