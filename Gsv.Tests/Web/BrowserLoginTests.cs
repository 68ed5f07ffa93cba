using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gsv.Tests.Web;

/// <summary>The same sign-in in a real browser (Debian's Chromium, headless): click "Log in", fill Keycloak's form, see the name.</summary>
[Collection(PlatformCollection.Name)]
public sealed class BrowserLoginTests(PlatformFixture platform)
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    [Fact]
    public async Task The_buyer_logs_in_through_the_keycloak_form_and_logs_out_again()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is expected at {ChromiumPath} (Debian package 'chromium').");
        var web = platform.App.GetEndpoint("web", "http");
        var keycloak = platform.App.GetEndpoint("keycloak", "http");
        var password = await platform.Identity.GetParameterAsync("demo-buyer-password");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000);

        await page.GotoAsync(new Uri(web, "/marketplace").ToString());
        await page.ClickAsync("#login");
        await page.WaitForURLAsync(url => url.StartsWith(new Uri(keycloak, "/realms/gsv/protocol/openid-connect/auth").ToString(), StringComparison.Ordinal));
        await page.FillAsync("#username", "buyer@gsv.local");
        await page.FillAsync("#password", password);
        await page.ClickAsync("#kc-login");

        // Back on the page the login started from, signed in.
        await page.WaitForURLAsync(new Uri(web, "/marketplace").ToString());
        Assert.Equal("Demo Buyer", await page.TextContentAsync(".user-name"));

        await page.ClickAsync("#logout");
        await page.WaitForURLAsync(new Uri(web, "/").ToString());
        await page.WaitForSelectorAsync("#login");
        Assert.Equal(0, await page.Locator(".user-name").CountAsync());
    }
}
