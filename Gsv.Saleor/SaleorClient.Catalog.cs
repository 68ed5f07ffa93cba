namespace Gsv.Saleor;

// Catalog administration: what the bootstrap reads and writes (MANAGE_CHANNELS, MANAGE_PRODUCTS, MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES).

public sealed record SaleorChannel(string Id, string Slug, string Name, string CurrencyCode, bool IsActive, IReadOnlyList<SlugRef> Warehouses);

public sealed record SaleorWarehouse(string Id, string Slug, string Name);

public sealed record AttributeChoice(string Id, string Name, string? Slug);

public sealed record SaleorAttribute(string Id, string Slug, string Name, string InputType, string? Type, Connection<AttributeChoice>? Choices);

public sealed record SaleorProductType(string Id, string Slug, string Name, bool IsShippingRequired, bool IsDigital, IReadOnlyList<SlugRef> ProductAttributes);

public sealed record SaleorCategory(string Id, string Slug, string Name, string? Description = null);

public sealed record ProductChannelListing(ChannelSlug Channel, bool IsPublished, bool? VisibleInListings = null, bool? IsAvailableForPurchase = null);

public sealed record VariantChannelListing(ChannelSlug Channel, Money? Price);

public sealed record VariantStock(SlugRef Warehouse, int Quantity);

public sealed record AdminVariant(string Id, string? Sku, IReadOnlyList<VariantChannelListing>? ChannelListings, IReadOnlyList<VariantStock>? Stocks);

public sealed record AdminProduct(string Id, string Slug, string Name, IReadOnlyList<ProductChannelListing>? ChannelListings, IReadOnlyList<AdminVariant>? Variants);

public sealed record AddressInput(
    string? FirstName = null, string? LastName = null, string? CompanyName = null, string? StreetAddress1 = null,
    string? City = null, string? CountryArea = null, string? PostalCode = null, string? Country = null);

public sealed record ChannelCreateInput(string Name, string Slug, string CurrencyCode, string DefaultCountry, bool IsActive, IReadOnlyList<string>? AddWarehouses = null);

public sealed record WarehouseCreateInput(string Name, string Slug, AddressInput Address, string? Email = null);

public sealed record AttributeValueCreateInput(string Name, string? Slug = null);

public sealed record AttributeCreateInput(
    string Name, string Slug, string InputType, string Type = "PRODUCT_TYPE",
    IReadOnlyList<AttributeValueCreateInput>? Values = null, bool? VisibleInStorefront = true, bool? ValueRequired = null);

public sealed record ProductTypeInput(string Name, string Slug, string Kind, bool IsShippingRequired, bool IsDigital, IReadOnlyList<string> ProductAttributes);

public sealed record CategoryInput(string Name, string Slug, string? Description = null);

public sealed record AttributeValueSelectableInput(string Value);

/// <summary>One attribute value of a product, in the typed field its input type needs.</summary>
public sealed record AttributeValueInput(
    string Id,
    AttributeValueSelectableInput? Dropdown = null,
    IReadOnlyList<AttributeValueSelectableInput>? Multiselect = null,
    string? PlainText = null,
    string? Numeric = null,
    bool? Boolean = null);

public sealed record ProductCreateInput(
    string ProductType, string Category, string Name, string Slug, string? Description,
    IReadOnlyList<AttributeValueInput> Attributes, IReadOnlyList<MetadataItem>? Metadata = null);

/// <summary>Saleor's <c>ProductInput</c>: only the fields given change (nulls are not sent).</summary>
public sealed record ProductUpdateInput(
    string? Name = null, string? Slug = null, string? Description = null, IReadOnlyList<AttributeValueInput>? Attributes = null, string? Category = null);

public sealed record ProductChannelListingAddInput(string ChannelId, bool IsPublished, bool VisibleInListings, bool IsAvailableForPurchase);

public sealed record ProductChannelListingUpdateInput(IReadOnlyList<ProductChannelListingAddInput> UpdateChannels);

public sealed record StockInput(string Warehouse, int Quantity);

public sealed record ProductVariantCreateInput(
    string Product, string Sku, string Name, IReadOnlyList<object> Attributes, bool TrackInventory, IReadOnlyList<StockInput>? Stocks = null);

public sealed record ProductVariantChannelListingAddInput(string ChannelId, decimal Price);

