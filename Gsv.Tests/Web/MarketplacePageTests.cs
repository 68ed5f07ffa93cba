using System.Net;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Web;

/// <summary>The marketplace page lists the catalog of Saleor channel <c>gsv</c> to anonymous visitors.</summary>
[Collection(PlatformCollection.Name)]
public sealed class MarketplacePageTests(PlatformFixture platform)
{
    // From Gsv.Provisioner/Catalog/seed-catalog.json, which the Provisioner loads into Saleor at startup.
    private static readonly string[] SeedOfferings =
    [
        "Research Agent", "Support Agent", "Lead Qualifier", "Content Studio", "Data Insights", "Meeting Assistant",
        "Code Review Assistant", "Inbox Triage", "Invoice Processor", "100 Credits", "500 Credits", "2000 Credits",
    ];

    [Fact]
    public async Task Anonymous_visitors_see_every_seed_offering_with_category_price_and_summary()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        using var web = platform.CreateHttpClient("web");

        using var response = await web.GetAsync(new Uri("/marketplace", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();

        foreach (var name in SeedOfferings)
        {
            Assert.Contains($"<h3>{name}</h3>", html);
        }

        var research = OfferingCard(html, "research-agent");
        Assert.Contains("Research Agent", research);
        Assert.Contains("USD 49.00", research);
        Assert.Contains("Researches any topic on the web and writes a sourced brief.", research);
        Assert.Contains("<span class=\"kind\">agent</span>", research);
        foreach (var category in new[] { "Agents", "Apps", "Assistants", "Automations", "Credit packs" })
        {
            Assert.Contains($"<h2>{category}</h2>", html);
        }

        // The research agent is listed under its category.
        var agents = html.IndexOf("<h2>Agents</h2>", StringComparison.Ordinal);
        var apps = html.IndexOf("<h2>Apps</h2>", StringComparison.Ordinal);
        var card = html.IndexOf("data-slug=\"research-agent\"", StringComparison.Ordinal);
        Assert.InRange(card, agents, apps);
        Assert.Contains("Log in", html);
    }

    private static string OfferingCard(string html, string slug)
    {
        var start = html.IndexOf($"data-slug=\"{slug}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No offering '{slug}' on the page:\n{html}");
        var end = html.IndexOf("</li>", start, StringComparison.Ordinal);
        return html[start..end];
    }
}
