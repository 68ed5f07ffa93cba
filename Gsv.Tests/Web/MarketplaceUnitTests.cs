using Gsv.Saleor;
using Gsv.Web.Marketplace;

namespace Gsv.Tests.Web;

public sealed class EditorJsRendererTests
{
    [Fact]
    public void Known_blocks_become_their_elements_and_inline_markup_is_kept()
    {
        const string description = """
            {"blocks": [
              {"type": "header", "data": {"text": "Why", "level": 1}},
              {"type": "paragraph", "data": {"text": "Writes <b>sourced</b> briefs &amp; <a href=\"https://example.com/x\">links</a>."}},
              {"type": "list", "data": {"style": "ordered", "items": ["one", {"content": "two", "items": []}]}},
              {"type": "quote", "data": {"text": "Quoted"}}
            ]}
            """;

        var html = EditorJsRenderer.ToSafeHtml(description);

        // Headings start at h2: the page's h1 is the product's name.
        Assert.Equal(
            "<h2>Why</h2><p>Writes <b>sourced</b> briefs &amp; <a href=\"https://example.com/x\" rel=\"nofollow noopener noreferrer\">links</a>.</p>"
            + "<ol><li>one</li><li>two</li></ol><blockquote><p>Quoted</p></blockquote>",
            html);
    }

    [Theory]
    [InlineData("""{"blocks": [{"type": "paragraph", "data": {"text": "Hi<script>alert(1)</script>"}}]}""", "<p>Hi</p>")]
    [InlineData("""{"blocks": [{"type": "paragraph", "data": {"text": "<a href=\"javascript:alert(1)\">click</a>"}}]}""", "<p><a rel=\"nofollow noopener noreferrer\">click</a></p>")]
    [InlineData("""{"blocks": [{"type": "paragraph", "data": {"text": "<a href=\"JaVaScRiPt:alert(1)\">x</a>"}}]}""", "<p><a rel=\"nofollow noopener noreferrer\">x</a></p>")]
    [InlineData("""{"blocks": [{"type": "paragraph", "data": {"text": "<img src=x onerror=alert(1)>ok"}}]}""", "<p>ok</p>")]
    [InlineData("""{"blocks": [{"type": "paragraph", "data": {"text": "<b onclick=\"alert(1)\" style=\"color:red\">bold</b>"}}]}""", "<p><b>bold</b></p>")]
    [InlineData("""{"blocks": [{"type": "header", "data": {"text": "</h2><script>x</script><h2>", "level": 2}}]}""", "<h2></h2><h2></h2>")]
    [InlineData("""{"blocks": [{"type": "raw", "data": {"html": "<script>x</script>"}}]}""", "")]
    public void Scripts_handlers_and_javascript_links_are_removed(string description, string expected) =>
        Assert.Equal(expected, EditorJsRenderer.ToSafeHtml(description));

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("Plain <script>text</script>", "<p>Plain &lt;script&gt;text&lt;/script&gt;</p>")]
    [InlineData("""{"blocks": "nope"}""", "<p>{&quot;blocks&quot;: &quot;nope&quot;}</p>")]
    public void Other_descriptions_are_encoded_text(string? description, string expected) =>
        Assert.Equal(expected, EditorJsRenderer.ToSafeHtml(description));
}

