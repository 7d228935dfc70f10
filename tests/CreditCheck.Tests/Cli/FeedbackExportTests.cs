using System.Text;
using System.Text.Json.Nodes;
using CreditCheck.Cli;
using CreditCheck.Cli.Reporting;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>feedback export</c>: the known set delivered through a real host's <see cref="ICreditFeedback"/>
/// to Redis and to the memory store, exported as CSV and JSON and checked to the byte.</summary>
[Collection(CliTestGroup.Name)]
public sealed class FeedbackExportTests(RedisFixture redis)
{
    private const string Quarter = "2026-07-01";
    private const string QuarterEnd = "2026-10-01";

    private const string Header =
        "记录键,核查编号,执行时间,反馈时间,执行部门,行政区划,经办人,主体类型,主体代码,主体名称,应用场景,核查结果,命中名单,名单条目,措施编码,措施名称,措施类别,"
        + "执行情况,原因,否决人,执行结果,涉及金额（元）,措施生效时间,措施截止时间,法律依据,办件编号,事项编码,事项名称,目录版本,数据序号";

    /// <summary>The records of the quarter as the export orders them: by execution time, then key.</summary>
    private static List<FeedbackRecord> InQuarter(IEnumerable<FeedbackRecord> records) =>
        [.. records
            .Where(r => r.ExecutedAt >= FeedbackSamples.QuarterStart && r.ExecutedAt < FeedbackSamples.QuarterEnd)
            .OrderBy(r => r.ExecutedAt.UtcTicks).ThenBy(r => r.Key, StringComparer.Ordinal)];

    private static string JsonArray(IEnumerable<FeedbackRecord> records) =>
        "[\n" + string.Join(",\n", records.Select(r => "  " + FeedbackJson.Serialize(r))) + "\n]\n";

    private static string Cst(DateTimeOffset moment) => moment.ToOffset(FeedbackSamples.Cst).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(CliSession Cli, IReadOnlyList<Sample> Samples, List<FeedbackRecord> Records)> RedisWithSamplesAsync()
    {
        var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var samples = await FeedbackSamples.CreateAsync();
        var records = await FeedbackSamples.ReportToRedisAsync(redis.Server, cli.Namespace, samples);
        return (cli, samples, records);
    }

