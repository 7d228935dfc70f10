using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Cli;

/// <summary><c>report</c>: the known set's numbers on a self-contained HTML page, which a real browser renders.</summary>
[Collection(CliTestGroup.Name)]
public sealed partial class ReportCommandTests(RedisFixture redis)
{
    private const string Quarter = "2026-07-01";
    private const string QuarterEnd = "2026-10-01";

    private static string Row(string key, params int[] counts) =>
        $"<td>{key}</td>" + string.Concat(Cells(counts));

    private static IEnumerable<string> Cells(int[] c)
    {
        var rate = c[0] == 0 ? "—" : (100.0 * c[1] / c[0]).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        return new[] { $"{c[0]}", $"{c[1]}", rate, $"{c[2]}", $"{c[3]}", $"{c[4]}", $"{c[5]}", $"{c[6]}" }.Select(v => $"<td class=\"n\">{v}</td>");
    }

    [Fact]
    public async Task Report_RedisQuarter_TheHandComputedNumbersOnASelfContainedPage()
    {
        using var cli = new CliSession(redis.Server);
        await cli.PublishAsync();
        await FeedbackSamples.ReportToRedisAsync(redis.Server, cli.Namespace, await FeedbackSamples.CreateAsync());
        var catalog = cli.Write("test-catalog.json", TestCatalog.Json);
        var page = cli.PathOf("q3.html");

        var result = await cli.RunOkAsync("report", "--since", Quarter, "--until", QuarterEnd, "--out", page, "--catalog", catalog, "--title", "2026年第三季度联合奖惩执行情况", "--json");

        var totals = result.Json;
        Assert.Equal(
            [12, 9, 6, 4, 1, 3, 1],
            new[] { "records", "checks", "hits", "punishmentsExecuted", "rewardsExecuted", "notExecuted", "overridden" }.Select(n => totals[n]!.GetValue<int>()));
        Assert.Equal(4, totals["departments"]!.AsArray().Count);
        var html = File.ReadAllText(page);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<title>2026年第三季度联合奖惩执行情况</title>", html, StringComparison.Ordinal);
        Assert.Contains("2026-07-01 00:00 至 2026-10-01 00:00（不含，北京时间）", html, StringComparison.Ordinal);
        Assert.Contains($"redis namespace &#39;{cli.Namespace}&#39;", html, StringComparison.Ordinal);
        SelfContained(html);
        Assert.Equal(4, Regex.Count(html, "<svg ")); // departments, scenarios, lists, measures

        // Records, checks, hits, punishments, rewards, not executed, overridden, as in FeedbackStatisticsTests.
        Assert.Contains($"<td>全部执行部门</td>{string.Concat(Cells([9, 6, 4, 1, 3, 1, 12]))}", html, StringComparison.Ordinal);
        Assert.Contains(Row("市市场监管局", 4, 3, 2, 1, 1, 0, 5), html, StringComparison.Ordinal);
        Assert.Contains(Row("市财政局", 3, 2, 2, 0, 1, 1, 5), html, StringComparison.Ordinal);
        Assert.Contains(Row("市政务服务中心", 1, 1, 0, 0, 1, 0, 1), html, StringComparison.Ordinal);
        Assert.Contains(Row("（未填写部门）", 1, 0, 0, 0, 0, 0, 1), html, StringComparison.Ordinal);
        Assert.Contains($"<td><code>licensing</code></td><td>行政许可</td>{string.Concat(Cells([4, 3, 2, 1, 1, 0, 5]))}", html, StringComparison.Ordinal);
        Assert.Contains($"<td><code>procurement.bid</code></td><td>投标</td>{string.Concat(Cells([1, 1, 1, 0, 0, 1, 2]))}", html, StringComparison.Ordinal);
        Assert.Contains($"<td><code>debtors</code></td><td>失信被执行人名单</td>{string.Concat(Cells([3, 3, 3, 0, 2, 1, 6]))}", html, StringComparison.Ordinal);
        Assert.Contains($"<td><code>green-channel</code></td><td>行政审批绿色通道</td>{string.Concat(Cells([2, 2, 0, 1, 1, 0, 2]))}", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>系统未对接</td><td class=\"n\">2</td><td>通报</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>李局长</td><td class=\"n\">1</td><td>拒绝参与政府采购活动</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>法院已裁定解除</td><td class=\"n\">1</td><td>拒绝参与政府采购活动</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("区税务局", html, StringComparison.Ordinal); // O1 and O2 are outside the quarter
    }

    [Fact]
    public async Task Report_OneDepartment_OnlyItsFeedbackAndTheDefaultTitle()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        await FeedbackSamples.ReportToMemoryAsync(data, await FeedbackSamples.CreateAsync());
        var page = cli.PathOf("caizheng.html");

        var result = await cli.RunOkAsync("report", "--since", Quarter, "--until", QuarterEnd, "--out", page, "--department", "市财政局", "--store", "memory", "--data", data);

        Assert.Contains("5 feedback records, 3 checks, 2 hits, 2 punishments and 0 rewards executed, 1 not executed, 1 overridden", result.Output, StringComparison.Ordinal);
        var html = File.ReadAllText(page);
        Assert.Contains("<title>联合奖惩措施执行情况报告</title>", html, StringComparison.Ordinal);
        Assert.Contains("执行部门：市财政局", html, StringComparison.Ordinal);
        Assert.Contains(Row("市财政局", 3, 2, 2, 0, 1, 1, 5), html, StringComparison.Ordinal);
        Assert.DoesNotContain("市市场监管局", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>系统未对接</td><td class=\"n\">1</td><td>通报</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>李局长</td><td class=\"n\">1</td><td>拒绝参与政府采购活动</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_EmptyPeriod_APageWithZerosAndNoCharts()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        var page = cli.PathOf("empty.html");

        var result = await cli.RunOkAsync("report", "--since", "2026-01-01", "--until", "2026-04-01", "--out", page, "--json", "--store", "memory", "--data", data);

        Assert.Equal(0, result.Json["checks"]!.GetValue<int>());
        var html = File.ReadAllText(page);
        Assert.Contains($"<td>全部执行部门</td>{string.Concat(Cells([0, 0, 0, 0, 0, 0, 0]))}", html, StringComparison.Ordinal);
        Assert.Contains("本期无数据", html, StringComparison.Ordinal);
        Assert.Contains("本期没有未执行的措施", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        SelfContained(html);
    }

    [Fact]
    public async Task Report_BadOptions_DocumentedExitCodesAndNoPage()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        string[] store = ["--store", "memory", "--data", data];

        var noOut = await cli.RunAsync(["report", "--since", Quarter, "--until", QuarterEnd, .. store]);
        var badDate = await cli.RunAsync(["report", "--since", "2026-7-32", "--until", QuarterEnd, "--out", cli.PathOf("r.html"), .. store]);
        var badCatalog = await cli.RunAsync(["report", "--since", Quarter, "--until", QuarterEnd, "--out", cli.PathOf("r.html"), "--catalog", cli.Write("bad.json", "{ \"version\": \"x\" }"), .. store]);
        var missingCatalog = await cli.RunAsync(["report", "--since", Quarter, "--until", QuarterEnd, "--out", cli.PathOf("r.html"), "--catalog", cli.PathOf("none.json"), .. store]);
        var noStore = await cli.RunAsync("report", "--since", Quarter, "--until", QuarterEnd, "--out", cli.PathOf("r.html"));

        Assert.Equal(Exit.Usage, noOut.ExitCode);
        Assert.Contains("--out", noOut.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.Usage, badDate.ExitCode);
        Assert.Contains("--since '2026-7-32' is not a date or time", badDate.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.InvalidInput, badCatalog.ExitCode);
        Assert.Equal(Exit.InvalidInput, missingCatalog.ExitCode);
        Assert.Contains("none.json", missingCatalog.Error, StringComparison.Ordinal);
        Assert.Equal(Exit.StoreUnavailable, noStore.ExitCode);
        Assert.False(File.Exists(cli.PathOf("r.html")));
    }

    [Fact]
    public async Task Report_OpenedInHeadlessChromium_RendersTheChartsAndTables()
    {
        using var cli = new CliSession(server: null);
        var data = Directory.CreateDirectory(cli.PathOf("data")).FullName;
        await FeedbackSamples.ReportToMemoryAsync(data, await FeedbackSamples.CreateAsync());
        var catalog = cli.Write("test-catalog.json", TestCatalog.Json);
        var folder = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "artifacts", "screenshots")).FullName;
        var page = Path.Combine(folder, "feedback-report.html");
        var screenshot = Path.Combine(folder, "feedback-report.png");
        File.Delete(screenshot);
        await cli.RunOkAsync("report", "--since", Quarter, "--until", QuarterEnd, "--out", page, "--catalog", catalog, "--store", "memory", "--data", data);

