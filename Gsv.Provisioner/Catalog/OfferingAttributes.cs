using System.Globalization;
using Gsv.Saleor;

namespace Gsv.Provisioner.Catalog;

/// <summary>
/// The nine GSV attributes of an offering (<see cref="GsvAttributes"/>) as values: written to Saleor by the seed and the
/// seller console, read back from a product by the offering sync and the console.
/// </summary>
public sealed record OfferingAttributes(
    string Kind, string? Flow, long? CreditsPerRun, long IncludedCredits, long? TrialCredits,
    IReadOnlyList<string> Connectors, bool Knowledge, IReadOnlyList<string> Outcomes, IReadOnlyList<string> Capabilities)
{
    /// <summary>
    /// Saleor's attribute inputs for these values. With <paramref name="complete"/> every attribute is sent, empty ones
    /// too, so an update clears what is no longer set; else (a new product) only the attributes that have a value.
    /// </summary>
    public List<AttributeValueInput> ToSaleor(IReadOnlyDictionary<string, SaleorAttribute> attributes, bool complete = false)
    {
        string Id(string slug) => attributes[slug].Id;
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
        var values = new List<AttributeValueInput>
        {
            new(Id(GsvAttributes.Kind), Dropdown: new(Kind)),
            new(Id(GsvAttributes.IncludedCredits), Numeric: Number(IncludedCredits)),
            new(Id(GsvAttributes.Knowledge), Boolean: Knowledge),
        };

        void Optional(string slug, AttributeValueInput value, bool present)
        {
            if (present || complete)
            {
                values.Add(present ? value : new AttributeValueInput(Id(slug)));
            }
        }

        Optional(GsvAttributes.Flow, new(Id(GsvAttributes.Flow), PlainText: Flow), !string.IsNullOrEmpty(Flow));
        Optional(GsvAttributes.CreditsPerRun, new(Id(GsvAttributes.CreditsPerRun), Numeric: Number(CreditsPerRun ?? 0)), CreditsPerRun is not null);
        Optional(GsvAttributes.TrialCredits, new(Id(GsvAttributes.TrialCredits), Numeric: Number(TrialCredits ?? 0)), TrialCredits is not null);
        foreach (var (slug, chosen) in new[] { (GsvAttributes.Connectors, Connectors), (GsvAttributes.Outcomes, Outcomes), (GsvAttributes.Capabilities, Capabilities) })
        {
            if (chosen.Count > 0 || complete)
            {
                values.Add(new(Id(slug), Multiselect: chosen.Select(v => new AttributeValueSelectableInput(v)).ToList()));
            }
        }

        return values;
    }

    /// <summary>The values a product holds; null when it is no GSV product (it has no <c>gsv-kind</c>).</summary>
    public static OfferingAttributes? From(CatalogProduct product)
    {
        if (First(product, GsvAttributes.Kind) is not { } kind)
        {
            return null;
        }

        return new OfferingAttributes(
            kind, First(product, GsvAttributes.Flow), Number(product, GsvAttributes.CreditsPerRun), Number(product, GsvAttributes.IncludedCredits) ?? 0,
            Number(product, GsvAttributes.TrialCredits), Choices(product, GsvAttributes.Connectors),
            product.ValuesOf(GsvAttributes.Knowledge) is [{ Boolean: true }, ..],
            Choices(product, GsvAttributes.Outcomes), Choices(product, GsvAttributes.Capabilities));
    }

    private static string? First(CatalogProduct product, string attribute) =>
        product.ValuesOf(attribute).Select(v => v.PlainText ?? v.Slug ?? v.Name).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    private static long? Number(CatalogProduct product, string attribute) =>
        product.ValuesOf(attribute) is [{ Name: { } text }, ..]
        && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? (long)value : null;

    private static List<string> Choices(CatalogProduct product, string attribute) =>
        [.. product.ValuesOf(attribute).Select(v => v.Slug ?? v.Name).OfType<string>()];
}
