using System.Text.Json.Nodes;
using CreditCheck.Catalog;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>catalog validate|publish|show</c> against a real Redis.</summary>
[Collection(CliTestGroup.Name)]
public sealed class CatalogCommandTests(RedisFixture redis)
{
    private static readonly string[] DefaultListCodes =
    [
        "court-dishonest-debtors", "major-tax-violators", "wage-arrears", "safety-production-serious", "market-serious-violations",
        "procurement-serious-violations", "customs-serious", "abnormal-operations", "customs-dishonest", "tax-grade-d",
        "tax-grade-a", "customs-aeo", "contract-honoring", "broken-commitments",
    ];

    private static List<(string Path, string Message)> Problems(CliResult result) =>
        [.. result.Json["problems"]!.AsArray().Select(p => (p!["path"]!.GetValue<string>(), p["message"]!.GetValue<string>()))];

    [Fact]
    public async Task Publish_NoFile_ShowJsonHasTheFourteenDefaultLists()
    {
        using var cli = new CliSession(redis.Server);

        var published = await cli.RunOkAsync("catalog", "publish", "--json");
        var shown = await cli.RunOkAsync("catalog", "show", "--json");

        Assert.Equal(CreditCatalog.Default.Version, published.Json["version"]!.GetValue<string>());
        Assert.True(published.Json["sequence"]!.GetValue<long>() > 0);
        var lists = shown.Json["lists"]!.AsArray().Select(l => l!["code"]!.GetValue<string>()).ToList();
        Assert.Equal(14, lists.Count);
        Assert.Equal(DefaultListCodes.Order(StringComparer.Ordinal), lists.Order(StringComparer.Ordinal));
        Assert.Equal(CreditCatalog.Default.Version, shown.Json["version"]!.GetValue<string>());
        Assert.Equal(CreditCatalog.Default.Version, (await cli.StatusAsync())["catalogVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publish_DroppingAListThatHoldsEntriesOrGoingBackAVersion_IsRefusedUnlessAllowed()
    {
        // Found from outside: both were published without a word (400,081 subjects went from Denied to review).
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("one.csv", Rows.Entity(1)), "--list", CliSession.Debtors);
        var json = JsonNode.Parse(CreditCatalog.Default.ToJson())!;
        json["version"] = "2099.1.1";
        var lists = json["lists"]!.AsArray();
        lists.Remove(lists.First(l => l!["code"]!.GetValue<string>() == CliSession.Debtors));
        foreach (var measure in json["measures"]!.AsArray().ToList())
        {
            var triggers = measure!["lists"]?.AsArray();
            triggers?.Remove(triggers.FirstOrDefault(l => l!.GetValue<string>() == CliSession.Debtors));
            if (triggers is { Count: 0 } && measure["ratingLevels"] is null && measure["appliesInGoodStanding"]?.GetValue<bool>() != true)
            {
                json["measures"]!.AsArray().Remove(measure);
            }
        }

        var dropping = cli.Write("dropping.json", json.ToJsonString());
        var older = JsonNode.Parse(CreditCatalog.Default.ToJson())!;
        older["version"] = "2020.1.1";
        var olderFile = cli.Write("older.json", older.ToJsonString());
        var sequence = await cli.SequenceAsync();

        var refusedDrop = await cli.RunAsync("catalog", "publish", dropping);
        var refusedOlder = await cli.RunAsync("catalog", "publish", olderFile);

        Assert.True(refusedDrop.ExitCode == Exit.Conflict, refusedDrop.ToString());
        Assert.Contains($"drops lists that still hold entries: {CliSession.Debtors} (1)", refusedDrop.Error, StringComparison.Ordinal);
        Assert.True(refusedOlder.ExitCode == Exit.Conflict, refusedOlder.ToString());
        Assert.Contains($"lower than the published {CreditCatalog.Default.Version}", refusedOlder.Error, StringComparison.Ordinal);
        Assert.Equal(sequence, await cli.SequenceAsync());
        Assert.Equal("Denied", await cli.OutcomeAsync(Rows.Company(1)));

        await cli.RunOkAsync("catalog", "publish", olderFile, "--allow-older-version");
        Assert.Equal("2020.1.1", (await cli.StatusAsync())["catalogVersion"]!.GetValue<string>());
        await cli.RunOkAsync("catalog", "publish", dropping, "--allow-dropping-lists");
        Assert.Equal("2099.1.1", (await cli.StatusAsync())["catalogVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Show_NothingPublished_ExitsNotFoundNamingPublish()
    {
        using var cli = new CliSession(redis.Server);

        var result = await cli.RunAsync("catalog", "show", "--json");

        Assert.Equal(Exit.NotFound, result.ExitCode);
        Assert.Contains("catalog publish", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_File_StoresThatVersion()
    {
        using var cli = new CliSession(redis.Server);
        var json = JsonNode.Parse(CreditCatalog.Default.ToJson())!;
        json["version"] = "2099.1.1";
        var file = cli.Write("catalog.json", json.ToJsonString());

        await cli.RunOkAsync("catalog", "validate", file);
        await cli.RunOkAsync("catalog", "publish", file);

        Assert.Equal("2099.1.1", (await cli.StatusAsync())["catalogVersion"]!.GetValue<string>());
        Assert.Equal("2099.1.1", (await cli.RunOkAsync("catalog", "show", "--json")).Json["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_BrokenFile_ExitsInvalidInputWithEveryProblemAndItsJsonPath()
    {
        using var cli = new CliSession(redis.Server);
        var json = JsonNode.Parse(CreditCatalog.Default.ToJson())!;
        json["lists"]!.AsArray()[2]!["name"] = "";                                   // a required field left empty
        var measures = json["measures"]!.AsArray();
        measures[0]!["lists"]!.AsArray()[0] = "no-such-list";                        // a measure naming no list
        measures[1]!["code"] = measures[0]!["code"]!.GetValue<string>();           // a duplicate measure code
        json["scenarios"]!.AsArray()[0]!["nmae"] = "misspelt";                      // an unknown property
        var file = cli.Write("broken-catalog.json", json.ToJsonString());

        var result = await cli.RunAsync("catalog", "validate", file, "--json");
        var table = await cli.RunAsync("catalog", "validate", file);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.False(result.Json["valid"]!.GetValue<bool>());
        var problems = Problems(result);
        string[] expected = ["$.lists[2].name", "$.measures[0].lists[0]", "$.measures[1].code", "$.scenarios[0].nmae"];
        foreach (var path in expected)
        {
            Assert.Contains(problems, p => p.Path == path && p.Message.Length > 0);
        }

        Assert.Contains(problems, p => p.Path == "$.measures[1].code" && p.Message.Contains("Duplicate", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.measures[0].lists[0]" && p.Message.Contains("no-such-list", StringComparison.Ordinal));
        Assert.Equal(Exit.InvalidInput, table.ExitCode);
        foreach (var path in expected)
        {
            Assert.Contains(path, table.Output, StringComparison.Ordinal);
        }

        Assert.Contains($"{problems.Count} problem(s)", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_DuplicateListCode_ExitsInvalidInputNamingThePath()
    {
        using var cli = new CliSession(redis.Server);
        var json = JsonNode.Parse(CreditCatalog.Default.ToJson())!;
        var lists = json["lists"]!.AsArray();
        lists[1]!["code"] = lists[0]!["code"]!.GetValue<string>();
        var file = cli.Write("duplicate-list.json", json.ToJsonString());

        var validate = await cli.RunAsync("catalog", "validate", file, "--json");
        var publish = await cli.RunAsync("catalog", "publish", file);

        Assert.Equal(Exit.InvalidInput, validate.ExitCode);
        Assert.Contains(Problems(validate), p => p.Path == "$.lists[1].code" && p.Message.Contains("Duplicate", StringComparison.Ordinal));
        Assert.Equal(Exit.InvalidInput, publish.ExitCode);
        Assert.Contains("$.lists[1].code", publish.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MalformedJson_ExitsInvalidInputWithAPath()
    {
        using var cli = new CliSession(redis.Server);
        var file = cli.Write("malformed.json", "{ \"version\": \"1\", \"lists\": [ { \"code\": ");

        var result = await cli.RunAsync("catalog", "validate", file, "--json");

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problem = Assert.Single(result.Json["problems"]!.AsArray());
        Assert.StartsWith("$", problem!["path"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Malformed JSON", problem["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsInvalidInput()
    {
        using var cli = new CliSession(redis.Server);

        var result = await cli.RunAsync("catalog", "validate", cli.PathOf("nothing-here.json"));

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_BrokenFile_ExitsInvalidInputAndKeepsThePublishedCatalog()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var json = JsonNode.Parse(CreditCatalog.Default.ToJson())!;
        json["version"] = "broken-1";
        json["lists"]!.AsArray()[0]!["category"] = "NoSuchCategory";
        var file = cli.Write("broken.json", json.ToJsonString());

        var result = await cli.RunAsync("catalog", "publish", file);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("$.lists[0].category", result.Error, StringComparison.Ordinal);
        Assert.Equal(CreditCatalog.Default.Version, (await cli.StatusAsync())["catalogVersion"]!.GetValue<string>());
    }
}
