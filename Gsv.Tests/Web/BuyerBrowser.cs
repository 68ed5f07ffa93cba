using System.Globalization;
using System.Text.RegularExpressions;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gsv.Tests.Web;

/// <summary>
/// A buyer in a real browser (Debian's Chromium, headless, a context of <see cref="SharedChromium"/>) against the running platform: a fresh Keycloak user of
/// their own, sign-in on Keycloak's page, the checkout's address, the credits badge, and each page checked with axe
/// (no serious or critical violation) and screenshotted under the test output folder.
/// </summary>
internal sealed partial class BuyerBrowser : IAsyncDisposable
{
    private readonly PlatformFixture platform;
    private readonly ITestOutputHelper output;
    private readonly IBrowserContext context;

    private BuyerBrowser(PlatformFixture platform, ITestOutputHelper output, IBrowserContext context, IPage page, TestUser user)
    {
        (this.platform, this.output, this.context) = (platform, output, context);
        (Page, User) = (page, user);
    }

    public IPage Page { get; }

    public TestUser User { get; }

    /// <summary>The name the header shows once signed in.</summary>
    public required string DisplayName { get; init; }

    public static async Task<BuyerBrowser> StartAsync(PlatformFixture platform, ITestOutputHelper output, string userPrefix = "web-buyer")
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        return await StartAsync(platform, output, await platform.Identity.CreateUserAsync(userPrefix), "Test User");
    }

    /// <summary>A browser for the realm's demo administrator (<c>admin@gsv.local</c>, role <c>gsv-admin</c>).</summary>
    public static async Task<BuyerBrowser> StartAsAdministratorAsync(PlatformFixture platform, ITestOutputHelper output)
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        const string email = "admin@gsv.local";
        var password = await platform.Identity.GetParameterAsync("demo-admin-password");
        var admin = new TestUser("", email, password, await platform.Identity.GetUserTokenAsync(email, password));
        return await StartAsync(platform, output, admin, "Demo Operator");
    }

    private static async Task<BuyerBrowser> StartAsync(PlatformFixture platform, ITestOutputHelper output, TestUser user, string displayName)
    {
        var context = await SharedChromium.NewContextAsync();
        var page = await context.NewPageAsync();
        SetDefaultExpectTimeout(90_000);
        return new BuyerBrowser(platform, output, context, page, user) { DisplayName = displayName };
    }

    public string Url(string path) => new Uri(platform.App.GetEndpoint("web", "http"), path).ToString();

    public async Task SignInFromAsync(string path)
    {
        await Page.GotoAsync(Url(path));
        await Page.GetByRole(AriaRole.Link, new() { Name = "Log in" }).ClickAsync();
        await SubmitKeycloakLoginAsync();
        await Page.WaitForURLAsync(Url(path));
        await Expect(Page.GetByText(DisplayName)).ToBeVisibleAsync();
    }

    /// <summary>Opens a page for signed-in users only: it sends the anonymous browser to Keycloak's login, then back to it.</summary>
    public async Task SignInAtAsync(string path)
    {
        await Page.GotoAsync(Url(path));
        await SubmitKeycloakLoginAsync();
        await Page.WaitForURLAsync(Url(path));
        await Expect(Page.GetByText(DisplayName)).ToBeVisibleAsync();
    }

    /// <summary>Keycloak's own login page (not ours): its form's ids.</summary>
    public async Task SubmitKeycloakLoginAsync()
    {
        var keycloak = platform.App.GetEndpoint("keycloak", "http");
        await Page.WaitForURLAsync(url => url.StartsWith(new Uri(keycloak, "/realms/gsv/protocol/openid-connect/auth").ToString(), StringComparison.Ordinal));
        await Page.FillAsync("#username", User.Email);
        await Page.FillAsync("#password", User.Password);
        await Page.ClickAsync("#kc-login");
    }

    public async Task FillAddressAsync(string country)
    {
        await Page.GetByRole(AriaRole.Textbox, new() { Name = "Full name" }).FillAsync("Ada Lovelace");
        await Page.GetByRole(AriaRole.Textbox, new() { Name = "Street" }).FillAsync("12 Analytical Row");
        await Page.GetByRole(AriaRole.Textbox, new() { Name = "City" }).FillAsync("Berlin");
        await Page.GetByRole(AriaRole.Textbox, new() { Name = "Postal code" }).FillAsync("10115");
        await Page.GetByRole(AriaRole.Combobox, new() { Name = "Country" }).SelectOptionAsync(country);
    }

    /// <summary>The header's credits badge ("Credits: N", "(low)" after it when the wallet is low).</summary>
    public ILocator CreditsBadge => Page.GetByRole(AriaRole.Status, new() { NameRegex = CreditsName() });

    public async Task<long> CreditsAsync()
    {
        await Expect(CreditsBadge).ToBeVisibleAsync();
        var match = CreditsName().Match((await CreditsBadge.TextContentAsync())!);
        return long.Parse(match.Groups["balance"].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>A screenshot <c>{name}.png</c> under the test output folder, and no serious or critical axe violation on the page.</summary>
    public async Task CheckPageAsync(string name) => output.WriteLine($"Screenshot: {await PageCheck.CheckAsync(Page, name)}");

    public ValueTask DisposeAsync() => context.DisposeAsync();

    [GeneratedRegex(@"^Credits: (?<balance>\d+)( \(low\))?$")]
    private static partial Regex CreditsName();
}
