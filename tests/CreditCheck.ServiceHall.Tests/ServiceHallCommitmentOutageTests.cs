using CreditCheck.ServiceHall.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CreditCheck.ServiceHall.Tests;

/// <summary>A 容缺受理 route routed before the redis-server goes away and confirmed after: the feedback is kept but the
/// commitment (the materials due) cannot be recorded, and the clerk reads so in Chinese and may confirm again (found
/// from outside: the adapter threw the store's own exception, which the page did not catch). Its own fixture, since
/// the server is killed.</summary>
public sealed class ServiceHallCommitmentOutageTests(Chromium chromium, RedisHall hall) : IClassFixture<RedisHall>
{
    [Fact(Timeout = 240_000)]
    public async Task OnRedis_ServerGoneBeforeTheConfirmation_SaysTheCommitmentWasNotRecordedAndToConfirmAgain()
    {
        var hallPage = new HallPage(await chromium.NewPageAsync(), hall.Host.BaseUrl);
        await hallPage.OpenAsync();
        await hallPage.RouteAsync(Generated.CleanCompany.Value, "330100-XK-017", missing: "食品安全管理制度");
        await Expect(hallPage.RouteBadge).ToContainTextAsync("容缺受理");

        await hall.Server.KillAsync();
        await hallPage.ConfirmAsync();

        await Expect(hallPage.Page.Locator("body")).ToContainTextAsync("办理情况已记录，但承诺事项未能登记", new() { Timeout = 60_000 });
        await Expect(hallPage.Page.Locator("body")).Not.ToContainTextAsync("Redis");
        await Expect(hallPage.Page.Locator("#feedback-recorded")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(hallPage.Page, "17-redis-gone-commitment-not-recorded");
    }
}
