using System.Text.Json.Nodes;
using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gsv.Tests.Web;

/// <summary>
/// The marketing pages in a real browser, their words from the CMS (the repository's <c>content/</c>, served by the
/// <c>cms</c> resource) and their offerings from Saleor: home, pricing, solutions, blog, offerings by outcome, and the
/// 404 of an unknown post. Each page: no serious or critical axe violation, a screenshot <c>marketing-*.png</c>.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class MarketingBrowserTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static JsonObject Content(string file)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gsv.sln")))
        {
            directory = directory.Parent;
        }

        return JsonNode.Parse(File.ReadAllText(Path.Combine(directory!.FullName, "content", file)))!.AsObject();
    }

    [Fact]
    public async Task Marketing_pages_render_from_the_cms_with_the_marketplaces_offerings()
    {
        await using var buyer = await BuyerBrowser.StartAsync(platform, output, "marketing");
        var page = buyer.Page;
        var mainNav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });

        // Home: the hero from content/home.json, featured offerings from Saleor, how it works.
        var home = Content("home.json")["fields"]!;
        var response = await page.GotoAsync(buyer.Url("/"));
        Assert.Equal(200, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = (string)home["hero_title"]!, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText((string)home["hero_text"]!)).ToBeVisibleAsync();
        var featured = page.GetByRole(AriaRole.Region, new() { Name = "Featured offerings" });
        await Expect(featured.GetByRole(AriaRole.Link, new() { Name = "Support Agent", Exact = true })).ToHaveAttributeAsync("href", "/marketplace/support-agent");
        await Expect(featured.GetByRole(AriaRole.Heading, new() { Level = 3 })).ToHaveCountAsync(home["featured_offerings"]!.AsArray().Count);
        var howItWorks = page.GetByRole(AriaRole.Region, new() { Name = "How it works" });
        await Expect(howItWorks.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(4);
        await buyer.CheckPageAsync("marketing-home");

        // Pricing: the credit packs from Saleor, smallest first; credits explained from the CMS.
        await mainNav.GetByRole(AriaRole.Link, new() { Name = "Pricing", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(buyer.Url("/pricing"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pricing", Level = 1 })).ToBeVisibleAsync();
        var packs = page.GetByRole(AriaRole.Region, new() { Name = "Credit packs" });
        await Expect(packs.GetByRole(AriaRole.Link)).ToHaveTextAsync(["100 Credits", "500 Credits", "2000 Credits"]);
        await Expect(packs.GetByRole(AriaRole.Row, new() { Name = "500 Credits" })).ToContainTextAsync("USD 45.00");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How credits work", Level = 2 })).ToBeVisibleAsync();
        await buyer.CheckPageAsync("marketing-pricing");

        // Solutions: the index, then one solution linking to its offerings in the marketplace.
        await mainNav.GetByRole(AriaRole.Link, new() { Name = "Solutions", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(buyer.Url("/solutions"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveCountAsync(3);
        await buyer.CheckPageAsync("marketing-solutions");
        await page.GetByRole(AriaRole.Link, new() { Name = "Customer support", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(buyer.Url("/solutions/customer-support"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customer support", Level = 1 })).ToBeVisibleAsync();
        var offerings = page.GetByRole(AriaRole.Region, new() { Name = "Offerings for customer support" });
        await Expect(offerings.GetByRole(AriaRole.Heading, new() { Level = 3 })).ToHaveTextAsync(["Support Agent", "Inbox Triage"]);
        await buyer.CheckPageAsync("marketing-solution");
        await offerings.GetByRole(AriaRole.Link, new() { Name = "Support Agent", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(buyer.Url("/marketplace/support-agent"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Support Agent", Level = 1 })).ToBeVisibleAsync();

        // Blog: newest first, three a page; the second page has the first post.
        await mainNav.GetByRole(AriaRole.Link, new() { Name = "Blog", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(buyer.Url("/blog"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveCountAsync(3);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 }).First).ToHaveTextAsync("Automations that pay for themselves");
        await buyer.CheckPageAsync("marketing-blog");
        await page.GetByRole(AriaRole.Link, new() { Name = "Older posts", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(buyer.Url("/blog?page=2"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Introducing GSV: a marketplace for AI agents", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(buyer.Url("/blog/introducing-gsv"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Introducing GSV: a marketplace for AI agents", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Run on credits", Level = 2 })).ToBeVisibleAsync();
        await buyer.CheckPageAsync("marketing-blog-post");

        // A slug the CMS does not have: the app's 404 page.
        response = await page.GotoAsync(buyer.Url("/blog/no-such-post"));
        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found", Level = 1 })).ToBeVisibleAsync();
        response = await page.GotoAsync(buyer.Url("/solutions/no-such-solution"));
        Assert.Equal(404, response!.Status);
        await buyer.CheckPageAsync("marketing-not-found");

        // Offerings by outcome: one section per outcome, each offering linking to its product page.
        await page.GotoAsync(buyer.Url("/"));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Footer" }).GetByRole(AriaRole.Link, new() { Name = "Offerings by outcome" }).ClickAsync();
        await page.WaitForURLAsync(buyer.Url("/outcomes"));
        var timeSaved = page.GetByRole(AriaRole.Region, new() { Name = "Time saved", Exact = true });
        await Expect(timeSaved.GetByRole(AriaRole.Heading, new() { Level = 3 })).ToHaveTextAsync(["Code Review Assistant", "Inbox Triage", "Meeting Assistant"]);
        await Expect(timeSaved.GetByRole(AriaRole.Link, new() { Name = "Inbox Triage", Exact = true })).ToHaveAttributeAsync("href", "/marketplace/inbox-triage");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Better decisions", Exact = true }).GetByRole(AriaRole.Heading, new() { Level = 3 }))
            .ToHaveCountAsync(2);
        await buyer.CheckPageAsync("marketing-outcomes");

        await page.GotoAsync(buyer.Url("/capabilities"));
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Summarization", Exact = true }).GetByRole(AriaRole.Heading, new() { Level = 3 }))
            .ToHaveCountAsync(3);
        await buyer.CheckPageAsync("marketing-capabilities");
    }
}