public sealed class MarketplaceFilterTests
{
    private static MarketplaceFilter Parse(string? category, string query) =>
        MarketplaceFilter.Parse(category, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)
            .Select(kv => new KeyValuePair<string, string?[]>(kv.Key, kv.Value.ToArray())));

    [Fact]
    public void The_url_round_trips_in_rail_order_without_defaults()
    {
        var filter = Parse("agents", "?sort=price&capability=citations&outcome=time-saved&outcome=fewer-errors&q=brief&after=abc");

        Assert.Equal("agents", filter.Category);
        Assert.Equal(["time-saved", "fewer-errors"], filter.Values("outcome"));
        Assert.Equal("/marketplace/agents?q=brief&outcome=time-saved&outcome=fewer-errors&capability=citations&sort=price&after=abc", filter.ToUrl());
        Assert.Equal(filter, Parse("agents", new Uri("http://x" + filter.ToUrl()).Query) with { Facets = filter.Facets });
        Assert.Equal("/marketplace", Parse(null, "?sort=name").ToUrl());
    }

    [Fact]
    public void Toggling_a_value_adds_or_removes_it_and_goes_back_to_the_first_page()
    {
        var filter = Parse(null, "?outcome=time-saved&after=abc");

        Assert.Equal("/marketplace?outcome=time-saved&outcome=more-revenue", filter.Toggle("outcome", "more-revenue").ToUrl());
        Assert.Equal("/marketplace", filter.Toggle("outcome", "time-saved").ToUrl());
        // Single-valued facets replace their value.
        Assert.Equal("/marketplace?outcome=time-saved&knowledge=no", filter.Toggle("knowledge", "yes").Toggle("knowledge", "no").ToUrl());
        Assert.Equal("/marketplace?outcome=time-saved&price=25-50", filter.Toggle("price", "0-25").Toggle("price", "25-50").ToUrl());
    }

    [Fact]
    public void Unknown_parameters_values_and_categories_are_dropped()
    {
        var filter = Parse("nope", "?kind=agent%27%20OR%201=1&kind=app&knowledge=maybe&price=1-2&sort=random&q=%00%E2%80%AE+x+&foo=bar");

        Assert.Null(filter.Category);
        Assert.Equal(["app"], filter.Values("kind"));
        Assert.Empty(filter.Values("knowledge"));
        Assert.Empty(filter.Values("price"));
        Assert.Equal("name", filter.Sort);
        Assert.Equal("x", filter.Search);
        Assert.Equal(MarketplaceFilter.MaxSearchLength, Parse(null, "?q=" + new string('a', 500)).Search!.Length);
    }

    [Fact]
    public void Credit_packs_sort_by_size_by_default_and_facets_map_to_saleor_attributes()
    {
        Assert.Equal("size", Parse("credit-packs", "").Sort);
        Assert.Equal("/marketplace/credit-packs", Parse("credit-packs", "?sort=size").ToUrl());

        var filter = Parse(null, "?kind=agent&connector=crm&connector=git&knowledge=yes&price=50-100");
        Assert.Equal(["agent"], filter.AttributeValueSlugs["gsv-kind"]);
        Assert.Equal(["crm", "git"], filter.AttributeValueSlugs["gsv-connectors"]);
        Assert.True(filter.AttributeBooleans["gsv-knowledge"]);
        Assert.Equal(new PriceRange("50-100", "$50 to $100", 50m, 100m), filter.Price);
    }
}

public sealed class MarketplaceFacetsTests
{
    private static CatalogProduct Product(string slug, decimal price, bool knowledge, string kind, params string[] outcomes) => new(
        "id-" + slug, slug, slug, null, null, new SlugRef(null, "gsv-offering"), true,
        new ProductPricing(new TaxedMoneyRange(new TaxedMoney(new Money(price, "USD")), new TaxedMoney(new Money(price, "USD")))),
        [
            new(new AttributeRef("a1", "gsv-kind", "Kind", "DROPDOWN"), [new("v-" + kind, kind, kind, null, null)]),
            new(new AttributeRef("a2", "gsv-knowledge", "Uses knowledge base", "BOOLEAN"), [new("b", null, null, null, knowledge)]),
            new(new AttributeRef("a3", "gsv-outcomes", "Outcomes", "MULTISELECT"), outcomes.Select(o => new AttributeValue("v-" + o, o, o, null, null)).ToList()),
        ],
        null);

    [Fact]
    public void Only_values_occurring_in_the_results_are_listed_with_their_counts()
    {
        CatalogProduct[] results =
        [
            Product("a", 19m, false, "agent", "time-saved", "more-revenue"),
            Product("b", 49m, true, "agent", "time-saved"),
            Product("c", 120m, false, "app"),
        ];
        var facets = MarketplaceFacets.Count(results, MarketplaceFilter.Parse(null, [new("capability", ["citations"])]));

        FacetCount[] Of(string parameter) => facets.Single(f => f.Definition.Parameter == parameter).Values.ToArray();
        Assert.Equal([new("agent", "agent", 2, false), new("app", "app", 1, false)], Of("kind"));
        Assert.Equal([new("time-saved", "time saved", 2, false), new("more-revenue", "more revenue", 1, false)], Of("outcome"));
        Assert.Equal([new("no", "No", 2, false), new("yes", "Yes", 1, false)], Of("knowledge"));
        Assert.Equal([new("0-25", "Under $25", 1, false), new("25-50", "$25 to $50", 1, false), new("100-", "$100 and more", 1, false)], Of("price"));
        // A chosen value stays listed (to take it off) even when no result carries it; a facet without values is left out.
        Assert.Equal([new("citations", "citations", 0, true)], Of("capability"));
        Assert.DoesNotContain(facets, f => f.Definition.Parameter == "connector");
    }
}

public sealed class OfferingPriceTests
{
    [Fact]
    public void Every_price_is_written_one_way_whether_from_a_card_or_a_cart()
    {
        Assert.Equal("USD 49.00", Offering.FormatPrice(49m, "USD"));
        Assert.Equal("USD 1234.50", Offering.FormatPrice(new Money(1234.5m, "USD")));
        Assert.Equal("Price on request", Offering.FormatPrice(null, "USD"));
    }
}
