using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>supervision plan</c>: a population of 3,000 enterprises, 10% rated A, 10% D, the rest B, ten on the
/// 失信被执行人名单; planned on Redis and on the memory store.</summary>
[Collection(CliTestGroup.Name)]
public sealed class SupervisionCommandTests(RedisFixture redis)
{
    private const int Size = 3_000;

    private static async Task<string> PrepareAsync(CliSession cli, string[] store)
    {
        var ratings = new StringBuilder("subject,level\n");
        var population = new StringBuilder();
        for (var i = 0; i < Size; i++)
        {
            ratings.Append(Rows.Company(i)).Append(',').Append((i % 10) switch { 0 => "A", 1 => "D", _ => "B" }).Append('\n');
            population.Append(Rows.Company(i)).Append('\n');
        }

        await cli.RunOkAsync(["import", cli.Write("ratings.csv", ratings.ToString()), "--list", "public-credit-rating", .. store]);
        await cli.RunOkAsync(["import", cli.WriteCsv("debtors.csv", [.. Enumerable.Range(0, 10).Select(n => Rows.Entity(n * 300 + 5, entryId: $"d-{n}"))]), "--list", CliSession.Debtors, .. store]);
        return cli.Write("population.txt", population.ToString());
    }

    private static Dictionary<string, JsonNode> Groups(JsonNode json) =>
        json["groups"]!.AsArray().ToDictionary(g => g!["level"]!.GetValue<string>(), g => g!);

    [Fact]
    public async Task Plan_OnRedis_JsonSummaryHasExactlyItsShape_SameSeedSamePlan_OtherSeedAnother()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var population = await PrepareAsync(cli, []);

        var first = await cli.RunOkAsync("supervision", "plan", "--population", population, "--base-ratio", "0.1", "--seed", "42", "--json", "--out", cli.PathOf("plan1.csv"));
        var again = await cli.RunOkAsync("supervision", "plan", "--population", population, "--base-ratio", "0.1", "--seed", "42", "--json", "--out", cli.PathOf("plan2.csv"));
        var other = await cli.RunOkAsync("supervision", "plan", "--population", population, "--base-ratio", "0.1", "--seed", "7", "--json", "--out", cli.PathOf("plan3.csv"));

        var json = first.Json.AsObject();
        Assert.Equal(["seed", "drawn", "groups"], json.Select(p => p.Key));
        Assert.All(json["groups"]!.AsArray(), g => Assert.Equal(["level", "population", "ratio", "drawn"], g!.AsObject().Select(p => p.Key)));
        Assert.Equal(42, json["seed"]!.GetValue<long>());
        var groups = Groups(json);
        Assert.Equal(["always", "increased", "reduced", "regular"], groups.Keys.Order());
        Assert.Equal((10, 1.0, 10), (groups["always"]["population"]!.GetValue<int>(), groups["always"]["ratio"]!.GetValue<double>(), groups["always"]["drawn"]!.GetValue<int>()));
        Assert.Equal(0.05, groups["reduced"]["ratio"]!.GetValue<double>(), 10);
        Assert.Equal(0.2, groups["increased"]["ratio"]!.GetValue<double>(), 10);
        Assert.Equal(Size, groups.Values.Sum(g => g["population"]!.GetValue<int>()));
        Assert.Equal(first.Output, again.Output);
        Assert.Equal(Drawn(cli.PathOf("plan1.csv")), Drawn(cli.PathOf("plan2.csv")));
        Assert.NotEqual(Drawn(cli.PathOf("plan1.csv")), Drawn(cli.PathOf("plan3.csv")));
        var listed = File.ReadLines(cli.PathOf("plan1.csv")).Single(l => l.StartsWith(Rows.Company(5) + ",", StringComparison.Ordinal));
        Assert.Contains(",Always,1,", listed, StringComparison.Ordinal);
        Assert.Contains("失信被执行人名单", listed, StringComparison.Ordinal);
        Assert.EndsWith(",42,2026.12.7", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_OnTheMemoryStore_CsvPopulationWithHeader_PrintsTheGroupsAndTheSeed()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];
        await PrepareAsync(cli, store);
        var population = cli.Write("population.csv", "统一社会信用代码,名称\n" + string.Join("\n", Enumerable.Range(0, 100).Select(i => $"{Rows.Company(i)},企业{i}")) + "\n");

        var result = await cli.RunOkAsync(["supervision", "plan", "--population", population, "--base-ratio", "0.05", "--seed", "9", .. store]);
        var json = (await cli.RunOkAsync(["supervision", "plan", "--population", population, "--base-ratio", "0.05", "--seed", "9", "--json", .. store])).Json;