        await Chromium.ScreenshotAsync(page, screenshot, 1280, 2000);

        var bytes = File.ReadAllBytes(screenshot);
        Assert.True(bytes.Length > 50_000, $"the screenshot has only {bytes.Length} bytes");
        var image = PngImage.Read(bytes);
        Assert.Equal((1280, 2000), (image.Width, image.Height));
        var colours = new Dictionary<(byte, byte, byte), int>();
        for (var y = 0; y < image.Height; y += 2)
        {
            for (var x = 0; x < image.Width; x += 2)
            {
                var pixel = image[x, y];
                colours[pixel] = colours.GetValueOrDefault(pixel) + 1;
            }
        }

        var sampled = image.Width * image.Height / 4;
        var background = colours.GetValueOrDefault(((byte)255, (byte)255, (byte)255)) + colours.GetValueOrDefault(((byte)0xf4, (byte)0xf6, (byte)0xf9));
        Assert.True(sampled - background > sampled / 20, $"only {sampled - background} of {sampled} sampled pixels are not background: the page looks blank");
        Assert.True(colours.Count > 100, $"only {colours.Count} colours: no text or charts rendered");
        // The bars of the charts (checks, punishments, rewards) and the red title are on the screen.
        Assert.True(colours.GetValueOrDefault(((byte)0x4e, (byte)0x79, (byte)0xa7)) > 200, "no check bars in the screenshot");
        Assert.True(colours.GetValueOrDefault(((byte)0xe1, (byte)0x57, (byte)0x59)) > 50, "no punishment bars in the screenshot");
        Assert.True(colours.GetValueOrDefault(((byte)0x59, (byte)0xa1, (byte)0x4f)) > 20, "no reward bars in the screenshot");
    }

    private static void SelfContained(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        // The only address is the SVG namespace, a name that is never fetched.
        Assert.Equal(Regex.Count(html, "<svg "), Regex.Count(html, "https?://"));
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CreditCheck.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No CreditCheck.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Headless Chromium taking a screenshot of a local page: a process of our own, bounded in time.</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static async Task ScreenshotAsync(string page, string screenshot, int width, int height)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: install Debian's chromium (tests/run.sh does when it can).");
        var profile = Directory.CreateTempSubdirectory("creditcheck-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile.FullName}",
                $"--screenshot={screenshot}", $"--window-size={width},{height}", new Uri(page).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish within 120 s: {await error}");
            }

            Assert.True(File.Exists(screenshot), $"chromium exited {process.ExitCode} without a screenshot: {await output} {await error}");
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
