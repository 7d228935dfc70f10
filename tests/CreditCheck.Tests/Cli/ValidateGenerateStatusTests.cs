using CreditCheck.Catalog;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>validate</c>, <c>generate</c> and <c>status</c>.</summary>
[Collection(CliTestGroup.Name)]
public sealed class ValidateGenerateStatusTests(RedisFixture redis)
{
    [Fact]
    public async Task Validate_ValidIdentifiers_ExitsOkWithJsonPerIdentifier()
    {
        using var cli = new CliSession(server: null); // needs no store

        var result = await cli.RunOkAsync("validate", Subjects.Tencent.Value, Subjects.Person.Value, "71526726-X", "--json");

        var items = result.Json.AsArray();
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.True(i!["valid"]!.GetValue<bool>()));
        Assert.All(items, i => Assert.Null(i!["error"]));
        Assert.Equal(
            (Subjects.Tencent.Value, "LegalEntity", Subjects.Tencent.Scheme.ToString(), true),
            (items[0]!["canonical"]!.GetValue<string>(), items[0]!["kind"]!.GetValue<string>(), items[0]!["scheme"]!.GetValue<string>(), items[0]!["checkCharacterConforms"]!.GetValue<bool>()));
        Assert.Equal((Subjects.Person.Value, "NaturalPerson"), (items[1]!["canonical"]!.GetValue<string>(), items[1]!["kind"]!.GetValue<string>()));
        Assert.Equal("71526726-X", items[2]!["input"]!.GetValue<string>());
        Assert.Equal(Subjects.TencentOrganizationCode.Scheme.ToString(), items[2]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_InvalidIdentifier_ExitsInvalidInputWithThePreciseReason()
    {
        using var cli = new CliSession(server: null);
        var wrongCheck = Subjects.Tencent.Value[..17] + "0";

        var json = await cli.RunAsync("validate", Subjects.Huawei.Value, wrongCheck, "--kind", "entity", "--json");
        var table = await cli.RunAsync("validate", wrongCheck);

        Assert.Equal(Exit.InvalidInput, json.ExitCode);
        var items = json.Json.AsArray();
        Assert.True(items[0]!["valid"]!.GetValue<bool>());
        Assert.False(items[1]!["valid"]!.GetValue<bool>());
        Assert.Null(items[1]!["canonical"]);
        Assert.Contains("check character", items[1]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, table.ExitCode);
        Assert.Contains("invalid", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NumberValidAsBothKinds_IsCalledAmbiguousNotInvalid()
    {
        using var cli = new CliSession(server: null);
        const string both = "110105196001010009"; // a valid 居民身份证号码 and a valid 统一社会信用代码

        var table = await cli.RunAsync("validate", both);
        var json = await cli.RunAsync("validate", both, "--json");
        var asPerson = await cli.RunAsync("validate", both, "--kind", "person", "--json");

        Assert.Equal(Exit.InvalidInput, table.ExitCode);
        Assert.Contains("ambiguous", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid", table.Output, StringComparison.Ordinal);
        Assert.True(json.Json[0]!["ambiguous"]!.GetValue<bool>());
        Assert.False(json.Json[0]!["valid"]!.GetValue<bool>());
        Assert.Equal(Exit.Ok, asPerson.ExitCode);
        Assert.False(asPerson.Json[0]!["ambiguous"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Validate_LenientValidPersonId_IsValidAsAPerson()
    {
        using var cli = new CliSession(server: null);

        var result = await cli.RunAsync("validate", Subjects.Person.Value, "--lenient", "--json");

        Assert.True(result.ExitCode == Exit.Ok, result.ToString());
        Assert.Equal("NaturalPerson", result.Json[0]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_NoIdentifier_ExitsUsage()
    {
        using var cli = new CliSession(server: null);

        Assert.Equal(Exit.Usage, (await cli.RunAsync("validate")).ExitCode);
    }

    [Fact]
    public async Task Generate_AnotherFirst_GivesOtherSubjects_AnotherSeedTheSameOnes()
    {
        // Found from outside: another --seed gave the same, already listed subjects.
        using var cli = new CliSession(redis.Server);
        string[] Subjects(string file) => [.. File.ReadAllLines(file).Skip(1).Select(l => l.Split(',')[2])];

        await cli.RunOkAsync("generate", "--count", "50", "--out", cli.PathOf("a.csv"));
        await cli.RunOkAsync("generate", "--count", "50", "--out", cli.PathOf("b.csv"), "--seed", "7");
        await cli.RunOkAsync("generate", "--count", "50", "--out", cli.PathOf("c.csv"), "--first", "50");

        Assert.Equal(Subjects(cli.PathOf("a.csv")), Subjects(cli.PathOf("b.csv")));
        Assert.Empty(Subjects(cli.PathOf("a.csv")).Intersect(Subjects(cli.PathOf("c.csv"))));
        Assert.Equal(Exit.Usage, (await cli.RunAsync("generate", "--count", "2", "--out", cli.PathOf("d.csv"), "--first", "99999999")).ExitCode);
    }

    [Fact]
    public async Task Generate_ThousandPersons_EveryRowValidatesAndImports()
    {
        using var cli = new CliSession(redis.Server);
        var file = cli.PathOf("persons.csv");

        await cli.RunOkAsync("generate", "--count", "1000", "--kind", "person", "--out", file);

        var lines = File.ReadAllLines(file);
        Assert.Equal(1001, lines.Length);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        var subject = Array.IndexOf(header, "subject");
        Assert.All(rows, r => Assert.Equal("NaturalPerson", r[Array.IndexOf(header, "kind")]));
        Assert.All(rows, r => Assert.True(SubjectId.TryParse(r[subject], SubjectKind.NaturalPerson, SubjectIdParseMode.Strict, out _, out var error), error));
        Assert.Equal(1000, rows.Select(r => r[subject]).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1000, rows.Select(r => r[Array.IndexOf(header, "entryId")]).Distinct(StringComparer.Ordinal).Count());

        // Without --kind: no generated person's number is also a valid 统一社会信用代码 (ambiguous, refused).
        var validated = await cli.RunOkAsync(["validate", "--json", .. rows.Select(r => r[subject])]);
        Assert.All(validated.Json.AsArray(), i => Assert.Equal("NaturalPerson", i!["kind"]!.GetValue<string>()));

        await cli.PublishAsync();
        var imported = await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--json");
        Assert.Equal(1000, imported.Json["added"]!.GetValue<int>());
    }

    [Fact]
    public async Task Generate_SameSeed_SameFile()
    {
        using var cli = new CliSession(server: null);

        await cli.RunOkAsync("generate", "--count", "200", "--out", cli.PathOf("a.csv"), "--list", "wage-arrears", "--seed", "42");
        await cli.RunOkAsync("generate", "--count", "200", "--out", cli.PathOf("b.csv"), "--list", "wage-arrears", "--seed", "42");

        Assert.Equal(File.ReadAllBytes(cli.PathOf("a.csv")), File.ReadAllBytes(cli.PathOf("b.csv")));
        Assert.All(File.ReadLines(cli.PathOf("a.csv")).Skip(1), l => Assert.StartsWith("wage-arrears,LegalEntity,", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generate_CountOutOfRange_ExitsUsage()
    {
        using var cli = new CliSession(server: null);

        var zero = await cli.RunAsync("generate", "--count", "0", "--out", cli.PathOf("x.csv"));
        var noOut = await cli.RunAsync("generate", "--count", "10");

        Assert.Equal(Exit.Usage, zero.ExitCode);
        Assert.Equal(Exit.Usage, noOut.ExitCode);
    }

    [Fact]
    public async Task Status_Json_HasEntriesByListSequenceCatalogVersionAndFilterSize()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("d.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(3)), "--list", CliSession.Debtors);
        var lastImport = await cli.RunOkAsync("import", cli.WriteCsv("a.csv", Rows.Entity(4, entryId: "a-4"), Rows.Entity(5, entryId: "a-5")), "--list", "tax-grade-a", "--json");

        var status = await cli.StatusAsync();
        var text = await cli.RunOkAsync("status");

        Assert.Equal("redis", status["store"]!.GetValue<string>());
        Assert.Equal(cli.Namespace, status["namespace"]!.GetValue<string>());
        Assert.Equal(CreditCatalog.Default.Version, status["catalogVersion"]!.GetValue<string>());
        Assert.Equal(lastImport.Json["sequence"]!.GetValue<long>(), status["sequence"]!.GetValue<long>());
        var entries = status["entries"]!.AsObject();
        Assert.Equal(3, entries[CliSession.Debtors]!.GetValue<long>());
        Assert.Equal(2, entries["tax-grade-a"]!.GetValue<long>());
        Assert.True(status["filterBytes"]!.GetValue<long>() > 0);
        Assert.Equal(0, status["feedLag"]!.GetValue<long>());
        Assert.Contains(cli.Namespace, text.Output, StringComparison.Ordinal);
        Assert.Contains(CliSession.Debtors, text.Output, StringComparison.Ordinal);

        // Every other list of the catalog is named as not held: its subjects would be answered as not listed.
        var notHeld = status["listsNotHeld"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        // (broken-commitments is the SDK's own, filled by recorded breaches: never imported, never named.)
        Assert.Equal(CreditCatalog.Default.Lists.Select(l => l.Code).Where(c => c is not CliSession.Debtors and not "tax-grade-a" and not "broken-commitments"), notHeld);
        Assert.Contains("未载入的名单", text.Output, StringComparison.Ordinal);
        Assert.Contains("major-tax-violators", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_ImportLockHeldAndStagingLeftBehind_AreShown()
    {
        // Found from outside: after a kill -9 the operator learnt of the held lock only when the next import failed.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var prefix = $"cc:{{{cli.Namespace}}}:";
        await redis.Server.CommandAsync("SET", prefix + "lock:" + CliSession.Debtors, "token", "PX", "25000");
        await redis.Server.CommandAsync("SET", prefix + "stage:gen:wage-arrears", "7");

        var json = (await cli.RunOkAsync("status", "--json")).Json;
        var text = await cli.RunOkAsync("status");

        Assert.StartsWith("an import holds the lock", json["imports"]![CliSession.Debtors]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("staging left by an import that did not finish", json["imports"]!["wage-arrears"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("导入进行中", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_DamagedList_NamesItsKeyAndHowToRebuildIt_AndAReplaceImportRebuildsIt()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("d.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(3));
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors);
        await redis.Server.CommandAsync("DEL", $"cc:{{{cli.Namespace}}}:kb:{CliSession.Debtors}");

        var damagedRun = await cli.RunAsync("status", "--json");
        var damaged = damagedRun.Json;
        var text = await cli.RunAsync("status");
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors);
        var rebuilt = await cli.StatusAsync();

        Assert.True(damagedRun.ExitCode == Exit.DataDamaged && text.ExitCode == Exit.DataDamaged, text.ToString()); // a script learns it from the exit code
        Assert.Contains($"kb:{CliSession.Debtors}", damaged["damage"]![CliSession.Debtors]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("数据受损", text.Output, StringComparison.Ordinal);
        Assert.Contains("--mode replace", text.Output, StringComparison.Ordinal);
        Assert.Empty(rebuilt["damage"]!.AsObject());
    }

    [Fact]
    public async Task Verify_EntryHashDeleted_NamesItExit7_ReplaceImportAndVerifyMakeItWhole()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("d.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(3));
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors);
        var ns = $"cc:{{{cli.Namespace}}}:";
        var field = (await redis.Server.CommandAsync("HRANDFIELD", ns + "l:" + CliSession.Debtors, "1")).Split("\r\n")[2];
        var key = ns + "e:" + field.Split('\t')[0];
        await redis.Server.CommandAsync("DEL", key);

        var found = await cli.RunAsync("verify", "--json");
        var text = await cli.RunAsync("verify");
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "replace");
        var whole = await cli.RunAsync("verify", "--json");

        Assert.Equal(Exit.DataDamaged, found.ExitCode);
        var list = found.Json["lists"]![0]!;
        Assert.Equal((3, 1), (list["checked"]!.GetValue<int>(), list["missing"]!.GetValue<int>()));
        Assert.Contains(key, list["firstMissing"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(found.Json["markWritten"]!.GetValue<bool>());
        Assert.Equal(Exit.DataDamaged, text.ExitCode);
        Assert.Contains("缺失 1 条", text.Output, StringComparison.Ordinal);
        Assert.Contains("--mode replace", text.Output, StringComparison.Ordinal);
        Assert.Equal(Exit.Ok, whole.ExitCode);
        Assert.True(whole.Json["whole"]!.GetValue<bool>());
        Assert.True(whole.Json["markWritten"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Verify_TextOutput_EveryLineChineseThenEnglish()
    {
        // Found from outside: verify spoke Chinese only, where the other commands give the operator Chinese and the
        // developer English on the same line.
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var file = cli.WriteCsv("d.csv", Rows.Entity(1), Rows.Entity(2), Rows.Entity(3));
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors);
        var ns = $"cc:{{{cli.Namespace}}}:";
        var field = (await redis.Server.CommandAsync("HRANDFIELD", ns + "l:" + CliSession.Debtors, "1")).Split("\r\n")[2];
        var key = ns + "e:" + field.Split('\t')[0];
        await redis.Server.CommandAsync("DEL", key);

        var broken = await cli.RunAsync("verify");
        await cli.RunOkAsync("import", file, "--list", CliSession.Debtors, "--mode", "replace");
        var whole = await cli.RunAsync("verify");

        Assert.Equal((Exit.DataDamaged, Exit.Ok), (broken.ExitCode, whole.ExitCode));
        foreach (var text in new[] { broken.Output, whole.Output })
        {
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.NotEmpty(lines);
            foreach (var line in lines)
            {
                var dash = line.IndexOf(" — ", StringComparison.Ordinal);
                Assert.True(dash > 0, $"not bilingual: {line}");
                Assert.Contains(line[..dash], c => c >= '\u4e00' && c <= '\u9fff'); // Chinese first
                Assert.DoesNotContain(line[(dash + 3)..], c => c >= '\u4e00' && c <= '\u9fff'); // then English
            }
        }

        Assert.Contains($"{CliSession.Debtors}：检查 3 条，缺失 1 条 — {CliSession.Debtors}: 3 entries checked, 1 missing", broken.Output, StringComparison.Ordinal);
        Assert.Contains($"missing: {key}", broken.Output, StringComparison.Ordinal);
        Assert.Contains("The data is not whole", broken.Output, StringComparison.Ordinal);
        Assert.Contains("--mode replace", broken.Output, StringComparison.Ordinal);
        Assert.Contains("数据完整", whole.Output, StringComparison.Ordinal);
        Assert.Contains("The data is whole", whole.Output, StringComparison.Ordinal);
        Assert.Contains("verified mark was recorded", whole.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_CatalogPublishedNoEntries_ShowsTheCatalogAndNoEntries()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();

        var status = await cli.StatusAsync();

        Assert.Equal(CreditCatalog.Default.Version, status["catalogVersion"]!.GetValue<string>());
        Assert.Empty(status["entries"]!.AsObject());
        Assert.Equal(CreditCatalog.Default.Lists.Count - 1, status["listsNotHeld"]!.AsArray().Count); // all but broken-commitments

        // An empty export still loads its list: the first import of a list commits with no rows.
        var empty = await cli.RunOkAsync("import", cli.WriteCsv("empty.csv"), "--list", CliSession.Debtors, "--allow-empty", "--json");
        var after = await cli.StatusAsync();

        Assert.True(empty.Json["written"]!.GetValue<bool>(), empty.Output);
        Assert.Equal(0, after["entries"]![CliSession.Debtors]!.GetValue<long>());
        Assert.DoesNotContain(CliSession.Debtors, after["listsNotHeld"]!.AsArray().Select(n => n!.GetValue<string>()));
    }
}
