using System.Text.RegularExpressions;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gsv.Tests.Web;

/// <summary>
/// UAT buyer 1, anonymous browse, in a real browser (Debian's Chromium, headless) against the whole platform: every
/// control is found by its role and visible name; each page has no serious or critical axe violation and leaves a
/// screenshot in <c>screenshots/</c> under the test output folder.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class MarketplaceBrowseTests(PlatformFixture platform)
{
    // From Gsv.Provisioner/Catalog/seed-catalog.json.
    private static readonly Dictionary<string, string[]> Categories = new()
    {
        ["Agents"] = ["Research Agent", "Support Agent", "Lead Qualifier"],
        ["Apps"] = ["Content Studio", "Data Insights"],
        ["Assistants"] = ["Meeting Assistant", "Code Review Assistant"],
        ["Automations"] = ["Inbox Triage", "Invoice Processor"],
    };

    [Fact]
    public async Task UAT_buyer_1_anonymous_browse()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var web = platform.App.GetEndpoint("web", "http");

        await using var context = await SharedChromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var page = await context.NewPageAsync();
        var results = page.GetByRole(AriaRole.Region, new() { Name = "Results" });

        // /marketplace: every offering over two pages of Saleor cursors.
        var response = await page.GotoAsync(new Uri(web, "/marketplace").ToString());
        Assert.Equal(200, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Marketplace", Level = 1 }));
        Assert.Equal(1, await page.Locator("h1").CountAsync());
        await Assertions.Expect(results.GetByRole(AriaRole.Status)).ToHaveTextAsync("12 offerings");
        await CheckPageAsync(page, "marketplace");
        var firstPage = await OfferingNamesAsync(results);
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/marketplace\?after="));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "First page", Exact = true }));
        var secondPage = await OfferingNamesAsync(results);
        var everything = firstPage.Concat(secondPage).ToList();
        Assert.Equal(12, everything.Count);
        Assert.Equal(everything.Order(StringComparer.Ordinal), everything);
        await CheckPageAsync(page, "marketplace-page-2");

        // Each of the four categories shows its offerings, and only those.
        var categoriesNav = page.GetByRole(AriaRole.Navigation, new() { Name = "Categories" });
        foreach (var (category, offerings) in Categories)
        {
            await categoriesNav.GetByRole(AriaRole.Link, new() { Name = category, Exact = true }).ClickAsync();
            await page.WaitForURLAsync(new Uri(web, $"/marketplace/{category.ToLowerInvariant()}").ToString());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = category, Level = 1 }));
            Assert.Equal(offerings.Order(StringComparer.Ordinal), await OfferingNamesAsync(results));
            await CheckPageAsync(page, $"marketplace-{category.ToLowerInvariant()}");
        }

        // Credit packs by size, as numbers (as text "2000 Credits" would come before "500 Credits").
        await categoriesNav.GetByRole(AriaRole.Link, new() { Name = "Credit packs", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Credit packs", Level = 1 }));
        Assert.Equal(["100 Credits", "500 Credits", "2000 Credits"], await OfferingNamesAsync(results));
        await CheckPageAsync(page, "marketplace-credit-packs");

        // A facet narrows the list and the URL; the back button restores both.
        await page.GotoAsync(new Uri(web, "/marketplace").ToString());
        var filters = page.GetByRole(AriaRole.Complementary, new() { Name = "Filters" });
        await filters.GetByRole(AriaRole.Link, new() { Name = "time saved (3)", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Uri(web, "/marketplace?outcome=time-saved").ToString());
        await Assertions.Expect(results.GetByRole(AriaRole.Status)).ToHaveTextAsync("3 offerings");
        Assert.Equal(["Code Review Assistant", "Inbox Triage", "Meeting Assistant"], await OfferingNamesAsync(results));
        // Only values occurring in these results are offered, with their counts.
        await Expect(filters.GetByRole(AriaRole.Link, new() { Name = "assistant (2)", Exact = true }));
        Assert.Equal(0, await filters.GetByRole(AriaRole.Link, new() { Name = "agent", Exact = false }).CountAsync());
        await CheckPageAsync(page, "marketplace-facet");
        await filters.GetByRole(AriaRole.Link, new() { Name = "Yes (1)", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Uri(web, "/marketplace?outcome=time-saved&knowledge=yes").ToString());
        await Assertions.Expect(results.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 offering");
        Assert.Equal(["Code Review Assistant"], await OfferingNamesAsync(results));
        await page.GoBackAsync();
        await page.WaitForURLAsync(new Uri(web, "/marketplace?outcome=time-saved").ToString());
        await Assertions.Expect(results.GetByRole(AriaRole.Status)).ToHaveTextAsync("3 offerings");

        // Search finds an offering by a word of its description (Saleor's search), keeping the facet.
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search offerings" }).FillAsync("transcripts");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Uri(web, "/marketplace?q=transcripts&outcome=time-saved").ToString());
        await Assertions.Expect(results.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 offering");
        Assert.Equal(["Meeting Assistant"], await OfferingNamesAsync(results));
        await CheckPageAsync(page, "marketplace-search");

        // The product page: price, credits per run, included and trial credits, facets linking back.
        await results.GetByRole(AriaRole.Link, new() { Name = "Meeting Assistant", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Uri(web, "/marketplace/meeting-assistant").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Meeting Assistant", Level = 1 }));
        Assert.Equal(1, await page.Locator("h1").CountAsync());
        Assert.Equal("USD 19.00", await FactAsync(page, "Price"));
        Assert.Equal("1", await FactAsync(page, "Credits per run"));
        Assert.Equal("150", await FactAsync(page, "Included credits"));
        Assert.Equal("10", await FactAsync(page, "Trial credits"));
        Assert.Equal("No", await FactAsync(page, "Uses knowledge"));
        Assert.Equal("None", await FactAsync(page, "Connectors needed"));
        await Expect(page.GetByText("Turns meeting transcripts into summaries, decisions and action items."));
        await CheckPageAsync(page, "product-meeting-assistant");
        await page.GetByRole(AriaRole.Region, new() { Name = "Capabilities" }).GetByRole(AriaRole.Link, new() { Name = "action items", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Uri(web, "/marketplace?capability=action-items").ToString());
        await Assertions.Expect(results.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 offering");
        Assert.Equal(["Meeting Assistant"], await OfferingNamesAsync(results));

        // An unknown slug is a real 404 page.
        response = await page.GotoAsync(new Uri(web, "/marketplace/no-such-offering").ToString());
        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found", Level = 1 }));
        await CheckPageAsync(page, "not-found");
    }

    [Fact]
    public async Task Every_control_of_the_marketplace_is_reached_with_the_tab_key_and_shows_its_focus()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var web = platform.App.GetEndpoint("web", "http");
        await using var context = await SharedChromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(web, "/marketplace?outcome=time-saved").ToString());

        var controls = await page.Locator("main a[href], main button, main input:not([type=hidden]), main select").CountAsync();
        Assert.True(controls > 10, $"Only {controls} controls on the page");
        var reached = new HashSet<string>();
        for (var i = 0; i < controls + 20 && reached.Count < controls; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string?>("""
                () => {
                  const e = document.activeElement;
                  if (!e || !e.closest('main')) return null;
                  const style = getComputedStyle(e);
                  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return 'NO-FOCUS-STYLE ' + e.outerHTML;
                  return [...document.querySelectorAll('main a[href], main button, main input:not([type=hidden]), main select')].indexOf(e).toString();
                }
                """);
            if (focused is not null)
            {
                Assert.DoesNotContain("NO-FOCUS-STYLE", focused);
                reached.Add(focused);
            }
        }

        Assert.Equal(controls, reached.Count);
    }

    private static Task Expect(ILocator locator) => Assertions.Expect(locator).ToBeVisibleAsync();

    private static async Task<List<string>> OfferingNamesAsync(ILocator results) =>
        (await results.GetByRole(AriaRole.Heading, new() { Level = 3 }).AllInnerTextsAsync()).Select(t => t.Trim()).ToList();

    private static async Task<string> FactAsync(IPage page, string term) =>
        (await page.Locator($"dl.facts dt:text-is('{term}') + dd").InnerTextAsync()).Trim();

    private static Task CheckPageAsync(IPage page, string name) => PageCheck.CheckAsync(page, name);
}
