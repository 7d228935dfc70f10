using Microsoft.Playwright;

namespace CreditCheck.ServiceHall.Tests.Support;

/// <summary>One full-page screenshot per scenario in artifacts/screenshots (a test artifact, not in git).</summary>
internal static class Screenshots
{
    public static string Directory { get; } = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");

    public static async Task SaveAsync(IPage page, string scenario)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, scenario + ".png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CreditCheck.sln")))
            {
                return directory.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
