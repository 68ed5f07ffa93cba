using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gsv.Tests.Web;

/// <summary>
/// UAT buyer 2 and "Try free" in a real browser (Debian's Chromium, headless) against the whole local platform: sign in
/// on Keycloak's page, cart, checkout with the test payment, the order page following provisioning live, the credits
/// badge, and trials. Every page is checked with axe (no serious or critical violation) and screenshotted.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BuyerJourneyBrowserTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const int Purchases = 5;

    // Offerings of the seed catalog with a flow, bought one per order.
    private static readonly string[] Offerings = ["research-agent", "support-agent", "lead-qualifier", "content-studio", "inbox-triage"];

    [Fact]
    public async Task A_signed_in_buyer_buys_offerings_in_test_mode_and_sees_each_instance_turn_active()
    {
        await using var session = await BuyerBrowser.StartAsync(platform, output);
        var (page, user) = (session.Page, session.User);
        await session.SignInFromAsync("/marketplace/research-agent");

        // Cart: add two offerings, change a quantity, remove one.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await page.WaitForURLAsync(session.Url("/cart"));
        await page.GotoAsync(session.Url("/marketplace/support-agent"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart (2)" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Spinbutton, new() { Name = "Quantity of Research Agent" }).FillAsync("3");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Research Agent" }).GetByRole(AriaRole.Button, new() { Name = "Update" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart (4)" })).ToBeVisibleAsync();
        await session.CheckPageAsync("buyer-cart");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove Support Agent" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart (3)" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Spinbutton, new() { Name = "Quantity of Research Agent" }).FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart (1)" })).ToBeVisibleAsync();

        // Checkout: Saleor's own address error lands at its field; a refused test payment keeps the checkout intact.
        await page.GetByRole(AriaRole.Link, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(session.Url("/checkout"));
        await Expect(page.GetByText("Test mode:")).ToBeVisibleAsync();
        await Expect(page.Locator("form.checkout-form")).ToHaveAttributeAsync("data-busy", "Paying…");
        await Expect(page.GetByText(user.Email)).ToBeVisibleAsync();
        await session.FillAddressAsync("US");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
        await Expect(page.Locator("#region-error")).ToHaveTextAsync("This field is required.");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "State or region (if your country uses one)" })).ToHaveAttributeAsync("aria-invalid", "true");
        await session.CheckPageAsync("buyer-checkout-address-error");

        await session.FillAddressAsync("DE");
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Test payment outcome" }).SelectOptionAsync("refused");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The test payment was refused");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart (1)" })).ToBeVisibleAsync();
        await session.CheckPageAsync("buyer-checkout-payment-refused");

        var timings = new List<TimeSpan>();
        for (var purchase = 0; purchase < Purchases; purchase++)
        {
            if (purchase > 0)
            {
                await page.GotoAsync(session.Url($"/marketplace/{Offerings[purchase]}"));
                await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
                await page.GetByRole(AriaRole.Link, new() { Name = "Checkout", Exact = true }).ClickAsync();
                await page.WaitForURLAsync(session.Url("/checkout"));
            }

            await session.FillAddressAsync("DE");
            await page.GetByRole(AriaRole.Combobox, new() { Name = "Test payment outcome" }).SelectOptionAsync("fully-charged");
            var clock = Stopwatch.StartNew();
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
            var console = page.GetByRole(AriaRole.Link, new() { Name = "Open console" });
            await Expect(console).ToBeVisibleAsync(new() { Timeout = 180_000 });
            clock.Stop();
            timings.Add(clock.Elapsed);
            output.WriteLine($"Purchase {purchase + 1} ({Offerings[purchase]}): Pay → Active in {clock.Elapsed.TotalSeconds:0.00} s");

            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Thank you — order");
            await Expect(page.GetByText("Status: Active")).ToBeVisibleAsync();
            Assert.Matches(@"^/?account/instances/[0-9a-f-]{36}$", await console.GetAttributeAsync("href"));
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart (0)" })).ToBeVisibleAsync();
            if (purchase == 0)
            {
                await session.CheckPageAsync("buyer-order-active");
            }
        }

        var sorted = timings.Order().ToList();
        output.WriteLine($"Pay → Active, median of {Purchases}: {sorted[Purchases / 2].TotalSeconds:0.00} s "
            + $"(all: {string.Join(", ", timings.Select(t => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)))} s)");

        // The Control Plane lists the bought instances, active, for that user.
        using var http = platform.CreateHttpClient("controlplane");
        var instances = await new ControlPlaneUserClient(http).ListInstancesAsync(user.AccessToken);
        foreach (var slug in Offerings)
        {
            var instance = Assert.Single(instances, i => i.OfferingSlug == slug && !i.IsTrial);
            Assert.Equal(InstanceState.Active, instance.State);
            Assert.NotNull(instance.OrderId);
        }
    }

    [Fact]
    public async Task Buying_a_credit_pack_raises_the_credits_badge_by_the_packs_credits()
    {
        await using var session = await BuyerBrowser.StartAsync(platform, output);
        var page = session.Page;
        await session.SignInFromAsync("/marketplace/credits-500");
        var before = await session.CreditsAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await session.FillAddressAsync("GB");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
        await Expect(page.GetByText("Added 500 credits.")).ToBeVisibleAsync(new() { Timeout = 180_000 });
        await Expect(page.GetByText($"Your balance is now {before + 500} credits.")).ToBeVisibleAsync();
        await Expect(session.CreditsBadge).ToHaveTextAsync($"Credits: {before + 500}"); // live, without a reload
        await session.CheckPageAsync("buyer-order-credit-pack");

        await page.GotoAsync(session.Url("/marketplace/credits-500"));
        Assert.Equal(before + 500, await session.CreditsAsync());
    }

    [Fact]
    public async Task Try_free_signs_in_follows_the_trial_to_active_and_refuses_a_second_trial()
    {
        await using var session = await BuyerBrowser.StartAsync(platform, output);
        var page = session.Page;
        await page.GotoAsync(session.Url("/marketplace/meeting-assistant"));
        await session.CheckPageAsync("buyer-product");

        // Busy state (forms.js): a submitted form is aria-busy, its button disabled with the busy text; shown again
        // (back/forward cache), the idle name returns. The submission itself is held back here, so nothing navigates.
        var addToCart = page.Locator("form[data-busy='Adding…']");
        await Expect(page.Locator("form[data-busy='Starting trial…']")).ToHaveCountAsync(1);
        await addToCart.EvaluateAsync("form => { form.addEventListener('submit', e => e.preventDefault(), { once: true }); form.requestSubmit(); }");
        await Expect(addToCart).ToHaveAttributeAsync("aria-busy", "true");
        await Expect(addToCart.GetByRole(AriaRole.Button, new() { Name = "Adding…" })).ToBeDisabledAsync();
        await page.EvaluateAsync("() => window.dispatchEvent(new PageTransitionEvent('pageshow'))");
        await Expect(addToCart.GetByRole(AriaRole.Button, new() { Name = "Add to cart" })).ToBeEnabledAsync();
        await Expect(addToCart).Not.ToHaveAttributeAsync("aria-busy", "true");

        // Anonymous: "Try free" asks to sign in first, then comes back to the product.
        await page.GetByRole(AriaRole.Button, new() { Name = "Try free" }).ClickAsync();
        await session.SubmitKeycloakLoginAsync();
        await page.WaitForURLAsync(session.Url("/marketplace/meeting-assistant"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Try free" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/trials/[0-9a-f-]{36}$"));
        var console = page.GetByRole(AriaRole.Link, new() { Name = "Open console" });
        await Expect(console).ToBeVisibleAsync(new() { Timeout = 180_000 });
        await Expect(page.GetByText("Status: Active")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Your free trial of Meeting Assistant");
        var instanceId = Guid.Parse(page.Url[^36..]);
        Assert.Equal($"account/instances/{instanceId}", await console.GetAttributeAsync("href"));
        await session.CheckPageAsync("buyer-trial-active");

        using var http = platform.CreateHttpClient("controlplane");
        var instance = await new ControlPlaneUserClient(http).GetInstanceAsync(session.User.AccessToken, instanceId);
        Assert.True(instance!.IsTrial);
        Assert.Equal(InstanceState.Active, instance.State);

        await page.GotoAsync(session.Url("/marketplace/meeting-assistant"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Try free" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "You have already used the free trial of this offering in your workspace. Buy it to keep using it.");
        await session.CheckPageAsync("buyer-trial-refused");
    }
}
