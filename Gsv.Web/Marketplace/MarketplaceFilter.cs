using System.Globalization;
using System.Text;
using Gsv.ServiceDefaults.Text;

namespace Gsv.Web.Marketplace;

/// <summary>One facet of the rail: a Saleor attribute (or the price) and the URL parameter that carries its chosen values.</summary>
public sealed record FacetDefinition(string Parameter, string Title, string? AttributeSlug, bool Boolean = false);

/// <summary>A price bucket of the price facet (whole currency units, lower bound inclusive, upper exclusive).</summary>
public sealed record PriceRange(string Key, string Label, decimal? Min, decimal? Max)
{
    public bool Contains(decimal price) => (Min is null || price >= Min) && (Max is null || price < Max);
}

/// <summary>
/// What the visitor asked for, as it lives in the URL: category (the path), chosen facet values, search, sort and the
/// Saleor cursor of the page. Parsing keeps only known facet parameters and values with a slug's characters, so a
/// crafted URL cannot reach Saleor with anything else.
/// </summary>
public sealed record MarketplaceFilter(
    string? Category,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Facets,
    string? Search,
    string Sort,
    string? After)
{
    public const int MaxSearchLength = 100;
    public const int MaxValuesPerFacet = 20;

    public static readonly IReadOnlyList<FacetDefinition> FacetDefinitions =
    [
        new("kind", "Kind", "gsv-kind"),
        new("outcome", "Outcomes", "gsv-outcomes"),
        new("capability", "Capabilities", "gsv-capabilities"),
        new("connector", "Connectors needed", "gsv-connectors"),
        new("knowledge", "Uses knowledge", "gsv-knowledge", Boolean: true),
        new("price", "Price", null),
    ];

    public static readonly IReadOnlyList<PriceRange> PriceRanges =
    [
        new("0-25", "Under $25", null, 25m),
        new("25-50", "$25 to $50", 25m, 50m),
        new("50-100", "$50 to $100", 50m, 100m),
        new("100-", "$100 and more", 100m, null),
    ];

    /// <summary>Sort keys of the URL → label. "size" (credits in the pack) is the credit packs' own order.</summary>
    public static readonly IReadOnlyDictionary<string, string> SortLabels = new Dictionary<string, string>
    {
        ["name"] = "Name, A to Z",
        ["name-desc"] = "Name, Z to A",
        ["price"] = "Price, low to high",
        ["price-desc"] = "Price, high to low",
        ["size"] = "Credits, fewest first",
    };

    public const string CreditPacksCategory = "credit-packs";

    public static readonly IReadOnlyList<string> Categories = ["agents", "apps", "assistants", "automations", CreditPacksCategory];

    public static string DefaultSort(string? category) => category == CreditPacksCategory ? "size" : "name";

    public static MarketplaceFilter Parse(string? category, IEnumerable<KeyValuePair<string, string?[]>> query)
    {
        var facets = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        string? search = null, sort = null, after = null;
        foreach (var (key, values) in query)
        {
            var definition = FacetDefinitions.FirstOrDefault(f => f.Parameter == key);
            if (definition is not null)
            {
                var kept = values.Where(v => IsSlug(v) && IsValueOf(definition, v!)).Distinct(StringComparer.Ordinal)
                    .Take(definition.AttributeSlug is null || definition.Boolean ? 1 : MaxValuesPerFacet).Select(v => v!).ToList();
                if (kept.Count > 0)
                {
                    facets[key] = kept;
                }
            }
            else if (key == "q")
            {
                // One-line text as every GSV service keeps it (no control or bidirectional characters), cut to the limit.
                search = FreeText.Clean(values.LastOrDefault(), MaxSearchLength) is { Length: > 0 } q ? q : null;
            }
            else if (key == "sort")
            {
                sort = values.LastOrDefault() is { } s && SortLabels.ContainsKey(s) ? s : null;
            }
            else if (key == "after")
            {
                after = values.LastOrDefault() is { Length: > 0 and <= 500 } a ? a : null;
            }
        }

        category = category is not null && Categories.Contains(category) ? category : null;
        return new MarketplaceFilter(category, facets, search, sort ?? DefaultSort(category), after);
    }

    public IReadOnlyList<string> Values(string parameter) => Facets.GetValueOrDefault(parameter, []);

    public bool IsChosen(string parameter, string value) => Values(parameter).Contains(value, StringComparer.Ordinal);

    public PriceRange? Price => Values("price") is [var key] ? PriceRanges.FirstOrDefault(r => r.Key == key) : null;

    /// <summary>The same filter with <paramref name="value"/> of <paramref name="parameter"/> added or removed (back to page one).</summary>
    public MarketplaceFilter Toggle(string parameter, string value)
    {
        var definition = FacetDefinitions.First(f => f.Parameter == parameter);
        var single = definition.AttributeSlug is null || definition.Boolean;
        var current = Values(parameter);
        IReadOnlyList<string> next = current.Contains(value, StringComparer.Ordinal)
            ? current.Where(v => v != value).ToList()
            : single ? [value] : [.. current, value];
        var facets = new Dictionary<string, IReadOnlyList<string>>(Facets, StringComparer.Ordinal);
        if (next.Count == 0)
        {
            facets.Remove(parameter);
        }
        else
        {
            facets[parameter] = next;
        }

        return this with { Facets = facets, After = null };
    }

    public MarketplaceFilter WithAfter(string? after) => this with { After = after };

    /// <summary>The page's path and query; facets in their rail order, values in the order chosen; defaults left out.</summary>
    public string ToUrl()
    {
        var url = new StringBuilder(Category is null ? "/marketplace" : $"/marketplace/{Category}");
        var parameters = new List<(string Key, string Value)>();
        if (Search is not null)
        {
            parameters.Add(("q", Search));
        }

        foreach (var definition in FacetDefinitions)
        {
            parameters.AddRange(Values(definition.Parameter).Select(v => (definition.Parameter, v)));
        }

        if (Sort != DefaultSort(Category))
        {
            parameters.Add(("sort", Sort));
        }

        if (After is not null)
        {
            parameters.Add(("after", After));
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            url.Append(i == 0 ? '?' : '&').Append(Uri.EscapeDataString(parameters[i].Key)).Append('=').Append(Uri.EscapeDataString(parameters[i].Value));
        }

        return url.ToString();
    }

    /// <summary>The filter without page or sort: what facet counts depend on (a cache key).</summary>
    public string ResultsKey => (this with { After = null, Sort = "name" }).ToUrl();

    /// <summary>Saleor attribute slug → chosen value slugs, for <c>where.attributes</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AttributeValueSlugs => FacetDefinitions
        .Where(f => f.AttributeSlug is not null && !f.Boolean && Facets.ContainsKey(f.Parameter))
        .ToDictionary(f => f.AttributeSlug!, f => Facets[f.Parameter]);

    /// <summary>Saleor attribute slug → chosen boolean, for <c>where.attributes</c>.</summary>
    public IReadOnlyDictionary<string, bool> AttributeBooleans => FacetDefinitions
        .Where(f => f.Boolean && Facets.ContainsKey(f.Parameter))
        .ToDictionary(f => f.AttributeSlug!, f => Facets[f.Parameter][0] == "yes");

    private static bool IsValueOf(FacetDefinition definition, string value) =>
        definition.Boolean ? value is "yes" or "no"
        : definition.AttributeSlug is null ? PriceRanges.Any(r => r.Key == value)
        : true;

    private static bool IsSlug(string? value) =>
        value is { Length: > 0 and <= 100 } && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');
}
