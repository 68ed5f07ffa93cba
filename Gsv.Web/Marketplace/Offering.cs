namespace Gsv.Web.Marketplace;

/// <summary>One product of the catalog as the marketplace shows it.</summary>
public sealed record Offering(string Slug, string Name, string Category, string? Kind, decimal? Price, string? Currency, string Summary)
{
    public string PriceText => Price is { } amount
        ? $"{Currency} {amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}"
        : "Price on request";
}