        Assert.Contains("种子 seed 9", result.Output, StringComparison.Ordinal);
        Assert.Contains("reduced 降低", result.Output, StringComparison.Ordinal);
        Assert.Equal(100, Groups(json).Values.Sum(g => g["population"]!.GetValue<int>()));
        Assert.Equal(10, Groups(json)["reduced"]["population"]!.GetValue<int>());
        var decision = (await cli.RunOkAsync(["check", Rows.Company(10), "--scenario", "supervision.inspection", "--json", .. store])).Json;
        Assert.Equal("A", decision["ratings"]![0]!["level"]!.GetValue<string>());
        Assert.Equal("public-credit-rating:A", decision["measures"]![0]!["rating"]!.GetValue<string>());
    }

    [Fact]
    public async Task Plan_BadIdentifiers_AreNamedByLineAndNoPlanIsMade()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        var typo = Rows.Company(3)[..17] + (Rows.Company(3)[17] == 'X' ? 'Y' : 'X');
        var population = cli.Write("population.txt", $"{Rows.Company(1)}\n91110105XXXXXXXX\n\n{Rows.Company(2)}\nnot-an-id\n{typo}\n");

        var result = await cli.RunAsync("supervision", "plan", "--population", population, "--base-ratio", "0.05", "--json", "--store", "memory", "--data", data, "--out", cli.PathOf("plan.csv"));

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        var problems = result.Json["problems"]!.AsArray();
        Assert.Equal([2, 5, 6], problems.Select(p => p!["line"]!.GetValue<int>()));
        // The exact problem, in Chinese then English, as validate and import say it.
        Assert.Contains("作为法人", problems[1]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("As a legal entity", problems[1]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("校验", problems[2]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("check character at position 18", problems[2]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, result.Json["valid"]!.GetValue<int>());
        Assert.False(File.Exists(cli.PathOf("plan.csv")));
    }

    [Fact]
    public async Task Plan_PersonsInThePopulation_TheirIdsMaskedInThePlanUnlessClearIdsIsAskedFor()
    {
        // Found by review: plan.csv held natural persons' 居民身份证号码 in clear.
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];
        await cli.RunOkAsync(["catalog", "publish", .. store]);
        var person = SyntheticIds.Person(11);
        var company = Rows.Company(11);
        var population = cli.Write("population.csv", $"subject,kind\n{person.Value},NaturalPerson\n{company},LegalEntity\n");

        await cli.RunOkAsync(["supervision", "plan", "--population", population, "--base-ratio", "0.5", "--seed", "3", "--out", cli.PathOf("plan.csv"), .. store]);
        await cli.RunOkAsync(["supervision", "plan", "--population", population, "--base-ratio", "0.5", "--seed", "3", "--out", cli.PathOf("clear.csv"), "--clear-ids", .. store]);

        var plan = File.ReadAllText(cli.PathOf("plan.csv"));
        Assert.DoesNotContain(person.Value, plan, StringComparison.Ordinal);
        Assert.Contains(person.Masked + ",NaturalPerson,", plan, StringComparison.Ordinal);
        Assert.Contains(company + ",LegalEntity,", plan, StringComparison.Ordinal); // an enterprise's code is public: whole
        Assert.Contains(person.Value + ",NaturalPerson,", File.ReadAllText(cli.PathOf("clear.csv")), StringComparison.Ordinal);
    }

    private static HashSet<string> Drawn(string planFile) =>
        [.. File.ReadLines(planFile).Skip(1).Select(l => l.Split(',')).Where(f => f[5] == "1").Select(f => f[0])];

    [Fact]
    public async Task RatingImport_TwoLevelsForOneSubject_Refused_AndAMergeReplacesTheLevel()
    {
        // Found from outside: a file giving one enterprise A and D went in as two results, and a later merge
        // kept old levels by row position (the default entry id was the row number).
        using var cli = new CliSession(server: null);
        var data = cli.PathOf("data");
        Directory.CreateDirectory(data);
        string[] store = ["--store", "memory", "--data", data];
        await cli.RunOkAsync(["catalog", "publish", .. store]);
        var subject = Rows.Company(42);

        var both = await cli.RunAsync(["import", cli.Write("both.csv", $"subject,level\n{subject},A\n{subject},D\n"), "--list", "public-credit-rating", "--json", .. store]);
        await cli.RunOkAsync(["import", cli.Write("a.csv", $"subject,level\n{Rows.Company(7)},B\n{subject},A\n"), "--list", "public-credit-rating", .. store]);
        await cli.RunOkAsync(["import", cli.Write("d.csv", $"subject,level\n{subject},D\n"), "--list", "public-credit-rating", "--mode", "merge", .. store]);
        var decision = (await cli.RunOkAsync(["check", subject, "--scenario", "procurement", "--json", .. store])).Json;

        Assert.Equal(Exit.InvalidInput, both.ExitCode);
        Assert.Contains("line 2", both.Json["problems"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["D"], decision["ratings"]!.AsArray().Select(r => r!["level"]!.GetValue<string>()));
    }
}
