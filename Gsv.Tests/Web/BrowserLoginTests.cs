using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gsv.Tests.Web;

/// <summary>The same sign-in in a real browser (Debian's Chromium, headless): click "Log in", fill Keycloak's form, see the name.</summary>
[Collection(PlatformCollection.Name)]
public sealed class BrowserLoginTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_buyer_logs_in_through_the_keycloak_form_and_logs_out_again()
    {
        var web = platform.App.GetEndpoint("web", "http");
        var keycloak = platform.App.GetEndpoint("keycloak", "http");
        var password = await platform.Identity.GetParameterAsync("demo-buyer-password");

        await using var context = await SharedChromium.NewContextAsync();
        var page = await context.NewPageAsync();

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