    [Fact]
    public async Task Export_RedisQuarterCsv_HeaderRowsAndEveryFieldAsExpected()
    {
        var (cli, samples, records) = await RedisWithSamplesAsync();
        using var _ = cli;
        var file = cli.PathOf("q3.csv");

        var result = await cli.RunOkAsync("feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--out", file);

        var bytes = File.ReadAllBytes(file);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]); // UTF-8 with BOM, for Excel
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n");
        Assert.Equal("", lines[^1]); // every row ends with CRLF
        Assert.Equal(Header, lines[0]);
        var expected = InQuarter(records);
        Assert.Equal(12, expected.Count);
        Assert.Equal(expected.Select(r => r.Key), lines[1..^1].Select(l => l.Split(',')[0]));
        Assert.Contains("Wrote 12 feedback records", result.Output, StringComparison.Ordinal);

        // C1: two records at the quarter's first instant, the notice first by key.
        var c1 = samples.Single(s => s.Name == "C1").Decision;
        var id = c1.CheckId;
        var reported = Cst(records.First(r => r.CheckId == id).ReportedAt);
        var seq = c1.Sequence;
        Assert.Equal(
            $"{id:N}:everywhere-notice,{id},2026-07-01 00:00:00,{reported},市财政局,440300,张三,法人和非法人组织,9144030071526726XG,示例主体,procurement,不予办理,debtors,e-1,"
            + $"everywhere-notice,通报,惩戒,未执行,系统未对接,,,,,,测试依据,CG-2026-001,,,test-1,{seq}",
            lines[1]);
        Assert.Equal(
            $"{id:N}:procurement-refusal,{id},2026-07-01 00:00:00,{reported},市财政局,440300,张三,法人和非法人组织,9144030071526726XG,示例主体,procurement,不予办理,debtors,e-1,"
            + $"procurement-refusal,拒绝参与政府采购活动,惩戒,已执行,,,\"不予受理, 已告知\",,,,财库〔2016〕125号,CG-2026-001,,,test-1,{seq}",
            lines[2]);

        // C4: a benefit with amount, effect period and a matter name holding quotes.
        var c4 = samples.Single(s => s.Name == "C4").Decision;
        Assert.Contains(
            $"{c4.CheckId:N}:green-channel,{c4.CheckId},2026-08-10 14:00:00,{Cst(records.First(r => r.CheckId == c4.CheckId).ReportedAt)},市市场监管局,,王五,法人和非法人组织,91330100716105852F,示例主体,licensing,守信激励,grade-a,e-2,"
            + $"green-channel,行政审批绿色通道,激励,已执行,,,已走绿色通道,5000.50,2026-08-10 00:00:00,2026-12-31 00:00:00,发改财金〔2016〕1467号,XK-2026-004,330100-XK-01,\"企业投资项目核准（\"\"绿色通道\"\"）\",test-1,{c4.Sequence}",
            lines);

        // C9: no measure, no department, and an operator Excel would take for a formula.
        var c9 = samples.Single(s => s.Name == "C9").Decision;
        Assert.Contains(
            $"{c9.CheckId:N}:-,{c9.CheckId},2026-09-20 10:00:00,{Cst(records.First(r => r.CheckId == c9.CheckId).ReportedAt)},,,'@自助终端,法人和非法人组织,914403001922038216,,public-service,未命中,,,"
            + $",,,无需执行,,,,,,,,,,,test-1,{c9.Sequence}",
            lines);
        Assert.All(lines[1..^1], l => Assert.Equal(30, CsvFields(l)));
    }

    [Fact]
    public async Task Export_RedisQuarterJson_TheDeliveredRecordsInOrderEachKeyOnce()
    {
        var (cli, samples, records) = await RedisWithSamplesAsync();
        using var _ = cli;
        // Delivered again, as a retry after a lost reply would: the export still has each key once.
        await FeedbackSamples.ReportToRedisAsync(redis.Server, cli.Namespace, samples.Named("C2", "C5"));

        var result = await cli.RunOkAsync("feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--format", "json");

        Assert.Equal(JsonArray(InQuarter(records)), result.Output);
        var first = JsonNode.Parse(result.Output)!.AsArray()[0]!;
        Assert.Equal("NotExecuted", first["result"]!.GetValue<string>());
        Assert.Equal("系统未对接", first["reason"]!.GetValue<string>());
        Assert.Equal("2026-07-01T00:00:00+08:00", first["executedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_MemoryStore_TheRecordsTheHostHeldInBothFormats()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        var samples = await FeedbackSamples.CreateAsync();
        var records = await FeedbackSamples.ReportToMemoryAsync(data, samples);
        await FeedbackSamples.ReportToMemoryAsync(data, samples.Named("C1")); // the same records again: appended twice
        string[] store = ["--store", "memory", "--data", data];
        var csvFile = cli.PathOf("q3.csv");
        var jsonFile = cli.PathOf("q3.json");

        var json = await cli.RunOkAsync(["feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--out", jsonFile, "--json", .. store]);
        await cli.RunOkAsync(["feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--out", csvFile, .. store]);

        Assert.Equal(JsonArray(InQuarter(records)), File.ReadAllText(jsonFile));
        Assert.NotEqual(0xEF, File.ReadAllBytes(jsonFile)[0]); // JSON has no BOM
        Assert.Equal(12, json.Json["records"]!.GetValue<int>());
        Assert.Equal("json", json.Json["format"]!.GetValue<string>());
        var lines = File.ReadAllText(csvFile, Encoding.UTF8).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal(Header, lines[0]);
        Assert.Equal(InQuarter(records).Select(r => r.Key), lines[1..^1].Select(l => l.Split(',')[0]));
    }

    [Fact]
    public async Task Export_MemoryStoreWithoutFeedback_AnEmptyExportAndTheListsStillSeeded()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        File.WriteAllText(Path.Combine(data, "wage-arrears.csv"), CliSession.EnglishHeader + "\n" + Rows.Entity(7, entryId: "w-7") + "\n");
        string[] store = ["--store", "memory", "--data", data];

        var empty = await cli.RunOkAsync(["feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--json", .. store]); // --json: the JSON format
        var csv = await cli.RunOkAsync(["feedback", "export", "--since", Quarter, "--until", QuarterEnd, .. store]);
        await FeedbackSamples.ReportToMemoryAsync(data, (await FeedbackSamples.CreateAsync()).Named("C3"));
        var decision = (await cli.RunOkAsync(["check", Rows.Company(7), "--scenario", "bidding", "--json", .. store])).Json;

        Assert.Equal("[]\n", empty.Output);
        Assert.Equal(Header + "\r\n", csv.Output); // standard output: no BOM
        // Feedback in DIR/.creditcheck does not hide the folder's list files from the memory store.
        Assert.Equal("Restricted", decision["outcome"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Quarter, QuarterEnd, "C1 C2 C3 C4 C5 C6 C7 C9 C8")]                                   // since included, until excluded (CST)
    [InlineData("2026/7/1", "2026年10月1日", "C1 C2 C3 C4 C5 C6 C7 C9 C8")]                           // the import's date forms
    [InlineData("20260701", "2026.10.1", "C1 C2 C3 C4 C5 C6 C7 C9 C8")]
    [InlineData("2026-06-30T23:59:59", "2026-09-30T23:59:59.999", "O1 C1 C2 C3 C4 C5 C6 C7 C9")]     // local times are CST; C8 is at .999, excluded
    [InlineData("2026-06-30T23:59:59.001+08:00", "2026-10-01T00:00:00Z", "C1 C2 C3 C4 C5 C6 C7 C9 C8 O2")] // O2 is at 16:00Z
    [InlineData("2026-06-30T16:00:00Z", "2026-09-30 16:00:00+00:00", "C1 C2 C3 C4 C5 C6 C7 C9 C8")]
    [InlineData("2026-07-01 00:00:00.001", "2026-09-30T23:59:59.9990001+08:00", "C2 C3 C4 C5 C6 C7 C9 C8")]
    [InlineData("2026-09-30T23:59:59.999+08:00", "2026-10-01T00:00:00+08:00", "C8")]
    [InlineData("2026-10-01", "2026-12-31", "O2")]                                                     // the next quarter starts with O2
    [InlineData("2026-01-01", "2026-06-30", "")]
    public async Task Export_PeriodEdges_ExactlyTheChecksExecutedInSinceUntil(string since, string until, string expected)
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        var samples = await FeedbackSamples.CreateAsync();
        await FeedbackSamples.ReportToMemoryAsync(data, samples);
        var names = samples.ToDictionary(s => s.Decision.CheckId, s => s.Name);

        var result = await cli.RunOkAsync("feedback", "export", "--since", since, "--until", until, "--format", "json", "--store", "memory", "--data", data);

        var checks = JsonNode.Parse(result.Output)!.AsArray().Select(r => names[Guid.Parse(r!["checkId"]!.GetValue<string>())]).Distinct();
        Assert.Equal(expected, string.Join(' ', checks));
    }

    [Theory]
    [InlineData("2026-13-01", QuarterEnd, "--since '2026-13-01' is not a date or time")]
    [InlineData(Quarter, "2026-02-30", "--until '2026-02-30' is not a date or time")]
    [InlineData("yesterday", QuarterEnd, "2024年1月2日")]
    [InlineData(Quarter, "2026-07-01T25:00", "--until '2026-07-01T25:00'")]
    [InlineData(QuarterEnd, Quarter, "is not after --since 2026-10-01 00:00:00")]
    [InlineData(Quarter, Quarter, "would be empty")]
    public async Task Export_BadPeriod_ExitsUsageNamingTheOptionAndTheForms(string since, string until, string message)
    {
        using var cli = new CliSession(redis.Server);

        var result = await cli.RunAsync("feedback", "export", "--since", since, "--until", until);

        Assert.Equal(Exit.Usage, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Export_BadOptions_DocumentedExitCodes()
    {
        using var cli = new CliSession(redis.Server);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] period = ["--since", Quarter, "--until", QuarterEnd];

        var format = await cli.RunAsync(["feedback", "export", .. period, "--format", "xml"]);
        var noUntil = await cli.RunAsync("feedback", "export", "--since", Quarter);
        var noCommand = await cli.RunAsync("feedback");
        var folder = await cli.RunAsync(["feedback", "export", .. period, "--out", cli.PathOf("missing/q3.csv")]);
        var noData = await cli.RunAsync(["feedback", "export", .. period, "--store", "memory"]);
        var missingData = await cli.RunAsync(["feedback", "export", .. period, "--store", "memory", "--data", cli.PathOf("nowhere")]);

        Assert.Equal(Exit.Usage, format.ExitCode);
        Assert.Contains("--format 'xml' is not csv or json", format.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.Usage, noUntil.ExitCode);
        Assert.Contains("--until", noUntil.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.Usage, noCommand.ExitCode);
        Assert.Equal(Exit.InvalidInput, folder.ExitCode);
        Assert.Contains("does not exist", folder.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.PathOf("missing/q3.csv")));
        Assert.Equal(Exit.Usage, noData.ExitCode);
        Assert.Contains("--data", noData.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, missingData.ExitCode);
        Assert.Contains("nowhere", missingData.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_DamagedMemoryFeedbackLine_IsPassedOverWithAWarningNamingFileAndLine_TheRestExported()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        await FeedbackSamples.ReportToMemoryAsync(data, (await FeedbackSamples.CreateAsync()).Named("C1"));
        var path = MemoryFeedbackFile.PathInState(new DirectoryInfo(Path.Combine(data, MemoryOperatorStore.StateFolder)));
        File.AppendAllText(path, "\n{\"key\":\"x\",\"checkId\":\n");

        var lines = File.ReadAllLines(path).Length;

        // Found from outside: one damaged line kept every record from being read, and the service from starting.
        var result = await cli.RunAsync("feedback", "export", "--since", Quarter, "--until", QuarterEnd, "--store", "memory", "--data", data, "--format", "json");

        Assert.Equal(Exit.Ok, result.ExitCode);
        Assert.Contains("feedback.jsonl:4: not a feedback record", result.Error, StringComparison.Ordinal);
        Assert.Contains("反馈文件中有损坏的行", result.Error, StringComparison.Ordinal);
        Assert.NotEmpty(System.Text.Json.Nodes.JsonNode.Parse(result.Output)!.AsArray());
        Assert.Equal(lines, File.ReadAllLines(path).Length); // left in the file as it is
    }

    [Fact]
    public async Task Export_RedisNotConfiguredWithoutSecretOrUnreachable_DocumentedExitCodes()
    {
        using var none = new CliSession(server: null);
        using var cli = new CliSession(redis.Server);
        var noSecret = new Dictionary<string, string?>(cli.Environment, StringComparer.Ordinal);
        noSecret.Remove("CREDITCHECK_SECRET");
        string[] export = ["feedback", "export", "--since", Quarter, "--until", QuarterEnd];

        var unconfigured = await none.RunAsync(export);
        var secretless = await Cli.RunAsync(noSecret, export);
        var unreachable = await none.RunAsync([.. export, "--redis", "127.0.0.1:1", "--secret", CliSession.Secret]);

        Assert.Equal(Exit.StoreUnavailable, unconfigured.ExitCode);
        Assert.Contains("CREDITCHECK_REDIS", unconfigured.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.Usage, secretless.ExitCode);
        Assert.Contains("CREDITCHECK_SECRET", secretless.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.StoreUnavailable, unreachable.ExitCode);
        Assert.Contains("cannot be reached", unreachable.Error, StringComparison.Ordinal);
    }

    private static int CsvFields(string line)
    {
        var fields = 1;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields++;
            }
        }

        return fields;
    }
}
