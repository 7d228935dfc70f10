using System.Globalization;
using System.Text.Json.Nodes;
using CreditCheck.Redis;
using CreditCheck.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CreditCheck.Tests.Cli;

/// <summary><c>commitments list|record|fulfil|breach</c> on the memory store and Redis, and <c>report</c>'s
/// department ranking from a day of checks on Redis.</summary>
[Collection(CliTestGroup.Name)]
public sealed class CommitmentCommandTests(RedisFixture redis)
{
    private static readonly string Company = SyntheticIds.Company(960).Value;

    private static async Task<string> RecordAsync(CliSession cli, string subject, string due, params string[] more) =>
        (await cli.RunOkAsync(["commitments", "record", "--subject", subject, "--matter", "XK-001", "--due", due, "--promise", "场地租赁合同限期补齐", "--department", "市政务服务中心", "--allow-past-due", "--json", .. more])).Json["id"]!.GetValue<string>();

    [Fact]
    public async Task Record_APastDueDayOrASubjectTheRouteIsNotOpenTo_Refused()
    {
        // Found from outside: a court-listed enterprise (不适用告知承诺制) and a due day already past were both recorded.
        using var cli = new CliSession(null);
        string[] memory = ["--store", "memory", "--data", Directory.CreateDirectory(cli.PathOf("data")).FullName];
        var listed = SyntheticIds.Company(963).Value;
        await cli.RunOkAsync(["import", cli.WriteCsv("debtors.csv", Rows.Raw("LegalEntity", listed, "2024-01-02", "2099-12-31", "d-963")), "--list", CliSession.Debtors, .. memory]);
        string[] record = ["commitments", "record", "--matter", "XK-001", "--promise", "限期补齐", .. memory];

        var past = await cli.RunAsync([.. record, "--subject", Company, "--due", "2020-01-31"]);
        var barred = await cli.RunAsync([.. record, "--subject", listed, "--due", "2999-12-31"]);
        var unknownScenario = await cli.RunAsync([.. record, "--subject", Company, "--due", "2999-12-31", "--scenario", "no-such-scenario"]);
        var list = (await cli.RunOkAsync(["commitments", "list", "--json", .. memory])).Json.AsArray();

        Assert.Equal(Exit.InvalidInput, past.ExitCode);
        Assert.Contains("--allow-past-due", past.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, barred.ExitCode);
        Assert.Contains("不适用告知承诺", barred.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, unknownScenario.ExitCode);
        Assert.Contains("应用场景不在名单目录中", unknownScenario.Error, StringComparison.Ordinal);
        Assert.Contains("Scenario 'no-such-scenario' is not in catalog", unknownScenario.Error, StringComparison.Ordinal);
        Assert.Empty(list);
    }

    [Fact]
    public async Task Commitments_MemoryStore_RecordedBreachedAndTheNextCommitmentRefused()
    {
        using var cli = new CliSession(null);
        string[] memory = ["--store", "memory", "--data", cli.Folder];

        var id = await RecordAsync(cli, Company, "2020-01-31", memory);
        var listed = (await cli.RunOkAsync(["commitments", "list", "--json", .. memory])).Json.AsArray();
        var overdue = (await cli.RunOkAsync(["commitments", "list", "--overdue", "--json", .. memory])).Json.AsArray();
        var breach = await cli.RunOkAsync(["commitments", "breach", id, "--reason", "逾期未补齐材料", .. memory]);
        var check = (await cli.RunOkAsync(["check", Company, "--scenario", "licensing", "--json", .. memory])).Json;
        var again = await cli.RunAsync(["commitments", "fulfil", id, .. memory]);
        var unknown = await cli.RunAsync(["commitments", "fulfil", "0123456789abcdef0123456789abcdef", .. memory]);

        var one = Assert.Single(listed);
        Assert.Equal(("XK-001", "Open", "2020-01-31"), (one!["matterCode"]!.GetValue<string>(), one["status"]!.GetValue<string>(), one["dueOn"]!.GetValue<string>()));
        Assert.Equal(id, Assert.Single(overdue)!["id"]!.GetValue<string>());
        Assert.Contains("broken-commitments", breach.Output, StringComparison.Ordinal);
        Assert.Contains(check["entries"]!.AsArray(), e => e!["list"]!.GetValue<string>() == "broken-commitments");
        Assert.Contains(check["measures"]!.AsArray(), m => m!["code"]!.GetValue<string>() == "broken-commitment-no-commitment");
        Assert.DoesNotContain(check["measures"]!.AsArray(), m => m!["code"]!.GetValue<string>() == "commitment-approval");
        Assert.Equal(Exit.Conflict, again.ExitCode);
        Assert.Equal(Exit.NotFound, unknown.ExitCode);
    }

