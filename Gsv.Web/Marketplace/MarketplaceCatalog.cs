using Gsv.Saleor;
using Microsoft.Extensions.Caching.Memory;

namespace Gsv.Web.Marketplace;

/// <summary>One page of marketplace results, the total, the Saleor cursor of the next page and the facet rail.</summary>
public sealed record MarketplaceResults(IReadOnlyList<Offering> Offerings, int TotalCount, string? NextCursor, IReadOnlyList<Facet> Facets);

/// <summary>
/// The offerings of Saleor channel <c>gsv</c>, read anonymously through the storefront API. Product lists are kept
/// for at most <see cref="ListCacheDuration"/> and dropped as soon as Saleor reports a product change
/// (<see cref="ProductListGeneration"/>); product pages are read live.
/// </summary>
public sealed partial class MarketplaceCatalog(SaleorClient saleor, IMemoryCache cache, ProductListGeneration generation, ILogger<MarketplaceCatalog> logger)
{
    public const string Channel = "gsv";
    public const int PageSize = 9;
    public static readonly TimeSpan ListCacheDuration = TimeSpan.FromSeconds(60);

    /// <summary>Every offering visible in the channel, or null when Saleor cannot be read right now.</summary>
    public async Task<IReadOnlyList<Offering>?> OfferingsAsync(CancellationToken cancellationToken = default) =>
        await Unavailable(async () => (await AllAsync(new ProductQuery(), "all", cancellationToken)).Select(ToOffering).ToList(), cancellationToken);

    /// <summary>
    /// The offerings grouped by the values of a facet attribute (<c>gsv-outcomes</c>, <c>gsv-capabilities</c>), one
    /// group per value by label, offerings by name; null when Saleor cannot be read right now.
    /// </summary>
    public Task<IReadOnlyList<OfferingGroup>?> GroupedByAsync(string attribute, CancellationToken cancellationToken = default) =>
        Unavailable<IReadOnlyList<OfferingGroup>>(async () => (await AllAsync(new ProductQuery(), "all", cancellationToken))
            .SelectMany(product => OfferingDetails.Values(product, attribute).Select(value => (Value: value, Product: product)))
            .GroupBy(x => x.Value.Slug, StringComparer.Ordinal)
            .Select(g => new OfferingGroup(g.Key, g.First().Value.Label, g.Select(x => ToOffering(x.Product)).OrderBy(o => o.Name, StringComparer.Ordinal).ToList()))
            .OrderBy(g => g.Label, StringComparer.Ordinal)
            .ToList(), cancellationToken);

    /// <summary>The page <paramref name="filter"/> asks for, or null when Saleor cannot be read right now.</summary>
    public Task<MarketplaceResults?> SearchAsync(MarketplaceFilter filter, CancellationToken cancellationToken = default) =>
        Unavailable(async () =>
        {
            var query = await QueryAsync(filter, cancellationToken);
            if (query is null)
            {
                return new MarketplaceResults([], 0, null, MarketplaceFacets.Count([], filter));
            }

            var all = await AllAsync(query, filter.ResultsKey, cancellationToken);
            var facets = MarketplaceFacets.Count(all, filter);
            if (filter.Sort == "size")
            {
                // Credit packs by the credits they add, as numbers: Saleor sorts attribute values as text.
                var bySize = all.OrderBy(p => OfferingDetails.Number(p, "gsv-included-credits") ?? int.MaxValue).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
                var start = filter.After is { } after ? bySize.FindIndex(p => p.Slug == after) + 1 : 0;
                var page = bySize.Skip(start).Take(PageSize).ToList();
                var next = start + page.Count < bySize.Count ? page[^1].Slug : null;
                return new MarketplaceResults(page.Select(ToOffering).ToList(), bySize.Count, next, facets);
            }

            var (field, direction) = filter.Sort switch
            {
                "name-desc" => ("NAME", "DESC"),
                "price" => ("PRICE", "ASC"),
                "price-desc" => ("PRICE", "DESC"),
                _ => ("NAME", "ASC"),
            };
            var connection = await cache.GetOrCreateAsync(("page", filter.ToUrl()), entry =>
            {
                ExpireWithGeneration(entry);
                return saleor.ProductsPageAsync(Channel, query with { SortField = field, SortDirection = direction }, PageSize, filter.After, cancellationToken);
            });
            return new MarketplaceResults(
                connection!.Nodes.Select(ToOffering).ToList(), connection.TotalCount ?? all.Count,
                connection.PageInfo is { HasNextPage: true, EndCursor: { } cursor } ? cursor : null, facets);
        }, cancellationToken);

