using System.Globalization;
using System.Text;
using CreditCheck.Adapters.Tests.Support;
using CreditCheck.Catalog;
using CreditCheck.ServiceHall.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CreditCheck.ServiceHall.Tests;

/// <summary>The sample run as a process with its own data folder, driven from outside.</summary>
public sealed class ServiceHallProcessTests(Chromium chromium) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("servicehall-data-").FullName;

    [Fact(Timeout = 180_000)]
    public async Task AsAProcess_OnAFolderOfTheTestsOwnLists_RoutesThoseSubjects()
    {
        var red = Ids.Company(201, prefix: 8);
        var debtor = Ids.Person(8_123);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(_folder, "entries.csv"), string.Join('\n',
            "list,kind,subject,name,authority,reference,listedOn,validFrom,validUntil,status,relatedEnterprise,relatedEnterpriseCode,relatedRole,summary,entryId",
            $"contract-honoring,LegalEntity,{red.Value},外部测试守信有限公司,市场监管局,测试公示〔2026〕1号,{Day(-60)},{Day(-60)},{Day(700)},Active,,,,守合同重信用企业,ext-0001",
            $"court-dishonest-debtors,NaturalPerson,{debtor.Value},外部测试某,测试法院,(2026)测执1号,{Day(-60)},{Day(-60)},{Day(700)},Active,,,,未履行生效法律文书,ext-0002") + "\n", Encoding.UTF8);

        await using var sample = await SampleProcess.StartAsync("--urls", "http://127.0.0.1:0", "--data", _folder);
        var hallPage = new HallPage(await chromium.NewPageAsync(), sample.BaseUrl);
        await hallPage.OpenAsync();

        await hallPage.RouteAsync(red.Value, "330100-XK-017");
        await Expect(hallPage.RouteBadge).ToHaveTextAsync("绿色通道 · 优先办理");
        await Expect(hallPage.Page.Locator("#checks")).ToContainTextAsync("外部测试守信有限公司");
        await Screenshots.SaveAsync(hallPage.Page, "21-process-red-listed-green-channel");

        await hallPage.RouteAsync(debtor.Value, "330100-CG-001");
        await Expect(hallPage.RouteBadge).ToHaveTextAsync("不予受理");
        await Expect(hallPage.Page.Locator("#refusal")).ToContainTextAsync(
            "法律依据：" + CreditCatalog.Default.Measures.Single(m => m.Code == "procurement-refusal").LegalBasis);
        await Screenshots.SaveAsync(hallPage.Page, "22-process-blacklisted-person-refused");

        // The folder replaced samples/data: a featured blacklisted subject of the sample data is unknown here.
        await hallPage.RouteAsync("91310115768487450W", "330100-CG-001");
        await Expect(hallPage.RouteBadge).ToHaveTextAsync("一般程序");
    }

    [Fact(Timeout = 120_000)]
    public async Task AsAProcess_OnADataFolder_LeavesItUntouchedAndKeepsItsStateElsewhere()
    {
        // Found by review: the embedded store wrote its .creditcheck state folder into the data folder it was given —
        // samples/data, tracked by the repository. Counts (written each second) go to --state, the data folder stays as it was.
        await File.WriteAllTextAsync(Path.Combine(_folder, "entries.csv"),
            "list,kind,subject,name,authority,reference,listedOn,validFrom,validUntil,status,relatedEnterprise,relatedEnterpriseCode,relatedRole,summary,entryId\n", Encoding.UTF8);
        var before = Directory.GetFileSystemEntries(_folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var state = Path.Combine(_folder + "-state");
        try
        {
            await using (var sample = await SampleProcess.StartAsync("--urls", "http://127.0.0.1:0", "--data", _folder, "--state", state))
            {
                var hallPage = new HallPage(await chromium.NewPageAsync(), sample.BaseUrl);
                await hallPage.OpenAsync();
                await hallPage.RouteAsync("91310115768487450W", "330100-CG-001");
                await Expect(hallPage.RouteBadge).ToHaveTextAsync("一般程序");
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (!(Directory.Exists(state) && Directory.EnumerateFiles(state).Any()) && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }

            Assert.NotEmpty(Directory.EnumerateFiles(state)); // the check was counted, there
            Assert.Equal(before, Directory.GetFileSystemEntries(_folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            Assert.False(Directory.Exists(Path.Combine(_folder, ".creditcheck")));
        }
        finally
        {
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("http://0.0.0.0:5080", "listens on 127.0.0.1 only")]
    [InlineData("http://192.168.1.10:5080", "listens on 127.0.0.1 only")]
    [InlineData("https://127.0.0.1:5080", "is not an http address")]
    public async Task AsAProcess_AnAddressOtherThanLoopbackHttp_IsRefused(string urls, string reason)
    {
        var (exitCode, output) = await SampleProcess.RunAsync("--urls", urls);

        Assert.Equal(2, exitCode);
        Assert.Contains(reason, output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task AsAProcess_RedisUnreachable_ExitsWithThreeNamingTheServer()
    {
        var port = FreePort();

        var (exitCode, output) = await SampleProcess.RunAsync("--redis", $"127.0.0.1:{port},connectTimeout=1000", "--urls", "http://127.0.0.1:0");

        Assert.Equal(3, exitCode);
        Assert.Contains($"error: Redis at 127.0.0.1:{port} could not be set up:", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
