using Gsv.Saleor;

namespace Gsv.Web.Marketplace;

/// <summary>The offerings of Saleor channel <c>gsv</c>, read anonymously through the storefront API.</summary>
public sealed partial class MarketplaceCatalog(SaleorClient saleor, ILogger<MarketplaceCatalog> logger)
{
    public const string Channel = "gsv";

    /// <summary>Every offering visible in the channel, or null when Saleor cannot be read right now.</summary>
    public async Task<IReadOnlyList<Offering>?> OfferingsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var offerings = new List<Offering>();
            await foreach (var product in saleor.ProductsAsync(Channel, cancellationToken: cancellationToken))
            {
                offerings.Add(ToOffering(product));
            }

            return offerings;
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
            ProductDescription.Summary(product.Description));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Saleor catalog could not be read")]
    private static partial void LogCatalogUnavailable(ILogger logger, Exception exception);
}
