using System.Globalization;
using Gsv.Saleor;

namespace Gsv.Web.Marketplace;

/// <summary>A value of a facet attribute as a product carries it: its slug (the URL value) and its label.</summary>
public sealed record FacetValue(string Slug, string Label);

/// <summary>Everything the product page shows of one offering, read from its Saleor attributes.</summary>
public sealed record OfferingDetails(
    string Slug, string Name, string Category, string? CategorySlug, string? Kind, decimal? Price, string? Currency, string DescriptionHtml,
    int? CreditsPerRun, int? IncludedCredits, int? TrialCredits, bool UsesKnowledge,
    IReadOnlyList<FacetValue> Connectors, IReadOnlyList<FacetValue> Outcomes, IReadOnlyList<FacetValue> Capabilities,
    string? VariantId)
{
    public string PriceText => Offering.FormatPrice(Price, Currency);

    public static OfferingDetails From(CatalogProduct product)
    {
        var price = product.Pricing?.PriceRange?.Start?.Gross;
        return new OfferingDetails(
            product.Slug, product.Name, product.Category?.Name ?? "Other", product.Category?.Slug,
            product.ValuesOf("gsv-kind") is [var kind, ..] ? kind.Name : null,
            price?.Amount, price?.Currency, EditorJsRenderer.ToSafeHtml(product.Description),
            Number(product, "gsv-credits-per-run"), Number(product, "gsv-included-credits"), Number(product, "gsv-trial-credits"),
            product.ValuesOf("gsv-knowledge") is [{ Boolean: true }, ..],
            Values(product, "gsv-connectors"), Values(product, "gsv-outcomes"), Values(product, "gsv-capabilities"),
            product.Variants is [var variant, ..] ? variant.Id : null);
    }

    /// <summary>A numeric attribute: Saleor keeps the number as the value's name.</summary>
    public static int? Number(CatalogProduct product, string attribute) =>
        product.ValuesOf(attribute) is [var value, ..]
        && decimal.TryParse(value.Name, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? (int)number
            : null;

    public static IReadOnlyList<FacetValue> Values(CatalogProduct product, string attribute) =>
        product.ValuesOf(attribute).Where(v => v.Slug is not null).Select(v => new FacetValue(v.Slug!, Label(v))).ToList();

    /// <summary>Value names are slugs in the GSV catalog ("faster-research"); shown as words.</summary>
    public static string Label(AttributeValue value) => (value.Name ?? value.Slug ?? "").Replace('-', ' ');
}
