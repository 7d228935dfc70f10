using Microsoft.Playwright;

namespace CreditCheck.ServiceHall.Tests.Support;

/// <summary>The window page as a clerk uses it: by its labels, as a screen reader would find the fields.</summary>
public sealed class HallPage(IPage page, string baseUrl)
{
    public IPage Page => page;

    public ILocator RouteBadge => page.Locator("#route-badge");

    public ILocator Summary => page.Locator("#route-summary");

    public async Task OpenAsync()
    {
        var response = await page.GotoAsync(baseUrl + "/");
        if (response is null || response.Status != 200)
        {
            throw new InvalidOperationException($"GET / answered {response?.Status}.");
        }
    }

    /// <summary>Fills the intake form and submits it ("查询并分流").</summary>
    public async Task RouteAsync(string subject, string matterCode, string? missing = null, bool commitment = false, string kind = "auto")
    {
        await page.GetByLabel("证件号码", new() { Exact = true }).FillAsync(subject);
        await page.Locator($"#kind-{kind}").CheckAsync();
        await page.GetByLabel("办理事项").SelectOptionAsync(matterCode);
        await page.GetByLabel("尚缺材料").FillAsync(missing ?? string.Empty);
        await page.GetByLabel("申请人愿意签署信用承诺书（申请告知承诺）").SetCheckedAsync(commitment);
        await SubmitAsync("查询并分流");
    }

    /// <summary>Fills the confirmation form and submits it ("确认办理并反馈").</summary>
    public async Task ConfirmAsync(string handling = "按提示办理", string? outcome = null, string? reason = null, string? overriddenBy = null)
    {
        await page.GetByLabel(handling, new() { Exact = true }).CheckAsync();
        if (outcome is not null)
        {
            await page.GetByLabel("办理结果（选填）").FillAsync(outcome);
        }

        if (reason is not null)
        {
            await page.GetByLabel("原因（未按提示办理或经批准变更时必填）").FillAsync(reason);
        }

        if (overriddenBy is not null)
        {
            await page.GetByLabel("批准人（经批准变更时必填）").FillAsync(overriddenBy);
        }

        await SubmitAsync("确认办理并反馈");
    }

    /// <summary>Clicks a form's submit button and waits until the page the server answered has replaced this one.
    /// The document is marked first and the wait is for a parsed document without the mark: waiting for the load
    /// state after the click hung for 60 s in about one run in six on a loaded machine (the server's log showed the
    /// answer sent within 30 ms), and the old page must not be mistaken for the answer.</summary>
    private async Task SubmitAsync(string button)
    {
        await page.EvaluateAsync("() => { window.__submitted = true; }");
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.__submitted !== true && document.readyState !== 'loading'");
    }
}
