using Gsv.Saleor;
using Gsv.Web.Authentication;
using Gsv.Web.Marketplace;

namespace Gsv.Tests.Web;

public sealed class ReturnUrlTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/marketplace", "/marketplace")]
    [InlineData("/marketplace?kind=agent#top", "/marketplace?kind=agent#top")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("marketplace", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("/\r\nLocation: https://evil.example", "/")]
    public void Only_local_paths_are_kept(string? returnUrl, string expected) =>
        Assert.Equal(expected, ReturnUrl.LocalOrRoot(returnUrl));
}

public sealed class ProductDescriptionTests
{
    [Fact]
    public void The_first_editorjs_paragraph_becomes_plain_text()
    {
        const string description = """{"time": 0, "blocks": [{"id": "h", "type": "header", "data": {"text": "", "level": 2}}, {"id": "intro", "type": "paragraph", "data": {"text": "Writes <b>sourced</b> briefs &amp; summaries."}}, {"id": "more", "type": "paragraph", "data": {"text": "Second."}}], "version": "2.24.3"}""";
        Assert.Equal("Writes sourced briefs & summaries.", ProductDescription.Summary(description));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("Plain text description", "Plain text description")]
    [InlineData("""{"blocks": []}""", "")]
    public void Other_descriptions(string? description, string expected) =>
        Assert.Equal(expected, ProductDescription.Summary(description));

    [Fact]
    public void A_product_becomes_an_offering_with_its_category_kind_and_starting_price()
    {
        var product = new CatalogProduct(
            "UHJvZHVjdDox", "research-agent", "Research Agent",
            """{"blocks": [{"type": "paragraph", "data": {"text": "Researches any topic."}}]}""",
            new SaleorCategory("Q2F0ZWdvcnk6MQ==", "agents", "Agents"), new SlugRef(null, "gsv-offering"), true,
            new ProductPricing(new TaxedMoneyRange(new TaxedMoney(new Money(49m, "USD")), new TaxedMoney(new Money(49m, "USD")))),
            [new SelectedAttribute(new AttributeRef("QXR0cjox", "gsv-kind", "Kind", "DROPDOWN"), [new AttributeValue("VmFsOjE=", "agent", "agent", null, null)])],
            null);

        var offering = MarketplaceCatalog.ToOffering(product);

        Assert.Equal(new Offering("research-agent", "Research Agent", "Agents", "agent", 49m, "USD", "Researches any topic."), offering);
        Assert.Equal("USD 49.00", offering.PriceText);
    }
}

public sealed class BillingFormTests
{
    [Theory]
    [InlineData("Ada\u0000Lovelace")]
    [InlineData("Ada\u001b[2JLovelace")]
    [InlineData("Ada \u202Eecalevol")] // a right-to-left override would make the name read backwards
    public void A_name_with_control_or_bidirectional_characters_is_refused_at_its_field(string name)
    {
        var form = new Gsv.Web.Commerce.BillingForm { FullName = name, Street = "1 Main St", City = "Berlin", PostalCode = "10115", Country = "DE" };

        var (field, message) = Assert.Single(form.Validate());

        Assert.Equal("FullName", field);
        Assert.Contains("without control characters", message);
    }

    [Fact]
    public void A_complete_address_is_valid()
    {
        var form = new Gsv.Web.Commerce.BillingForm { FullName = "Ada Lovelace", Street = "1 Main St", City = "Berlin", PostalCode = "10115", Country = "DE" };

        Assert.Empty(form.Validate());
    }
}
