using System.Text.Json.Nodes;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>feedback report</c>: what a script or a non-.NET system executed for a check id, through the
/// SDK's feedback path into the store's feedback (here the memory store's feedback.jsonl).</summary>
[Collection(CliTestGroup.Name)]
public sealed class FeedbackReportCommandTests(RedisFixture redis)
{
    [Fact]
    public async Task FeedbackReport_OnRedis_DeliveredToTheFeedbackStreamUnderTheCheckId()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("list.csv", Rows.Entity(1)), "--list", CliSession.Debtors);
        var decision = await cli.CheckAsync(Rows.Company(1));
        var checkId = decision["checkId"]!.GetValue<string>();

        await cli.RunOkAsync("feedback", "report", checkId, Rows.Company(1), "--scenario", "procurement", "--all-executed", "--operator", "窗口01");

        var exported = (await cli.RunOkAsync("feedback", "export", "--since", "2020-01-01", "--until", "2100-01-01", "--format", "json")).Output;
        var records = JsonNode.Parse(exported)!.AsArray();
        Assert.Equal(decision["measures"]!.AsArray().Count, records.Count);
        Assert.All(records, r => Assert.Equal(checkId, r!["checkId"]!.GetValue<string>()));
        Assert.All(records, r => Assert.Equal("Executed", r!["result"]!.GetValue<string>()));
        Assert.All(records, r => Assert.Equal("窗口01", r!["operator"]!.GetValue<string>()));
    }

    [Fact]
    public async Task FeedbackReport_ReplicasAskedOfAServerWithoutReplicas_ExitsStoreUnavailableSayingHowManyConfirmed()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await cli.RunOkAsync("import", cli.WriteCsv("list.csv", Rows.Entity(1)), "--list", CliSession.Debtors);
        var checkId = (await cli.CheckAsync(Rows.Company(1)))["checkId"]!.GetValue<string>();

        var result = await cli.RunAsync(["feedback", "report", checkId, Rows.Company(1), "--scenario", "procurement", "--all-executed", "--replicas", "1"]);

        Assert.Equal(Exit.StoreUnavailable, result.ExitCode);
        Assert.Contains("请重试", result.Error, StringComparison.Ordinal);
        Assert.Contains("confirmed by 0 of 1 replica(s)", result.Error, StringComparison.Ordinal);
        Assert.True(result.Error.Contains("the primary has 0 replica(s) connected", StringComparison.Ordinal), result.Error);
    }

    [Fact]
    public async Task FeedbackReport_MeasuresOfTheCheck_RecordedUnderItsCheckIdAndExported()
    {
        using var cli = new CliSession(server: null);
        var store = await MemoryStoreWithDebtorAsync(cli);
        var decision = (await cli.RunOkAsync(["check", Rows.Company(1), "--scenario", "procurement", "--json", .. store])).Json;
        var checkId = decision["checkId"]!.GetValue<string>();
        var measures = decision["measures"]!.AsArray().Select(m => m!["code"]!.GetValue<string>()).ToList();
        Assert.Contains("procurement-refusal", measures);
        var others = measures.Where(m => m != "procurement-refusal").SelectMany(m => new[] { "--not-executed", m + "=项目已终止" });

        var reported = await cli.RunOkAsync(["feedback", "report", checkId, Rows.Company(1), "--scenario", "procurement",
            "--executed", "procurement-refusal=不予受理", .. others, "--department", "市财政局", "--json", .. store]);

        Assert.Equal(measures.Count, reported.Json["records"]!.AsArray().Count);
        var exported = (await cli.RunOkAsync(["feedback", "export", "--since", "2020-01-01", "--until", "2100-01-01", "--format", "json", .. store])).Output;
        var records = JsonNode.Parse(exported)!.AsArray();
        var refusal = records.Single(r => r!["measureCode"]!.GetValue<string>() == "procurement-refusal")!;
        Assert.Equal(checkId, refusal["checkId"]!.GetValue<string>());
        Assert.Equal("Executed", refusal["result"]!.GetValue<string>());
        Assert.Equal("不予受理", refusal["resultText"]!.GetValue<string>());
        Assert.Equal("市财政局", refusal["department"]!.GetValue<string>());
        Assert.Equal($"{Guid.Parse(checkId):N}:procurement-refusal", refusal["key"]!.GetValue<string>());
        Assert.DoesNotContain("\\u", exported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ASubjectInGoodStandingGrantedABenefit_IsNoHit_InTheTotalsAsInTheDepartmentRows()
    {
        // Found from outside: totals counted any outcome but Clear as a hit (1), the department row only checks that
        // matched entries (0), so the page said 命中次数 1 beside 命中数 0.
        using var cli = new CliSession(server: null);
        var store = await MemoryStoreWithDebtorAsync(cli);
        var decision = (await cli.RunOkAsync(["check", Rows.Company(2), "--scenario", "licensing", "--json", .. store])).Json;
        Assert.Equal("Benefit", decision["outcome"]!.GetValue<string>());
        Assert.Empty(decision["entries"]!.AsArray());
        var notExecuted = decision["measures"]!.AsArray().SelectMany(m => new[] { "--not-executed", m!["code"]!.GetValue<string>() + "=申请人材料齐全" });
        await cli.RunOkAsync(["feedback", "report", decision["checkId"]!.GetValue<string>(), Rows.Company(2), "--scenario", "licensing", .. notExecuted, "--department", "市市场监管局", .. store]);

        var report = (await cli.RunOkAsync(["report", "--since", "2020-01-01", "--until", "2100-01-01", "--out", cli.PathOf("r.html"), "--json", .. store])).Json;

        Assert.Equal(1, report["checks"]!.GetValue<int>());
        Assert.Equal(0, report["hits"]!.GetValue<int>());
        Assert.Equal(0, Assert.Single(report["departments"]!.AsArray())!["hits"]!.GetValue<int>());
    }

    [Fact]
    public async Task FeedbackReport_MeasureTheDecisionDidNotApply_ExitsInvalidInputAndRecordsNothing()
    {
        using var cli = new CliSession(server: null);
        var store = await MemoryStoreWithDebtorAsync(cli);
        var checkId = (await cli.RunOkAsync(["check", Rows.Company(1), "--scenario", "procurement", "--json", .. store])).Json["checkId"]!.GetValue<string>();

        var result = await cli.RunAsync(["feedback", "report", checkId, Rows.Company(1), "--scenario", "procurement", "--executed", "green-channel", .. store]);

        Assert.Equal(Exit.InvalidInput, result.ExitCode);
        Assert.Contains("green-channel", result.Error, StringComparison.Ordinal);
        Assert.Contains("未记录", result.Error, StringComparison.Ordinal);
        Assert.Contains("该次核查未适用措施“green-channel”", result.Error, StringComparison.Ordinal); // the operator reads why, in Chinese
        var exported = (await cli.RunOkAsync(["feedback", "export", "--since", "2020-01-01", "--until", "2100-01-01", "--format", "json", .. store])).Output;
        Assert.Empty(JsonNode.Parse(exported)!.AsArray());
    }

    [Theory]
    [InlineData("not-a-uuid", "--executed", "procurement-refusal")]
    [InlineData("0190d7a8-8e6c-7000-8000-000000000001", "--not-executed", "procurement-refusal")]
    [InlineData("0190d7a8-8e6c-7000-8000-000000000001", "--overridden", "procurement-refusal=局长")]
    public async Task FeedbackReport_MalformedArguments_ExitsUsage(string checkId, string option, string value)
    {
        using var cli = new CliSession(server: null);
        var store = await MemoryStoreWithDebtorAsync(cli);

        var result = await cli.RunAsync(["feedback", "report", checkId, Rows.Company(1), "--scenario", "procurement", option, value, .. store]);

        Assert.Equal(Exit.Usage, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    private static async Task<string[]> MemoryStoreWithDebtorAsync(CliSession cli)
    {
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];
        await cli.RunOkAsync(["import", cli.WriteCsv("seed.csv", Rows.Entity(1)), "--list", CliSession.Debtors, "--mode", "merge", .. store]);
        return store;
    }
}
