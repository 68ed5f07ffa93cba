using Gsv.Saleor;

namespace Gsv.Web.Marketplace;

/// <summary>One product of the catalog as the marketplace shows it.</summary>
public sealed record Offering(
    string Slug, string Name, string Category, string? Kind, decimal? Price, string? Currency, string Summary,
    int? CreditsPerRun = null, int? IncludedCredits = null)
{
    public string PriceText => FormatPrice(Price, Currency);

    /// <summary>Every price the storefront shows (cards, product page, cart, checkout, order): "USD 49.00".</summary>
    public static string FormatPrice(decimal? price, string? currency) => price is { } amount
        ? $"{currency} {amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}"
        : "Price on request";

    public static string FormatPrice(Money money) => FormatPrice(money.Amount, money.Currency);
}