    /// <summary>The product page's offering; null when the channel does not show it. Throws when Saleor cannot be read.</summary>
    public async Task<OfferingDetails?> OfferingAsync(string slug, CancellationToken cancellationToken = default) =>
        await saleor.ProductAsync(slug, Channel, cancellationToken) is { } product ? OfferingDetails.From(product) : null;

    /// <summary>Categories by slug (null when the category does not exist).</summary>
    private async Task<ProductQuery?> QueryAsync(MarketplaceFilter filter, CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? categoryIds = null;
        if (filter.Category is { } slug)
        {
            var categories = await cache.GetOrCreateAsync("categories", async entry =>
            {
                ExpireWithGeneration(entry);
                var all = new Dictionary<string, string>(StringComparer.Ordinal);
                await foreach (var category in saleor.CategoriesAsync(cancellationToken))
                {
                    all[category.Slug] = category.Id;
                }

                return all;
            });
            if (!categories!.TryGetValue(slug, out var id))
            {
                return null;
            }

            categoryIds = [id];
        }

        var price = filter.Price;
        return new ProductQuery(
            categoryIds, filter.AttributeValueSlugs, filter.Search, AttributeBooleans: filter.AttributeBooleans,
            // Buckets exclude their upper bound; Saleor's lte includes it.
            PriceAtLeast: price?.Min, PriceAtMost: price?.Max - 0.01m);
    }

    private async Task<IReadOnlyList<CatalogProduct>> AllAsync(ProductQuery query, string key, CancellationToken cancellationToken) =>
        (await cache.GetOrCreateAsync(("all", key), async entry =>
        {
            ExpireWithGeneration(entry);
            var products = new List<CatalogProduct>();
            await foreach (var product in saleor.ProductsAsync(Channel, query, cancellationToken: cancellationToken))
            {
                products.Add(product);
            }

            return (IReadOnlyList<CatalogProduct>)products;
        }))!;

    /// <summary>Called before the read: a product change during the read leaves the entry already expired.</summary>
    private void ExpireWithGeneration(ICacheEntry entry)
    {
        entry.AbsoluteExpirationRelativeToNow = ListCacheDuration;
        entry.AddExpirationToken(generation.Token);
    }

    private async Task<T?> Unavailable<T>(Func<Task<T>> read, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await read();
        }
        // Polly's ExecutionRejectedException: the resilience handler's timeout or open circuit breaker.
        catch (Exception e) when (e is HttpRequestException or SaleorException or TaskCanceledException or Polly.ExecutionRejectedException
            && !cancellationToken.IsCancellationRequested)
        {
            LogCatalogUnavailable(logger, e);
            return null;
        }
    }

    public static Offering ToOffering(CatalogProduct product)
    {
        var price = product.Pricing?.PriceRange?.Start?.Gross;
        return new Offering(
            product.Slug,
            product.Name,
            product.Category?.Name ?? "Other",
            product.ValuesOf("gsv-kind") is [var kind, ..] ? kind.Name : null,
            price?.Amount,
            price?.Currency,
            ProductDescription.Summary(product.Description),
            OfferingDetails.Number(product, "gsv-credits-per-run"),
            OfferingDetails.Number(product, "gsv-included-credits"));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Saleor catalog could not be read")]
    private static partial void LogCatalogUnavailable(ILogger logger, Exception exception);
}
