using System.Net;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Web;

/// <summary>The marketplace page lists the catalog of Saleor channel <c>gsv</c> to anonymous visitors.</summary>
[Collection(PlatformCollection.Name)]
public sealed class MarketplacePageTests(PlatformFixture platform)
{
    // From Gsv.Provisioner/Catalog/seed-catalog.json, which the Provisioner loads into Saleor at startup.
    private static readonly Dictionary<string, string[]> SeedOfferings = new()
    {
        ["agents"] = ["Lead Qualifier", "Research Agent", "Support Agent"],
        ["apps"] = ["Content Studio", "Data Insights"],
        ["assistants"] = ["Code Review Assistant", "Meeting Assistant"],
        ["automations"] = ["Inbox Triage", "Invoice Processor"],
        ["credit-packs"] = ["100 Credits", "500 Credits", "2000 Credits"],
    };

    [Fact]
    public async Task Anonymous_visitors_see_every_seed_offering_on_its_category_page_with_price_and_summary()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        using var web = platform.CreateHttpClient("web");

        foreach (var (category, names) in SeedOfferings)
        {
            using var response = await web.GetAsync(new Uri($"/marketplace/{category}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            var listed = System.Text.RegularExpressions.Regex.Matches(html, "<h3><a href=\"/marketplace/[a-z0-9-]+\">([^<]+)</a></h3>").Select(m => m.Groups[1].Value);
            Assert.Equal(names, listed);
            Assert.Contains("Log in", html);
        }

        using var agents = await web.GetAsync(new Uri("/marketplace/agents", UriKind.Relative));
        var research = OfferingCard(await agents.Content.ReadAsStringAsync(), "research-agent");
        Assert.Contains("<a href=\"/marketplace/research-agent\">Research Agent</a>", research);
        Assert.Contains("USD 49.00", research);
        Assert.Contains("2 credits per run", research);
        Assert.Contains("Researches any topic on the web and writes a sourced brief.", research);
        Assert.Contains("<span class=\"kind\">agent</span>", research);
        Assert.DoesNotContain("class=\"category\"", research); // one label per card: the kind, not also the category
    }

    [Fact]
    public async Task A_product_page_shows_the_offering_and_an_unknown_slug_is_a_404_page()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        using var web = platform.CreateHttpClient("web");

        using var product = await web.GetAsync(new Uri("/marketplace/support-agent", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, product.StatusCode);
        var html = await product.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Support Agent</h1>", html);
        Assert.Contains("<p>Answers customer questions from your knowledge base and escalates what it cannot solve.</p>", html);
        Assert.Contains("<a href=\"/marketplace?knowledge=yes\">Yes</a>", html);
        Assert.Contains("<a href=\"/marketplace?outcome=happier-customers\">happier customers</a>", html);
        Assert.Contains("<div class=\"actions\">", html);

        using var missing = await web.GetAsync(new Uri("/marketplace/no-such-offering", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("<h1>Page not found</h1>", await missing.Content.ReadAsStringAsync());
    }

    private static string OfferingCard(string html, string slug)
    {
        var start = html.IndexOf($"data-slug=\"{slug}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No offering '{slug}' on the page:\n{html}");
        var end = html.IndexOf("</li>", start, StringComparison.Ordinal);
        return html[start..end];
    }
}
