using CreditCheck.Catalog;
using CreditCheck.Redis;
using CreditCheck.ServiceHall.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CreditCheck.ServiceHall.Tests;

/// <summary>The window page with <c>--redis</c> against the test's own redis-server.</summary>
public sealed class ServiceHallRedisTests(Chromium chromium, RedisHall hall) : IClassFixture<RedisHall>
{
    [Fact(Timeout = 180_000)]
    public async Task OnRedis_GreenChannelRefusalAndRecordedConfirmation()
    {
        var hallPage = new HallPage(await chromium.NewPageAsync(), hall.Host.BaseUrl);
        await hallPage.OpenAsync();
        await Expect(hallPage.Page.Locator("header")).ToContainTextAsync($"数据来源：共享名单库（{hall.Namespace}）");

        // A sample-data red-listed enterprise, seeded into Redis by the sample itself.
        await hallPage.RouteAsync("91110105336900600J", "330100-XK-017");
        await Expect(hallPage.RouteBadge).ToHaveTextAsync("绿色通道 · 优先办理");

        // A generated blacklisted enterprise, published by the test.
        await hallPage.OpenAsync();
        await hallPage.RouteAsync(Generated.DebtorCompany.Value, "330100-CG-001");
        await Expect(hallPage.RouteBadge).ToHaveTextAsync("不予受理");
        await Expect(hallPage.Page.Locator("#refusal")).ToContainTextAsync(
            "法律依据：" + CreditCatalog.Default.Measures.Single(m => m.Code == "procurement-refusal").LegalBasis);
        await Screenshots.SaveAsync(hallPage.Page, "11-redis-generated-blacklisted-refused");

        // A generated red-listed enterprise, confirmed.
        await hallPage.OpenAsync();
        await hallPage.RouteAsync(Generated.RedCompany.Value, "330100-XK-017");
        await Expect(hallPage.RouteBadge).ToHaveTextAsync("绿色通道 · 优先办理");
        await Expect(hallPage.Page.Locator(".meta")).ToContainTextAsync("目录版本");
        await Expect(hallPage.Page.Locator("body")).Not.ToContainTextAsync("核查路径");
        await hallPage.ConfirmAsync(outcome: "已优先受理");

        await Expect(hallPage.Page.Locator("#feedback-recorded h3")).ToHaveTextAsync("反馈已记录");
        var keys = await hallPage.Page.Locator("#feedback-records td[data-key]").AllTextContentsAsync();
        Assert.Contains(keys, k => k.EndsWith(":green-channel", StringComparison.Ordinal));
        await Screenshots.SaveAsync(hallPage.Page, "12-redis-confirmation-recorded");

        // The records are in the namespace's feedback stream (cc:{ns}:feedback), as the platform reads them.
        await using var reader = await RedisFeedbackReader.ConnectAsync(hall.StoreOptions);
        var records = await FeedbackStore.WaitForAsync(reader, keys);
        var green = records.Single(r => r.MeasureCode == "green-channel");
        Assert.Equal(ExecutionResult.Executed, green.Result);
        Assert.Equal("已优先受理", green.ResultText);
        Assert.Equal(Generated.RedCompany.Value, green.SubjectCode);
        Assert.Equal(["tax-grade-a"], green.Lists);
    }
}
