using Gsv.Saleor;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Commerce;

[Collection(PlatformCollection.Name)]
public sealed class BootstrapIdempotencyTests(PlatformFixture fixture)
{
    [Fact]
    public async Task Running_the_bootstrap_again_leaves_the_same_catalog_one_app_with_one_reused_token_and_one_webhook()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var staff = await CommercePlatform.StaffAsync(fixture);
        var before = await CommercePlatform.AllProductsAsync(staff);
        var tokenBefore = Assert.Single((await ProvisionerAppAsync(staff)).Tokens!);

        // The second run is the Provisioner's own start-up: it is healthy again only once its bootstrap has run.
        await fixture.StopResourceAsync("provisioner");
        await fixture.StartResourceAsync("provisioner");
        await CommercePlatform.WaitForBootstrapAsync(fixture);

        var after = await CommercePlatform.AllProductsAsync(staff);
        Assert.Equal(Snapshot(before), Snapshot(after));

        var app = await ProvisionerAppAsync(staff);
        // Exactly the permissions the app uses (orders; products for the Web app's product events), and the stored
        // token reused rather than a new one per start.
        Assert.Equal(["MANAGE_ORDERS", "MANAGE_PRODUCTS"], app.Permissions.Select(p => p.Code).Order(StringComparer.Ordinal));
        Assert.Equal(tokenBefore.Id, Assert.Single(app.Tokens!).Id);
        // One webhook per purpose, however often the bootstrap runs.
        Assert.Equal(2, app.Webhooks!.Count);
        var webhook = Assert.Single(app.Webhooks!, w => w.Name == "gsv-order-fully-paid");
        Assert.True(webhook.IsActive);
        Assert.Equal(["ORDER_FULLY_PAID"], webhook.AsyncEvents.Select(e => e.EventType));
        var env = await CommercePlatform.ProvisionerEnvironmentAsync(fixture);
        Assert.Equal(new Uri(new Uri(env["Provisioner__PublicUrl"]), "/webhooks/saleor/order-paid").ToString(), webhook.TargetUrl);
        var products = Assert.Single(app.Webhooks!, w => w.Name == "gsv-web-product-changes");
        Assert.True(products.IsActive);
        Assert.Equal(["PRODUCT_CREATED", "PRODUCT_UPDATED", "PRODUCT_DELETED", "PRODUCT_VARIANT_UPDATED"], products.AsyncEvents.Select(e => e.EventType));
        Assert.Equal(new Uri(new Uri(env["Provisioner__WebPublicUrl"]), "/saleor/webhooks/products").ToString(), products.TargetUrl);
    }

    [Fact]
    public async Task Products_read_by_slug_are_those_that_exist_with_their_listings_variants_and_stock()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var staff = await CommercePlatform.StaffAsync(fixture);
        var seed = Gsv.Provisioner.Catalog.SeedCatalog.Load().Products.Select(p => p.Slug).Take(2).ToList();

        var products = await staff.ProductsForBootstrapAsync([.. seed, "no-such-product-" + Guid.NewGuid().ToString("N")]);

        // Exactly the products asked for that exist, each with what the bootstrap compares: listings, variants, stock.
        Assert.Equal(seed.Order(StringComparer.Ordinal), products.Select(p => p.Slug).Order(StringComparer.Ordinal));
        foreach (var product in products)
        {
            var one = await staff.ProductForBootstrapAsync(product.Slug);
            Assert.NotNull(one);
            Assert.Equal(one.Id, product.Id);
            Assert.Contains(product.ChannelListings!, l => l.Channel.Slug == "gsv");
            var variant = Assert.Single(product.Variants!);
            Assert.Equal(Assert.Single(one.Variants!).Id, variant.Id);
            Assert.NotEmpty(variant.Stocks!);
        }
    }

    private static async Task<SaleorApp> ProvisionerAppAsync(SaleorClient staff) =>
        Assert.Single(await staff.AppsAsync("GSV Provisioner"), a => a.Name == "GSV Provisioner");

    private static IEnumerable<string> Snapshot(IEnumerable<CatalogProduct> products) => products
        .OrderBy(p => p.Slug, StringComparer.Ordinal)
        .Select(p => string.Join('|', p.Id, p.Slug, p.Category?.Id, p.Pricing?.PriceRange?.Start?.Gross.Amount, string.Join(',', p.Variants!.Select(v => v.Id)),
            string.Join(',', p.Attributes.Select(a => a.Attribute.Slug + "=" + string.Join('+', a.Values.Select(v => v.Id))))));
}
