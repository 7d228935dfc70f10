using CreditCheck.ServiceHall.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CreditCheck.ServiceHall.Tests;

/// <summary>The window page with <c>--redis</c> when the redis-server goes away: the clerk reads in Chinese that the
/// list data could not be read, never the exception (found by review: 分流原因 showed the RedisConnectionException).
/// Its own fixture, since the server is killed.</summary>
public sealed class ServiceHallRedisOutageTests(Chromium chromium, RedisHall hall) : IClassFixture<RedisHall>
{
    [Fact(Timeout = 240_000)]
    public async Task OnRedis_ServerGone_StrictReviewSaysInChineseTheDataCouldNotBeRead()
    {
        var hallPage = new HallPage(await chromium.NewPageAsync(), hall.Host.BaseUrl);
        await hallPage.OpenAsync();
        await hallPage.RouteAsync(Generated.CleanCompany.Value, "330100-XK-017");
        await Expect(hallPage.RouteBadge).Not.ToHaveTextAsync("从严审核");

        await hall.Server.KillAsync();
        var deadline = DateTime.UtcNow.AddSeconds(150);
        string? badge;
        do
        {
            await Task.Delay(2_000);
            await hallPage.OpenAsync();
            await hallPage.RouteAsync(Generated.CleanCompany.Value, "330100-XK-017");
            badge = await hallPage.RouteBadge.TextContentAsync();
        }
        while (badge != "从严审核" && DateTime.UtcNow < deadline);

        await Expect(hallPage.RouteBadge).ToHaveTextAsync("从严审核");
        await Expect(hallPage.Page.Locator("#reasons")).ToContainTextAsync("申请单位信用记录未能按最新数据查询（名单数据");
        await Expect(hallPage.Page.Locator("#checks .conclusion")).ToContainTextAsync("请人工核实");
        await Expect(hallPage.Page.Locator("#route-result")).Not.ToContainTextAsync("Redis");
        await ServiceHallPageTests.AssertChineseOnlyAsync(hallPage);
        await Screenshots.SaveAsync(hallPage.Page, "16-redis-gone-strict-review");
    }
}