public sealed partial class SaleorClient
{
    public async Task<SaleorChannel?> ChannelBySlugAsync(string slug, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<ChannelData>("ChannelBySlug", new { slug }, cancellationToken)).Channel;

    public async Task<SaleorChannel> ChannelCreateAsync(ChannelCreateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<ChannelCreateData>("ChannelCreate", new { input }, cancellationToken)).ChannelCreate, "channelCreate").Channel!;

    public async Task<SaleorChannel> ChannelAddWarehousesAsync(string channelId, IReadOnlyList<string> warehouseIds, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<ChannelUpdateData>("ChannelUpdate", new { id = channelId, input = new { addWarehouses = warehouseIds } }, cancellationToken)).ChannelUpdate, "channelUpdate").Channel!;

    public async Task<IReadOnlyList<SaleorWarehouse>> WarehousesBySlugAsync(IReadOnlyList<string> slugs, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<WarehousesData>("WarehousesBySlug", new { slugs }, cancellationToken)).Warehouses.Nodes.ToList();

    public async Task<SaleorWarehouse> WarehouseCreateAsync(WarehouseCreateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<WarehouseCreateData>("WarehouseCreate", new { input }, cancellationToken)).CreateWarehouse, "createWarehouse").Warehouse!;

    public async Task<IReadOnlyList<SaleorAttribute>> AttributesBySlugAsync(IReadOnlyList<string> slugs, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<AttributesData>("AttributesBySlug", new { slugs }, cancellationToken)).Attributes.Nodes.ToList();

    public async Task<SaleorAttribute> AttributeCreateAsync(AttributeCreateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<AttributeCreateData>("AttributeCreate", new { input }, cancellationToken)).AttributeCreate, "attributeCreate").Attribute!;

    public async Task<IReadOnlyList<SaleorProductType>> ProductTypesBySlugAsync(IReadOnlyList<string> slugs, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<ProductTypesData>("ProductTypesBySlug", new { slugs }, cancellationToken)).ProductTypes.Nodes.ToList();

    public async Task<SaleorProductType> ProductTypeCreateAsync(ProductTypeInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<ProductTypeCreateData>("ProductTypeCreate", new { input }, cancellationToken)).ProductTypeCreate, "productTypeCreate").ProductType!;

    public async Task<IReadOnlyList<SaleorCategory>> CategoriesBySlugAsync(IReadOnlyList<string> slugs, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<CategoriesBySlugData>("CategoriesBySlug", new { slugs }, cancellationToken)).Categories.Nodes.ToList();

    public async Task<SaleorCategory> CategoryCreateAsync(CategoryInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CategoryCreateData>("CategoryCreate", new { input }, cancellationToken)).CategoryCreate, "categoryCreate").Category!;

    /// <summary>A product by slug regardless of channel visibility (needs MANAGE_PRODUCTS).</summary>
    public async Task<AdminProduct?> ProductForBootstrapAsync(string slug, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<AdminProductData>("ProductForBootstrap", new { slug }, cancellationToken)).Product;

    /// <summary>
    /// The products with these slugs regardless of channel visibility (needs MANAGE_PRODUCTS), in requests of up to
    /// <see cref="SaleorPagination.MaxPageSize"/> slugs (Saleor's largest page); a slug without a product is left out.
    /// </summary>
    public async Task<IReadOnlyList<AdminProduct>> ProductsForBootstrapAsync(IReadOnlyList<string> slugs, CancellationToken cancellationToken = default)
    {
        var products = new List<AdminProduct>(slugs.Count);
        foreach (var page in slugs.Distinct(StringComparer.Ordinal).Chunk(SaleorPagination.MaxPageSize))
        {
            products.AddRange((await ExecuteAsync<AdminProductsData>("ProductsForBootstrap", new { slugs = page, first = page.Length }, cancellationToken)).Products.Nodes);
        }

        return products;
    }

    public async Task<SlugRef> ProductCreateAsync(ProductCreateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<ProductCreateData>("ProductCreate", new { input }, cancellationToken)).ProductCreate, "productCreate").Product!;

    /// <summary>Changes a product (MANAGE_PRODUCTS); Saleor then sends PRODUCT_UPDATED.</summary>
    public async Task<SlugRef> ProductUpdateAsync(string productId, ProductUpdateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<ProductUpdateData>("ProductUpdate", new { id = productId, input }, cancellationToken)).ProductUpdate, "productUpdate").Product!;

    public async Task ProductChannelListingUpdateAsync(string productId, ProductChannelListingUpdateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<ProductChannelListingUpdateData>("ProductChannelListingUpdate", new { id = productId, input }, cancellationToken)).ProductChannelListingUpdate, "productChannelListingUpdate");

    public async Task<string> ProductVariantCreateAsync(ProductVariantCreateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<ProductVariantCreateData>("ProductVariantCreate", new { input }, cancellationToken)).ProductVariantCreate, "productVariantCreate").ProductVariant!.Id;

    public async Task ProductVariantChannelListingUpdateAsync(string variantId, IReadOnlyList<ProductVariantChannelListingAddInput> input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<VariantChannelListingUpdateData>("ProductVariantChannelListingUpdate", new { id = variantId, input }, cancellationToken)).ProductVariantChannelListingUpdate, "productVariantChannelListingUpdate");

    public async Task ProductVariantStocksCreateAsync(string variantId, IReadOnlyList<StockInput> stocks, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<VariantStocksCreateData>("ProductVariantStocksCreate", new { variantId, stocks }, cancellationToken)).ProductVariantStocksCreate, "productVariantStocksCreate");

    /// <summary><c>updateMetadata</c> on any object with metadata (checkout, order, product...).</summary>
    public async Task<IReadOnlyList<MetadataItem>> UpdateMetadataAsync(string id, IReadOnlyList<MetadataItem> input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<UpdateMetadataData>("UpdateMetadata", new { id, input }, cancellationToken)).UpdateMetadata, "updateMetadata").Item?.Metadata ?? [];

    private static T Ok<T>(T payload, string mutation) where T : SaleorMutationPayload
    {
        payload.EnsureSuccess(mutation);
        return payload;
    }

    private sealed record ChannelData(SaleorChannel? Channel);
    private sealed record ChannelPayload(SaleorChannel? Channel) : SaleorMutationPayload;
    private sealed record ChannelCreateData(ChannelPayload ChannelCreate);
    private sealed record ChannelUpdateData(ChannelPayload ChannelUpdate);
    private sealed record WarehousesData(Connection<SaleorWarehouse> Warehouses);
    private sealed record WarehousePayload(SaleorWarehouse? Warehouse) : SaleorMutationPayload;
    private sealed record WarehouseCreateData(WarehousePayload CreateWarehouse);
    private sealed record AttributesData(Connection<SaleorAttribute> Attributes);
    private sealed record AttributePayload(SaleorAttribute? Attribute) : SaleorMutationPayload;
    private sealed record AttributeCreateData(AttributePayload AttributeCreate);
    private sealed record ProductTypesData(Connection<SaleorProductType> ProductTypes);
    private sealed record ProductTypePayload(SaleorProductType? ProductType) : SaleorMutationPayload;
    private sealed record ProductTypeCreateData(ProductTypePayload ProductTypeCreate);
    private sealed record CategoriesBySlugData(Connection<SaleorCategory> Categories);
    private sealed record CategoryPayload(SaleorCategory? Category) : SaleorMutationPayload;
    private sealed record CategoryCreateData(CategoryPayload CategoryCreate);
    private sealed record AdminProductData(AdminProduct? Product);
    private sealed record AdminProductsData(Connection<AdminProduct> Products);
    private sealed record ProductPayload(SlugRef? Product) : SaleorMutationPayload;
    private sealed record ProductCreateData(ProductPayload ProductCreate);
    private sealed record ProductUpdateData(ProductPayload ProductUpdate);
    private sealed record ProductChannelListingUpdateData(ProductPayload ProductChannelListingUpdate);
    private sealed record VariantRef(string Id);
    private sealed record VariantPayload(VariantRef? ProductVariant) : SaleorMutationPayload;
    private sealed record ProductVariantCreateData(VariantPayload ProductVariantCreate);
    private sealed record VariantChannelListingPayload(VariantRef? Variant) : SaleorMutationPayload;
    private sealed record VariantChannelListingUpdateData(VariantChannelListingPayload ProductVariantChannelListingUpdate);
    private sealed record VariantStocksCreateData(VariantPayload ProductVariantStocksCreate);
    private sealed record MetadataHolder(IReadOnlyList<MetadataItem> Metadata);
    private sealed record UpdateMetadataPayload(MetadataHolder? Item) : SaleorMutationPayload;
    private sealed record UpdateMetadataData(UpdateMetadataPayload UpdateMetadata);
}
