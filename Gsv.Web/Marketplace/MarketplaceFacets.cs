using Gsv.Saleor;

namespace Gsv.Web.Marketplace;

public sealed record FacetCount(string Value, string Label, int Count, bool Chosen);

public sealed record Facet(FacetDefinition Definition, IReadOnlyList<FacetCount> Values);

/// <summary>
/// The facet rail of a result set: for each facet, the values that occur in the results with how many results carry
/// each. A chosen value is always listed, so it can be taken off again.
/// </summary>
public static class MarketplaceFacets
{
    public static IReadOnlyList<Facet> Count(IReadOnlyList<CatalogProduct> results, MarketplaceFilter filter)
    {
        var facets = new List<Facet>();
        foreach (var definition in MarketplaceFilter.FacetDefinitions)
        {
            var counts = new Dictionary<string, (string Label, int Count)>(StringComparer.Ordinal);
            foreach (var product in results)
            {
                foreach (var (value, label) in ValuesOf(product, definition).DistinctBy(v => v.Value))
                {
                    counts[value] = (label, counts.GetValueOrDefault(value).Count + 1);
                }
            }

            foreach (var chosen in filter.Values(definition.Parameter).Where(v => !counts.ContainsKey(v)))
            {
                counts[chosen] = (LabelOf(definition, chosen), 0);
            }

            var values = counts.Select(c => new FacetCount(c.Key, c.Value.Label, c.Value.Count, filter.IsChosen(definition.Parameter, c.Key)));
            values = definition.AttributeSlug is null
                ? values.OrderBy(v => MarketplaceFilter.PriceRanges.ToList().FindIndex(r => r.Key == v.Value))
                : values.OrderByDescending(v => v.Count).ThenBy(v => v.Label, StringComparer.Ordinal);
            var list = values.ToList();
            if (list.Count > 0)
            {
                facets.Add(new Facet(definition, list));
            }
        }

        return facets;
    }

    private static IEnumerable<(string Value, string Label)> ValuesOf(CatalogProduct product, FacetDefinition definition)
    {
        if (definition.AttributeSlug is null)
        {
            return product.Pricing?.PriceRange?.Start?.Gross.Amount is { } price
                ? MarketplaceFilter.PriceRanges.Where(r => r.Contains(price)).Select(r => (r.Key, r.Label))
                : [];
        }

        if (definition.Boolean)
        {
            // A product without a value matches neither "yes" nor "no" in Saleor's boolean filter, so it counts for neither.
            return product.ValuesOf(definition.AttributeSlug) is [{ Boolean: { } flag }, ..] ? [flag ? ("yes", "Yes") : ("no", "No")] : [];
        }

        return product.ValuesOf(definition.AttributeSlug).Where(v => v.Slug is not null).Select(v => (v.Slug!, OfferingDetails.Label(v)));
    }

    private static string LabelOf(FacetDefinition definition, string value) =>
        definition.AttributeSlug is null ? MarketplaceFilter.PriceRanges.FirstOrDefault(r => r.Key == value)?.Label ?? value
        : definition.Boolean ? (value == "yes" ? "Yes" : "No")
        : value.Replace('-', ' ');
}
