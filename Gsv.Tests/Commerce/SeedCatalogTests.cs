using Gsv.Saleor;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Commerce;

[Collection(PlatformCollection.Name)]
public sealed class SeedCatalogTests(PlatformFixture fixture)
{
    private static readonly string[] NineAttributes =
        ["gsv-kind", "gsv-flow", "gsv-credits-per-run", "gsv-included-credits", "gsv-trial-credits", "gsv-connectors", "gsv-knowledge", "gsv-outcomes", "gsv-capabilities"];

    // The seed catalog plan: slug → kind, category, flow, credits per run, included, trial.
    private static readonly (string Slug, string Kind, string Category, string? Flow, int? PerRun, int Included, int? Trial)[] Plan =
    [
        ("research-agent", "agent", "agents", "research-agent", 2, 200, 20),
        ("support-agent", "agent", "agents", "support-agent", 1, 300, 20),
        ("lead-qualifier", "agent", "agents", "lead-qualifier", 1, 200, 10),
        ("content-studio", "app", "apps", "content-writer", 3, 300, 15),
        ("data-insights", "app", "apps", "data-analyst", 4, 400, 20),
        ("meeting-assistant", "assistant", "assistants", "meeting-summarizer", 1, 150, 10),
        ("code-review-assistant", "assistant", "assistants", "code-reviewer", 2, 200, 10),
        ("inbox-triage", "automation", "automations", "inbox-triage", 1, 250, 10),
        ("invoice-processor", "automation", "automations", "invoice-extractor", 2, 200, 10),
        ("credits-100", "credit-pack", "credit-packs", null, null, 100, null),
        ("credits-500", "credit-pack", "credit-packs", null, null, 500, null),
        ("credits-2000", "credit-pack", "credit-packs", null, null, 2000, null),
    ];

    [Fact]
    public async Task The_catalog_in_channel_gsv_is_the_seed_catalog_with_all_nine_attributes_and_prices()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var products = await CommercePlatform.AllProductsAsync(CommercePlatform.Anonymous(fixture));

        Assert.Equal(Plan.Select(p => p.Slug).Order(), products.Select(p => p.Slug).Order());
        foreach (var expected in Plan)
        {
            var product = products.Single(p => p.Slug == expected.Slug);
            Assert.Equal(NineAttributes.Order(), product.Attributes.Select(a => a.Attribute.Slug).Order());
            Assert.Equal(expected.Category, product.Category?.Slug);
            Assert.Equal(expected.Kind, Assert.Single(product.ValuesOf("gsv-kind")).Slug);
            Assert.Equal(expected.Included.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(product.ValuesOf("gsv-included-credits")).Name);
            Assert.Equal(expected.Flow, product.ValuesOf("gsv-flow").SingleOrDefault()?.PlainText);
            Assert.Equal(expected.PerRun?.ToString(System.Globalization.CultureInfo.InvariantCulture), product.ValuesOf("gsv-credits-per-run").SingleOrDefault()?.Name);
            Assert.Equal(expected.Trial?.ToString(System.Globalization.CultureInfo.InvariantCulture), product.ValuesOf("gsv-trial-credits").SingleOrDefault()?.Name);
            Assert.NotNull(Assert.Single(product.ValuesOf("gsv-knowledge")).Boolean);
            Assert.False(product.ProductType.Slug.Length == 0);

            var price = product.Pricing?.PriceRange?.Start?.Gross;
            Assert.NotNull(price);
            Assert.Equal("USD", price.Currency);
            Assert.True(price.Amount > 0);
            var variant = Assert.Single(product.Variants!);
            Assert.Equal(price.Amount, variant.Pricing?.Price?.Gross.Amount);
            Assert.True(product.IsAvailableForPurchase);
            Assert.False(string.IsNullOrEmpty(product.Description));
        }

