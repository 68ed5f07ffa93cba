namespace Gsv.Saleor;

// Storefront reads (anonymous is fine): the catalog in a channel.

public sealed record AttributeRef(string Id, string Slug, string Name, string InputType);

public sealed record AttributeValue(string Id, string? Name, string? Slug, string? PlainText, bool? Boolean);

public sealed record SelectedAttribute(AttributeRef Attribute, IReadOnlyList<AttributeValue> Values);

public sealed record VariantPricing(TaxedMoney? Price);

public sealed record CatalogVariant(string Id, string? Sku, string Name, VariantPricing? Pricing);

public sealed record ProductPricing(TaxedMoneyRange? PriceRange);

public sealed record CatalogProduct(
    string Id, string Slug, string Name, string? Description,
    SaleorCategory? Category, SlugRef ProductType, bool? IsAvailableForPurchase, ProductPricing? Pricing,
    IReadOnlyList<SelectedAttribute> Attributes, IReadOnlyList<CatalogVariant>? Variants, IReadOnlyList<MetadataItem>? Metadata = null,
    IReadOnlyList<ProductChannelListing>? ChannelListings = null)
{
    /// <summary>The values of attribute <paramref name="slug"/> (empty when the product has none).</summary>
    public IReadOnlyList<AttributeValue> ValuesOf(string slug) =>
        Attributes.FirstOrDefault(a => a.Attribute.Slug == slug)?.Values ?? [];
}

/// <summary>Filters of the <c>products</c> query (its <c>where</c> and <c>search</c> arguments).</summary>
public sealed record ProductQuery(
    IReadOnlyList<string>? CategoryIds = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? AttributeValueSlugs = null,
    string? Search = null,
    string SortField = "NAME",
    string SortDirection = "ASC",
    IReadOnlyDictionary<string, bool>? AttributeBooleans = null,
    decimal? PriceAtLeast = null,
    decimal? PriceAtMost = null);

public sealed partial class SaleorClient
{
    public async Task<Connection<CatalogProduct>> ProductsPageAsync(
        string channel, ProductQuery query, int first = SaleorPagination.MaxPageSize, string? after = null, CancellationToken cancellationToken = default)
    {
        var where = new Dictionary<string, object>();
        if (query.CategoryIds is { Count: > 0 } categories)
        {
            where["category"] = new { oneOf = categories };
        }

        var attributeFilters = new List<object>();
        if (query.AttributeValueSlugs is { Count: > 0 } attributes)
        {
            attributeFilters.AddRange(attributes.Select(a => new { slug = a.Key, value = (object)new { slug = new { oneOf = a.Value } } }));
        }

        if (query.AttributeBooleans is { Count: > 0 } booleans)
        {
            attributeFilters.AddRange(booleans.Select(a => new { slug = a.Key, value = (object)new { boolean = a.Value } }));
        }

        if (attributeFilters.Count > 0)
        {
            where["attributes"] = attributeFilters;
        }

        if (query.PriceAtLeast is not null || query.PriceAtMost is not null)
        {
            where["price"] = new { range = new { gte = query.PriceAtLeast, lte = query.PriceAtMost } };
        }

        var variables = new
        {
            channel,
            first,
            after,
            where = where.Count > 0 ? where : null,
            search = query.Search,
            sortBy = new { field = query.SortField, direction = query.SortDirection },
        };
        return (await ExecuteAsync<ProductsData>("Products", variables, cancellationToken)).Products;
    }

    /// <summary>Every product matching <paramref name="query"/>, following the cursor page by page.</summary>
    public IAsyncEnumerable<CatalogProduct> ProductsAsync(string channel, ProductQuery? query = null, int pageSize = SaleorPagination.MaxPageSize, CancellationToken cancellationToken = default) =>
        SaleorPagination.ReadAllAsync((after, ct) => ProductsPageAsync(channel, query ?? new(), pageSize, after, ct), cancellationToken);

    /// <summary>One product as the channel shows it; null when it is not visible there.</summary>
    public async Task<CatalogProduct?> ProductAsync(string slug, string channel, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<ProductData>("Product", new { slug, channel }, cancellationToken)).Product;

    public IAsyncEnumerable<SaleorCategory> CategoriesAsync(CancellationToken cancellationToken = default) =>
        SaleorPagination.ReadAllAsync(async (after, ct) =>
            (await ExecuteAsync<CategoriesData>("Categories", new { first = SaleorPagination.MaxPageSize, after }, ct)).Categories, cancellationToken);

    /// <summary>
    /// Every product of the catalog, published or not, with its channel listings, sorted by name: what a seller manages
    /// (staff with MANAGE_PRODUCTS; <paramref name="channel"/> prices the variants).
    /// </summary>
    public IAsyncEnumerable<CatalogProduct> SellerProductsAsync(string channel, CancellationToken cancellationToken = default) =>
        SaleorPagination.ReadAllAsync(async (after, ct) =>
            (await ExecuteAsync<ProductsData>("SellerProducts", new { channel, first = SaleorPagination.MaxPageSize, after }, ct)).Products, cancellationToken);

    private sealed record ProductsData(Connection<CatalogProduct> Products);
    private sealed record ProductData(CatalogProduct? Product);
    private sealed record CategoriesData(Connection<SaleorCategory> Categories);
}
