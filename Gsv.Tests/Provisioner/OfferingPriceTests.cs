using Gsv.Provisioner.Catalog;
using Gsv.Provisioner.Offerings;
using Gsv.Saleor;

namespace Gsv.Tests.Provisioner;

/// <summary>Issue 15 item 4: the offering sync reads <c>gsv-credits-per-run</c> strictly; without a valid price a product is not synced.</summary>
public sealed class OfferingPriceTests
{
    [Theory]
    [InlineData("2", 2L)]
    [InlineData("1", 1L)]
    [InlineData("3.0", 3L)]
    [InlineData("1000000", 1_000_000L)]
    public void A_positive_whole_price_is_read(string value, long expected)
    {
        Assert.True(OfferingSyncService.TryReadPrice(Product(value), "agent", out var price, out _));
        Assert.Equal(expected, price);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("2.5")]
    [InlineData("abc")]
    [InlineData("1e3")]
    [InlineData("1000001")]
    [InlineData("99999999999999999999999999")]
    public void A_missing_or_invalid_price_makes_the_product_unsellable_with_a_reason(string? value)
    {
        Assert.False(OfferingSyncService.TryReadPrice(Product(value), "agent", out var price, out var reason));
        Assert.Equal(0, price);
        Assert.Contains(GsvAttributes.CreditsPerRun, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credit_pack_has_no_price_per_run()
    {
        Assert.True(OfferingSyncService.TryReadPrice(Product(null), "credit-pack", out var price, out _));
        Assert.Equal(0, price);
    }

    private static CatalogProduct Product(string? creditsPerRun) => new(
        "UHJvZHVjdDox", "priced", "Priced", null, null, new SlugRef(null, "gsv-offering"), true, null,
        creditsPerRun is null
            ? []
            : [new SelectedAttribute(new AttributeRef("QXR0cjoz", GsvAttributes.CreditsPerRun, "Credits per run", "NUMERIC"), [new AttributeValue("VmFsOjM=", creditsPerRun, "3_1", null, null)])],
        null);
}