    [Fact]
    public async Task Commitments_Redis_FulfilledOnesLeaveTheOverdueList()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var kept = await RecordAsync(cli, Company, "2020-01-31");
        var late = await RecordAsync(cli, SyntheticIds.Company(961).Value, "2020年2月1日");
        await RecordAsync(cli, SyntheticIds.Company(962).Value, "2999-12-31");

        var fulfilled = (await cli.RunOkAsync("commitments", "fulfil", kept, "--json")).Json;
        var overdue = (await cli.RunOkAsync("commitments", "list", "--overdue", "--json")).Json.AsArray();
        var table = await cli.RunOkAsync("commitments", "list");

        Assert.Equal("Fulfilled", fulfilled["status"]!.GetValue<string>());
        Assert.Equal(late, Assert.Single(overdue)!["id"]!.GetValue<string>());
        Assert.Contains("逾期未履约", table.Output, StringComparison.Ordinal);
        Assert.Contains("已履约", table.Output, StringComparison.Ordinal);
        Assert.Equal(Exit.Usage, (await cli.RunAsync("commitments", "record", "--subject", Company, "--matter", "XK-001", "--due", "next week", "--promise", "x")).ExitCode);
    }

    [Fact]
    public async Task Report_ADayOfChecksOnRedis_DepartmentsCountedAndRanked()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCreditCheck().UseRedis(redis.Server.Configuration, o =>
        {
            o.Namespace = cli.Namespace;
            o.Secret = CliSession.Secret;
        });
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date;
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var checker = host.Services.GetRequiredService<ICreditChecker>();
            var feedback = host.Services.GetRequiredService<ICreditFeedback>();

            // 甲局: 4 checks, 2 reported (rate 50%); 乙局: 2 checks, both reported (100%); 丙局: 1 check, none reported.
            async Task CheckAsync(string department, int n, bool report)
            {
                var decision = await checker.CheckAsync(new CheckRequest(SyntheticIds.Company(970 + n), "licensing") { Department = department });
                if (report)
                {
                    var executed = FeedbackReport.For(decision);
                    foreach (var applied in decision.AppliedMeasures)
                    {
                        executed.Executed(applied.Measure.Code, "已办理");
                    }

                    await feedback.ReportAsync(executed);
                }
            }

            await CheckAsync("甲局", 1, true);
            await CheckAsync("甲局", 2, true);
            await CheckAsync("甲局", 3, false);
            await CheckAsync("甲局", 4, false);
            await CheckAsync("乙局", 5, true);
            await CheckAsync("乙局", 6, true);
            await CheckAsync("丙局", 7, false);
            await host.StopAsync(); // delivers the feedback and flushes the counts
            await host.Services.GetRequiredService<CreditCheck.Stores.CheckCounter>().FlushAsync();
        }

        var report = (await cli.RunOkAsync("report", "--since", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--until", today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--out", cli.PathOf("day.html"), "--json")).Json;

        var departments = report["departments"]!.AsArray().ToDictionary(d => d!["department"]!.GetValue<string>(), d => d!);
        Assert.Equal((2, 2, 1.0, 1), Row(departments["乙局"]));
        Assert.Equal((4, 2, 0.5, 2), Row(departments["甲局"]));
        Assert.Equal((1, 0, 0.0, 3), Row(departments["丙局"]));
        var html = File.ReadAllText(cli.PathOf("day.html"));
        Assert.Contains("部门考核排名", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td class=\"n\">2</td><td>甲局</td><td class=\"n\">4</td><td class=\"n\">2</td><td class=\"n\">50.0%</td>", html, StringComparison.Ordinal);

        static (int Checks, int Reported, double Rate, int Rank) Row(JsonNode d) =>
            (d["checks"]!.GetValue<int>(), d["reported"]!.GetValue<int>(), d["feedbackRate"]!.GetValue<double>(), d["rank"]!.GetValue<int>());
    }
}
