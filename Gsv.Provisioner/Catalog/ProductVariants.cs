using Gsv.Saleor;

namespace Gsv.Provisioner.Catalog;

/// <summary>What makes a product buyable in a channel besides its listing: one variant with stock and a price there.</summary>
public static class ProductVariants
{
    /// <summary>Creates the variant <paramref name="sku"/> if missing, gives it stock in the warehouse and sets its price; what is right stays.</summary>
    public static async Task EnsureAsync(
        SaleorClient staff, AdminProduct product, string sku, string name, decimal price, SaleorChannel channel, SaleorWarehouse warehouse, int stock,
        CancellationToken cancellationToken)
    {
        var variant = product.Variants?.FirstOrDefault(v => v.Sku == sku);
        var variantId = variant?.Id ?? await staff.ProductVariantCreateAsync(new(
            product.Id, sku, name, Attributes: [], TrackInventory: false, Stocks: [new(warehouse.Id, stock)]), cancellationToken);
        if (variant is not null && variant.Stocks?.Any(s => s.Warehouse.Slug == warehouse.Slug) != true)
        {
            await staff.ProductVariantStocksCreateAsync(variantId, [new(warehouse.Id, stock)], cancellationToken);
        }

        if (variant?.ChannelListings?.Any(l => l.Channel.Slug == channel.Slug && l.Price?.Amount == price) != true)
        {
            await staff.ProductVariantChannelListingUpdateAsync(variantId, [new(channel.Id, price)], cancellationToken);
        }
    }

    /// <summary>Shows or hides the product in the channel (listed and purchasable when shown); nothing is sent when it already is so.</summary>
    public static async Task EnsureListingAsync(SaleorClient staff, AdminProduct product, SaleorChannel channel, bool published, CancellationToken cancellationToken)
    {
        var listing = product.ChannelListings?.FirstOrDefault(l => l.Channel.Slug == channel.Slug);
        if (listing is not null && listing.IsPublished == published && listing.VisibleInListings != false && listing.IsAvailableForPurchase != false)
        {
            return;
        }

        await staff.ProductChannelListingUpdateAsync(product.Id, new([new(channel.Id, IsPublished: published, VisibleInListings: true, IsAvailableForPurchase: true)]), cancellationToken);
    }
}