        Assert.Equal(["github"], products.Single(p => p.Slug == "code-review-assistant").ValuesOf("gsv-connectors").Select(v => v.Slug));
        Assert.True(products.Single(p => p.Slug == "support-agent").ValuesOf("gsv-knowledge")[0].Boolean);
    }

    [Fact]
    public async Task Filtering_by_category_returns_only_that_category()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var client = CommercePlatform.Anonymous(fixture);
        var categories = new List<SaleorCategory>();
        await foreach (var category in client.CategoriesAsync())
        {
            categories.Add(category);
        }

        Assert.Equal(["Agents", "Apps", "Assistants", "Automations", "Credit packs"], categories.Select(c => c.Name).Order(StringComparer.Ordinal));
        var agents = categories.Single(c => c.Slug == "agents");
        var products = await CommercePlatform.AllProductsAsync(client, new ProductQuery(CategoryIds: [agents.Id]));
        Assert.Equal(["lead-qualifier", "research-agent", "support-agent"], products.Select(p => p.Slug).Order());

        var packs = await CommercePlatform.AllProductsAsync(client, new ProductQuery(CategoryIds: [categories.Single(c => c.Slug == "credit-packs").Id]));
        Assert.Equal(["credits-100", "credits-2000", "credits-500"], packs.Select(p => p.Slug).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Filtering_by_attribute_value_returns_only_matching_products()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var client = CommercePlatform.Anonymous(fixture);

        var automations = await CommercePlatform.AllProductsAsync(client, new ProductQuery(
            AttributeValueSlugs: new Dictionary<string, IReadOnlyList<string>> { ["gsv-kind"] = ["automation"] }));
        Assert.Equal(["inbox-triage", "invoice-processor"], automations.Select(p => p.Slug).Order());

        var withConnectors = await CommercePlatform.AllProductsAsync(client, new ProductQuery(
            AttributeValueSlugs: new Dictionary<string, IReadOnlyList<string>> { ["gsv-connectors"] = ["github", "http"] }));
        Assert.Equal(["code-review-assistant", "invoice-processor"], withConnectors.Select(p => p.Slug).Order());

        var none = await CommercePlatform.AllProductsAsync(client, new ProductQuery(
            AttributeValueSlugs: new Dictionary<string, IReadOnlyList<string>> { ["gsv-kind"] = ["no-such-kind"] }));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Filtering_by_boolean_attribute_price_range_and_search_words_of_the_description()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var client = CommercePlatform.Anonymous(fixture);

        var knowledge = await CommercePlatform.AllProductsAsync(client, new ProductQuery(
            AttributeBooleans: new Dictionary<string, bool> { ["gsv-knowledge"] = true }));
        Assert.Equal(["code-review-assistant", "content-studio", "support-agent"], knowledge.Select(p => p.Slug).Order());

        // where.price.range: gte and lte both inclusive.
        var midPriced = await CommercePlatform.AllProductsAsync(client, new ProductQuery(PriceAtLeast: 45m, PriceAtMost: 59m));
        Assert.Equal(["credits-500", "invoice-processor", "lead-qualifier", "research-agent"], midPriced.Select(p => p.Slug).Order());

        // Every word must occur in the name, slug, description text or attribute values; the description's Editor.js
        // markup ("blocks", "paragraph") is not searchable text.
        var transcripts = await CommercePlatform.AllProductsAsync(client, new ProductQuery(Search: "meeting TRANSCRIPTS"));
        Assert.Equal(["meeting-assistant"], transcripts.Select(p => p.Slug));
        Assert.Empty(await CommercePlatform.AllProductsAsync(client, new ProductQuery(Search: "paragraph")));
        Assert.Empty(await CommercePlatform.AllProductsAsync(client, new ProductQuery(Search: "transcripts invoices")));
    }

    [Fact]
    public async Task Pagination_returns_every_product_exactly_once()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var client = CommercePlatform.Anonymous(fixture);
        var all = await CommercePlatform.AllProductsAsync(client);

        foreach (var pageSize in new[] { 1, 5, 7 })
        {
            var paged = await CommercePlatform.AllProductsAsync(client, pageSize: pageSize);
            Assert.Equal(all.Count, paged.Count);
            Assert.Equal(all.Select(p => p.Id), paged.Select(p => p.Id));
            Assert.Equal(paged.Count, paged.Select(p => p.Id).Distinct().Count());
        }

        var firstPage = await client.ProductsPageAsync(CommercePlatform.Channel, new ProductQuery(), first: 5);
        Assert.Equal(all.Count, firstPage.TotalCount);
        Assert.True(firstPage.PageInfo!.HasNextPage);

        // Saleor's limit: first must be at most 100.
        var tooMany = await Assert.ThrowsAsync<SaleorGraphQLException>(() => client.ProductsPageAsync(CommercePlatform.Channel, new ProductQuery(), first: 101));
        Assert.Contains("exceeds the `first` limit of 100", tooMany.Message, StringComparison.Ordinal);
    }
}
