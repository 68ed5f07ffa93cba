using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Provisioner.Catalog;
using Gsv.Provisioner.GitOps;
using Gsv.Provisioner.Offerings;
using Gsv.Saleor;

namespace Gsv.Provisioner.Sellers;

/// <summary>The outcome of a seller's write: the offering as stored, or each refused field with its message.</summary>
public sealed record SellerWrite(SellerOfferingDto? Offering, Dictionary<string, string[]>? Errors)
{
    public static SellerWrite Refused(string field, string message) => new(null, new() { [field] = [message] });
}

/// <summary>
/// The seller console's catalog: GSV offerings read from and written to Saleor as staff (product, nine attributes, one
/// variant with its price, the channel listing), and each write copied into the Control Plane's offerings at once, so a
/// published offering can be bought and provisioned without waiting for the next offering sync.
/// </summary>
public sealed partial class SellerCatalog(
    SaleorClient saleor, StaffTokenSource staffTokens, SaleorBootstrapState bootstrap, ControlPlaneClient controlPlane, DesiredState desiredState,
    ILogger<SellerCatalog> logger)
{
    private static readonly SeedCatalog Seed = SeedCatalog.Load();

    private readonly SaleorClient staff = saleor.WithTokens(staffTokens);

    public async Task<SellerOptionsDto> OptionsAsync(CancellationToken cancellationToken)
    {
        var context = await LoadAsync(cancellationToken);
        var c = context.Choices;
        return new SellerOptionsDto(
            context.Channel.CurrencyCode, c.Categories, c.Kinds, [.. c.Flows.Select(f => new SellerChoice(f.Name, f.Label))], c.Connectors, c.Outcomes, c.Capabilities);
    }

    public async Task<List<SellerOfferingDto>> ListAsync(CancellationToken cancellationToken)
    {
        var context = await LoadAsync(cancellationToken);
        var products = await ProductsAsync(context, cancellationToken);
        var sales = (await controlPlane.GetOfferingSalesAsync(cancellationToken)).ToDictionary(s => s.Offering, s => s.Sold);
        return [.. products.Select(p => ToDto(p, context, sales.GetValueOrDefault(p.Slug))).OfType<SellerOfferingDto>()];
    }

    public async Task<SellerOfferingDto?> FindAsync(string slug, CancellationToken cancellationToken)
    {
        var context = await LoadAsync(cancellationToken);
        return await ReadAsync(context, slug, cancellationToken);
    }

    /// <summary>Creates the offering, not published: the seller reviews it, then publishes it.</summary>
    public async Task<SellerWrite> CreateAsync(SellerOfferingInput input, CancellationToken cancellationToken)
    {
        var context = await LoadAsync(cancellationToken);
        var taken = (await ProductsAsync(context, cancellationToken)).Select(p => p.Slug).ToHashSet(StringComparer.Ordinal);
        if (OfferingRules.Check(input, context.Choices, currentSlug: null, taken) is { Count: > 0 } errors)
        {
            return new SellerWrite(null, errors);
        }

        var slug = input.Slug!;
        var attributes = OfferingRules.Attributes(input);
        var type = context.ProductTypes[attributes.Kind == OfferingKinds.CreditPack];
        SlugRef created;
        try
        {
            created = await staff.ProductCreateAsync(new(
                type.Id, context.Category(input.Category!).Id, input.Name!.Trim(), slug, OfferingDescription.ToEditorJs(input.Description),
                attributes.ToSaleor(context.Attributes)), cancellationToken);
        }
        catch (SaleorMutationException e) when (e.Errors.Any(x => x is { Field: "slug" }))
        {
            return SellerWrite.Refused("slug", $"A product with the slug '{slug}' already exists; choose another.");
        }

        var product = new AdminProduct(created.Id!, slug, input.Name.Trim(), [], []);
        await ProductVariants.EnsureListingAsync(staff, product, context.Channel, published: false, cancellationToken);
        await ProductVariants.EnsureAsync(staff, product, Sku(slug), input.Name.Trim(), input.Price!.Value, context.Channel, context.Warehouse, Seed.Warehouse.Stock, cancellationToken);
        LogCreated(logger, slug, attributes.Kind, attributes.Flow);
        return await StoredAsync(context, slug, cancellationToken);
    }

    public async Task<SellerWrite?> UpdateAsync(string slug, SellerOfferingInput input, CancellationToken cancellationToken)
    {
        var context = await LoadAsync(cancellationToken);
        if (await FindAsync(context, slug, cancellationToken) is not { } current
            || await staff.ProductForBootstrapAsync(slug, cancellationToken) is not { } product)
        {
            return null;
        }

        if (OfferingRules.Check(input, context.Choices, slug, new HashSet<string>()) is { Count: > 0 } errors)
        {
            return new SellerWrite(null, errors);
        }

        var attributes = OfferingRules.Attributes(input);
        if ((attributes.Kind == OfferingKinds.CreditPack) != (current.Attributes.Kind == OfferingKinds.CreditPack))
        {
            return SellerWrite.Refused("kind", "A credit pack cannot become a runnable offering, nor the reverse (Saleor keeps a product's type): create a new offering.");
        }

        await staff.ProductUpdateAsync(product.Id, new ProductUpdateInput(
            Name: input.Name!.Trim(), Description: OfferingDescription.ToEditorJs(input.Description), Category: context.Category(input.Category!).Id,
            Attributes: attributes.ToSaleor(context.Attributes, complete: true)), cancellationToken);
        var sku = product.Variants is [var first, ..] && first.Sku is { } existing ? existing : Sku(slug);
        await ProductVariants.EnsureAsync(staff, product, sku, input.Name.Trim(), input.Price!.Value, context.Channel, context.Warehouse, Seed.Warehouse.Stock, cancellationToken);
        LogUpdated(logger, slug, attributes.Kind, attributes.Flow);
        return await StoredAsync(context, slug, cancellationToken);
    }

    /// <summary>Shows or hides the offering in the channel; null when there is no such offering.</summary>
    public async Task<SellerWrite?> SetPublishedAsync(string slug, bool published, CancellationToken cancellationToken)
    {
        var context = await LoadAsync(cancellationToken);
        if (await FindAsync(context, slug, cancellationToken) is null || await staff.ProductForBootstrapAsync(slug, cancellationToken) is not { } product)
        {
            return null;
        }

        await ProductVariants.EnsureListingAsync(staff, product, context.Channel, published, cancellationToken);
        LogPublished(logger, slug, published);
        return await StoredAsync(context, slug, cancellationToken);
    }

    /// <summary>The offering as Saleor now holds it, copied into the Control Plane (so orders of it are provisioned).</summary>
    private async Task<SellerWrite> StoredAsync(Context context, string slug, CancellationToken cancellationToken)
    {
        var (product, attributes) = await FindAsync(context, slug, cancellationToken)
            ?? throw new InvalidOperationException($"Saleor does not list product '{slug}' just written.");
        if (OfferingSyncService.TryReadPrice(product, attributes.Kind, out var creditsPerRun, out var reason))
        {
            await controlPlane.UpsertOfferingAsync(slug, OfferingSyncService.ToOffering(product, attributes, creditsPerRun), cancellationToken);
        }
        else
        {
            LogUnpriced(logger, slug, reason);
        }

        return new SellerWrite(ToDto(product, context, await SoldAsync(slug, cancellationToken)), null);
    }

    private async Task<SellerOfferingDto?> ReadAsync(Context context, string slug, CancellationToken cancellationToken) =>
        await FindAsync(context, slug, cancellationToken) is { } found ? ToDto(found.Product, context, await SoldAsync(slug, cancellationToken)) : null;

    /// <summary>The GSV product with that slug and its attributes; null when Saleor has none (or it is no GSV product).</summary>
    private async Task<(CatalogProduct Product, OfferingAttributes Attributes)?> FindAsync(Context context, string slug, CancellationToken cancellationToken) =>
        (await ProductsAsync(context, cancellationToken)).FirstOrDefault(p => p.Slug == slug) is { } product && OfferingAttributes.From(product) is { } attributes
            ? (product, attributes)
            : null;

    private async Task<int> SoldAsync(string slug, CancellationToken cancellationToken) =>
        (await controlPlane.GetOfferingSalesAsync(cancellationToken)).FirstOrDefault(s => s.Offering == slug)?.Sold ?? 0;

    private async Task<List<CatalogProduct>> ProductsAsync(Context context, CancellationToken cancellationToken)
    {
        var products = new List<CatalogProduct>();
        await foreach (var product in staff.SellerProductsAsync(context.Channel.Slug, cancellationToken))
        {
            products.Add(product);
        }

        return products;
    }

    private static SellerOfferingDto? ToDto(CatalogProduct product, Context context, int sold)
    {
        if (OfferingAttributes.From(product) is not { } a)
        {
            return null;
        }

        var price = (product.Variants is [var variant, ..] ? variant.Pricing?.Price?.Gross : null) ?? product.Pricing?.PriceRange?.Start?.Gross;
        return new SellerOfferingDto(
            product.Slug, product.Name, OfferingDescription.ToText(product.Description), price?.Amount ?? 0, price?.Currency ?? context.Channel.CurrencyCode,
            product.Category?.Slug ?? "", a.Kind, a.Flow, a.CreditsPerRun, a.IncludedCredits, a.TrialCredits, a.Connectors, a.Knowledge, a.Outcomes, a.Capabilities,
            product.ChannelListings?.Any(l => l.Channel.Slug == context.Channel.Slug && l.IsPublished) == true, sold);
    }

    private static string Sku(string slug) => "GSV-" + slug.ToUpperInvariant();

    /// <summary>What every request needs from Saleor, the flows and the connector catalog.</summary>
    private async Task<Context> LoadAsync(CancellationToken cancellationToken)
    {
        var ready = await bootstrap.WhenReadyAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var channel = await staff.ChannelBySlugAsync(ready.ChannelSlug, cancellationToken)
            ?? throw new InvalidOperationException($"Saleor has no channel '{ready.ChannelSlug}'.");
        var warehouse = (await staff.WarehousesBySlugAsync([Seed.Warehouse.Slug], cancellationToken)).FirstOrDefault(w => w.Slug == Seed.Warehouse.Slug)
            ?? throw new InvalidOperationException($"Saleor has no warehouse '{Seed.Warehouse.Slug}'.");
        var attributes = (await staff.AttributesBySlugAsync(GsvAttributes.All, cancellationToken)).ToDictionary(a => a.Slug);
        var typeSlugs = Seed.Products.GroupBy(p => p.Kind == OfferingKinds.CreditPack).ToDictionary(g => g.Key, g => g.First().ProductType);
        var types = (await staff.ProductTypesBySlugAsync([.. typeSlugs.Values], cancellationToken)).ToDictionary(t => t.Slug);
        var categories = new List<SaleorCategory>();
        await foreach (var category in staff.CategoriesAsync(cancellationToken))
        {
            categories.Add(category);
        }

        var connectors = await controlPlane.ListConnectorCatalogAsync(cancellationToken);
        var flows = desiredState.CurrentFlowTemplates();
        var choices = new OfferingChoices(
            Values(attributes[GsvAttributes.Kind]),
            [.. categories.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => new SellerChoice(c.Slug, c.Name))],
            [.. flows.Names.Order(StringComparer.Ordinal).Select(n => flows.Find(n)!).Select(f => new FlowChoice(f.Name, f.DisplayName, f.ContextInput is not null, f.McpInput is not null))],
            [.. connectors.Select(c => new SellerChoice(c.Key, c.Name))],
            Values(attributes[GsvAttributes.Outcomes]),
            Values(attributes[GsvAttributes.Capabilities]));
        return new Context(channel, warehouse, attributes, typeSlugs.ToDictionary(t => t.Key, t => types[t.Value]), categories, choices);
    }

    private static List<SellerChoice> Values(SaleorAttribute attribute) =>
        [.. (attribute.Choices?.Nodes ?? []).Select(c => c.Slug ?? c.Name).Order(StringComparer.Ordinal).Select(v => new SellerChoice(v, Label(v)))];

    /// <summary>"faster-research" → "Faster research".</summary>
    public static string Label(string value) =>
        value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value[1..].Replace('-', ' ');

    private sealed record Context(
        SaleorChannel Channel, SaleorWarehouse Warehouse, Dictionary<string, SaleorAttribute> Attributes, Dictionary<bool, SaleorProductType> ProductTypes,
        List<SaleorCategory> Categories, OfferingChoices Choices)
    {
        public SaleorCategory Category(string slug) => Categories.First(c => c.Slug == slug);
    }

    [LoggerMessage(LogLevel.Information, "Seller created offering {Slug} ({Kind}, flow {Flow}), not yet published")]
    private static partial void LogCreated(ILogger logger, string slug, string kind, string? flow);

    [LoggerMessage(LogLevel.Information, "Seller changed offering {Slug} ({Kind}, flow {Flow})")]
    private static partial void LogUpdated(ILogger logger, string slug, string kind, string? flow);

    [LoggerMessage(LogLevel.Information, "Seller set offering {Slug} published: {Published}")]
    private static partial void LogPublished(ILogger logger, string slug, bool published);

    [LoggerMessage(LogLevel.Error, "Offering {Slug} is not copied to the Control Plane and cannot be sold: {Reason}")]
    private static partial void LogUnpriced(ILogger logger, string slug, string reason);
}
