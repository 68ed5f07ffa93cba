using Microsoft.Playwright;

namespace Gsv.Tests.Web;

/// <summary>
/// One headless Chromium (Debian's: browser downloads are impossible here) for the whole test run, started on first
/// use and again if it went away. Each test gets a browser context of its own (cookies, storage, viewport): that costs
/// milliseconds, where starting Playwright's driver and a browser for every test cost seconds.
/// </summary>
internal static class SharedChromium
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    /// <summary>A fresh context (dispose it at the end of the test); its pages wait up to 90 s.</summary>
    public static async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        await Gate.WaitAsync();
        try
        {
            if (_browser is not { IsConnected: true })
            {
                Assert.True(File.Exists(ChromiumPath), $"Chromium is expected at {ChromiumPath} (Debian package 'chromium').");
                _playwright ??= await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
            }

            var context = await _browser.NewContextAsync(options);
            context.SetDefaultTimeout(90_000);
            return context;
        }
        finally
        {
            Gate.Release();
        }
    }
}
