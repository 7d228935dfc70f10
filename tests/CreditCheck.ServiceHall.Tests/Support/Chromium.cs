using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(CreditCheck.ServiceHall.Tests.Support.Chromium))]

namespace CreditCheck.ServiceHall.Tests.Support;

/// <summary>
/// Debian's chromium, headless, driven by Playwright; one browser for the whole test run, a fresh context
/// per test. Playwright's own browser download does not work here, so the executable path is set; when
/// chromium is missing every browser test fails with the install command instead of passing silently.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>How long a page action or navigation may wait (generous: the test machine may be busy).</summary>
    public const float ActionTimeout = 60_000;

    /// <summary>How long an assertion may wait for the page to reach the expected state.</summary>
    public const float ExpectTimeout = 20_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _failure;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            _failure = $"chromium is not installed at {ExecutablePath}; install it with: sudo apt-get install -y chromium (tests/run.sh does this).";
            return;
        }

        Assertions.SetDefaultExpectTimeout(ExpectTimeout);
        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Timeout = 60_000,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
            });
        }
        catch (PlaywrightException e)
        {
            _failure = $"chromium at {ExecutablePath} could not be launched by Playwright: {e.Message}";
        }
    }

    /// <summary>A new page in a new context (its own cookies), Chinese locale, bounded timeouts.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var browser = _browser ?? throw new InvalidOperationException(_failure ?? "chromium was not started.");
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 1100, Height = 900 },
        });
        context.SetDefaultTimeout(ActionTimeout);
        context.SetDefaultNavigationTimeout(ActionTimeout);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
