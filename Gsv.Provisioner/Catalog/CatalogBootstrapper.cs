using Gsv.Provisioner.Data;
using Gsv.Saleor;
using Gsv.Saleor.Webhooks;

namespace Gsv.Provisioner.Catalog;

/// <summary>
/// Makes Saleor hold the GSV catalog and the Provisioner's app with its webhooks (ORDER_FULLY_PAID to the Provisioner,
/// product changes to the Web app). Every step reads first and creates or
/// fixes only what is missing, so a second run changes nothing (contracts/saleor/README.md §2, §5).
/// </summary>
public sealed partial class CatalogBootstrapper(
    SaleorClient staff, SaleorAppTokenStore tokens, TimeProvider time, TimeSpan tokenRotationAge, ILogger<CatalogBootstrapper> logger)
{
    public const string AppName = "GSV Provisioner";
    public const string AppIdentifier = "gsv-provisioner";
    public const string WebhookName = "gsv-order-fully-paid";
    public const string WebhookPath = "/webhooks/saleor/order-paid";
    public const string OrderFullyPaid = "ORDER_FULLY_PAID";

    /// <summary>
    /// Only what the app does: receive ORDER_FULLY_PAID (an order event, so MANAGE_ORDERS; it also lets the payload
    /// carry the buyer's e-mail), receive the product events for the Web app (Saleor sends them only to apps holding
    /// MANAGE_PRODUCTS) and update its own webhooks (an app may always do that). The catalog is written as staff.
    /// </summary>
    public static readonly string[] AppPermissions = ["MANAGE_ORDERS", ProductChangeEvents.Permission];

    /// <summary>Requests the bootstrap (and the offering sync after it) keep in flight at once.</summary>
    public const int ConcurrentRequests = 4;

    /// <param name="webPublicUrl">The Web app as Saleor sees it; null registers no product webhook.</param>
    public async Task<SaleorBootstrapResult> RunAsync(SeedCatalog seed, Uri provisionerPublicUrl, Uri? webPublicUrl, CancellationToken cancellationToken)
    {
        var warehouse = await EnsureWarehouseAsync(seed.Warehouse, cancellationToken);
        var channel = await EnsureChannelAsync(seed.Channel, warehouse, cancellationToken);
        var attributes = await EnsureAttributesAsync(seed.Attributes, cancellationToken);
        var productTypes = await EnsureProductTypesAsync(seed.ProductTypes, attributes, cancellationToken);
        var categories = await EnsureCategoriesAsync(seed.Categories, cancellationToken);
        // The seed's products are read in one request; then each is completed on its own, a few at a time (usually
        // nothing to change).
        var existing = (await staff.ProductsForBootstrapAsync(seed.Products.Select(p => p.Slug).ToList(), cancellationToken))
            .ToDictionary(p => p.Slug, StringComparer.Ordinal);
        await Parallel.ForEachAsync(seed.Products, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentRequests, CancellationToken = cancellationToken },
            (product, ct) => new ValueTask(EnsureProductAsync(
                product, existing.GetValueOrDefault(product.Slug), channel, warehouse, seed.Warehouse.Stock, attributes,
                productTypes[product.ProductType], categories[product.Category], ct)));

        var (app, token) = await EnsureAppAsync(cancellationToken);
        var target = new Uri(provisionerPublicUrl, WebhookPath).ToString();
        var webhook = await EnsureWebhookAsync(app, token, new(WebhookName, target, [OrderFullyPaid], "OrderFullyPaidEvent"), cancellationToken);
        LogBootstrapped(logger, seed.Products.Count, channel.Slug, webhook.Id, target);
        string? productTarget = null;
        if (webPublicUrl is not null)
        {
            productTarget = new Uri(webPublicUrl, ProductChangeEvents.WebhookPath).ToString();
            var products = await EnsureWebhookAsync(
                app, token, new(ProductChangeEvents.WebhookName, productTarget, ProductChangeEvents.All, ProductChangeEvents.Operation), cancellationToken);
            LogProductWebhook(logger, products.Id, productTarget);
        }

        return new SaleorBootstrapResult(channel.Slug, app.Id, token, webhook.Id, target, seed.Products.Count, productTarget);
    }

    private async Task<SaleorWarehouse> EnsureWarehouseAsync(SeedWarehouse seed, CancellationToken ct)
    {
        var existing = (await staff.WarehousesBySlugAsync([seed.Slug], ct)).FirstOrDefault(w => w.Slug == seed.Slug);
        if (existing is not null)
        {
            return existing;
        }

        var a = seed.Address;
        return await staff.WarehouseCreateAsync(new(seed.Name, seed.Slug, new AddressInput(
            CompanyName: a.CompanyName, StreetAddress1: a.StreetAddress1, City: a.City, CountryArea: a.CountryArea, PostalCode: a.PostalCode, Country: a.Country)), ct);
    }

    private async Task<SaleorChannel> EnsureChannelAsync(SeedChannel seed, SaleorWarehouse warehouse, CancellationToken ct)
    {
        var channel = await staff.ChannelBySlugAsync(seed.Slug, ct)
            ?? await staff.ChannelCreateAsync(new(seed.Name, seed.Slug, seed.CurrencyCode, seed.DefaultCountry, IsActive: true, AddWarehouses: [warehouse.Id]), ct);
        if (channel.Warehouses.All(w => w.Id != warehouse.Id))
        {
            channel = await staff.ChannelAddWarehousesAsync(channel.Id, [warehouse.Id], ct);
        }

        return channel;
    }

    private async Task<Dictionary<string, SaleorAttribute>> EnsureAttributesAsync(IReadOnlyList<SeedAttribute> seeds, CancellationToken ct)
    {
        var existing = (await staff.AttributesBySlugAsync(seeds.Select(s => s.Slug).ToList(), ct)).ToDictionary(a => a.Slug);
        foreach (var seed in seeds.Where(s => !existing.ContainsKey(s.Slug)))
        {
            existing[seed.Slug] = await staff.AttributeCreateAsync(new(
                seed.Name, seed.Slug, seed.InputType, Values: seed.Values?.Select(v => new AttributeValueCreateInput(v)).ToList()), ct);
        }

        return existing;
    }

    private async Task<Dictionary<string, SaleorProductType>> EnsureProductTypesAsync(
        IReadOnlyList<SeedProductType> seeds, Dictionary<string, SaleorAttribute> attributes, CancellationToken ct)
    {
        var existing = (await staff.ProductTypesBySlugAsync(seeds.Select(s => s.Slug).ToList(), ct)).ToDictionary(t => t.Slug);
        foreach (var seed in seeds.Where(s => !existing.ContainsKey(s.Slug)))
        {
            // Digital goods: Saleor's model default isShippingRequired=true would demand shipping at checkout.
            existing[seed.Slug] = await staff.ProductTypeCreateAsync(new(
                seed.Name, seed.Slug, "NORMAL", IsShippingRequired: false, IsDigital: true,
                GsvAttributes.All.Select(slug => attributes[slug].Id).ToList()), ct);
        }

        return existing;
    }

    private async Task<Dictionary<string, SaleorCategory>> EnsureCategoriesAsync(IReadOnlyList<SeedCategory> seeds, CancellationToken ct)
    {
        var existing = (await staff.CategoriesBySlugAsync(seeds.Select(s => s.Slug).ToList(), ct)).ToDictionary(c => c.Slug);
        foreach (var seed in seeds.Where(s => !existing.ContainsKey(s.Slug)))
        {
            var description = System.Text.Json.JsonSerializer.Serialize(new { blocks = new[] { new { type = "paragraph", data = new { text = seed.Description } } } });
            existing[seed.Slug] = await staff.CategoryCreateAsync(new(seed.Name, seed.Slug, description), ct);
        }

        return existing;
    }

    private async Task EnsureProductAsync(
        SeedProduct seed, AdminProduct? product, SaleorChannel channel, SaleorWarehouse warehouse, int stock, Dictionary<string, SaleorAttribute> attributes,
        SaleorProductType type, SaleorCategory category, CancellationToken ct)
    {
        if (product is null)
        {
            var created = await staff.ProductCreateAsync(new(type.Id, category.Id, seed.Name, seed.Slug, seed.Description, seed.Attributes.ToSaleor(attributes)), ct);
            product = new AdminProduct(created.Id!, seed.Slug, seed.Name, [], []);
        }

        // Published when first listed; later the seller console decides (a product a seller unpublished stays so).
        if (product.ChannelListings?.Any(l => l.Channel.Slug == channel.Slug) != true)
        {
            await ProductVariants.EnsureListingAsync(staff, product, channel, published: true, ct);
        }

        await ProductVariants.EnsureAsync(staff, product, seed.Sku, seed.Name, seed.Price, channel, warehouse, stock, ct);
    }

    /// <summary>
    /// One app named "GSV Provisioner" with exactly <see cref="AppPermissions"/> and one token: the stored one while it
    /// exists in Saleor and is younger than the rotation age, else a new one (stored before the old ones are deleted).
    /// </summary>
    private async Task<(SaleorApp App, string Token)> EnsureAppAsync(CancellationToken ct)
    {
        var app = (await staff.AppsAsync(AppName, ct)).FirstOrDefault(a => a.Name == AppName);
        if (app is null)
        {
            var created = await staff.AppCreateAsync(new(AppName, AppIdentifier, AppPermissions), ct);
            var first = created.App.Tokens?.SingleOrDefault()
                ?? throw new InvalidOperationException($"Saleor created app {created.App.Id} without listing its token.");
            await tokens.SaveAsync(new SaleorAppToken { AppId = created.App.Id, TokenId = first.Id, Token = created.AuthToken, CreatedAt = time.GetUtcNow() }, ct);
            return (created.App, created.AuthToken);
        }

        if (!app.Permissions.Select(p => p.Code).Order(StringComparer.Ordinal).SequenceEqual(AppPermissions.Order(StringComparer.Ordinal)))
        {
            app = await staff.AppUpdateAsync(app.Id, new AppInput(AppName, app.Identifier ?? AppIdentifier, AppPermissions), ct);
            LogPermissionsSet(logger, app.Id, string.Join(",", AppPermissions));
        }

        var stored = await tokens.FindAsync(app.Id, ct);
        var listed = app.Tokens ?? [];
        if (stored is null || listed.All(t => t.Id != stored.TokenId) || time.GetUtcNow() - stored.CreatedAt >= tokenRotationAge)
        {
            var minted = await staff.AppTokenCreateAsync(app.Id, $"provisioner-{time.GetUtcNow():yyyyMMddHHmmss}", ct);
            stored = new SaleorAppToken { AppId = app.Id, TokenId = minted.Id, Token = minted.AuthToken, CreatedAt = time.GetUtcNow() };
            await tokens.SaveAsync(stored, ct);
            LogTokenIssued(logger, app.Id, minted.Id);
        }

        // Every other token (rotated out, or minted per start by older versions) is revoked.
        foreach (var other in listed.Where(t => t.Id != stored.TokenId))
        {
            await staff.AppTokenDeleteAsync(other.Id, ct);
        }

        return (app, stored.Token);
    }

    /// <summary>The webhook named <see cref="WebhookSpec.Name"/>: created once, fixed when its target, events or state differ.</summary>
    private async Task<SaleorWebhook> EnsureWebhookAsync(SaleorApp app, string appToken, WebhookSpec spec, CancellationToken ct)
    {
        var query = SaleorOperations.Get(spec.Operation);
        var existing = (await staff.AppsAsync(AppName, ct)).First(a => a.Id == app.Id).Webhooks?.FirstOrDefault(w => w.Name == spec.Name);
        if (existing is null)
        {
            return await staff.WebhookCreateAsync(new(spec.Name, spec.Target, spec.Events, query, IsActive: true, App: app.Id), ct);
        }

        if (existing.TargetUrl != spec.Target || !existing.IsActive || !existing.AsyncEvents.Select(e => e.EventType).ToHashSet().SetEquals(spec.Events))
        {
            // The app's own token may update its webhook (no MANAGE_APPS needed).
            return await staff.WithTokens(new AppTokenSource(appToken))
                .WebhookUpdateAsync(existing.Id, new(TargetUrl: spec.Target, AsyncEvents: spec.Events, Query: query, IsActive: true), ct);
        }

        return existing;
    }

    /// <param name="Operation">The subscription query's operation file (its payload).</param>
    private sealed record WebhookSpec(string Name, string Target, IReadOnlyList<string> Events, string Operation);

    [LoggerMessage(LogLevel.Warning, "Saleor app {AppId} had other permissions; set to {Permissions}")]
    private static partial void LogPermissionsSet(ILogger logger, string appId, string permissions);

    [LoggerMessage(LogLevel.Information, "Saleor app {AppId}: new token {TokenId} stored (none usable, or due for rotation)")]
    private static partial void LogTokenIssued(ILogger logger, string appId, string tokenId);

    [LoggerMessage(LogLevel.Information, "Saleor bootstrapped: {Products} products in channel {Channel}, webhook {WebhookId} → {Target}")]
    private static partial void LogBootstrapped(ILogger logger, int products, string channel, string webhookId, string target);

    [LoggerMessage(LogLevel.Information, "Saleor product events (webhook {WebhookId}) → {Target}")]
    private static partial void LogProductWebhook(ILogger logger, string webhookId, string target);
}
