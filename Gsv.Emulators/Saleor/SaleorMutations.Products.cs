using System.Globalization;
using GraphQL;
using static Gsv.Emulators.Saleor.SaleorGraph;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

public sealed partial class SaleorMutations
{
    private Node ProductCreate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCTS");
        var input = InputArg(ctx);
        var type = store.ProductTypes.FirstOrDefault(t => t.Pk == IntPk(Str(input, "productType"), "ProductType"));
        if (type is null)
        {
            return Failed(Error("productType", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var category = store.Categories.FirstOrDefault(c => c.Pk == IntPk(Str(input, "category"), "Category"));
        if (category is null)
        {
            return Failed(Error("category", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var name = Str(input, "name")!;
        var slug = Str(input, "slug") ?? Slugify(name);
        if (store.Products.Any(p => p.Slug == slug))
        {
            return Failed(Error("slug", "UNIQUE", "Product with this Slug already exists."));
        }

        var product = new ProductRow
        {
            Pk = store.NextPk(), Name = name, Slug = slug, Description = Str(input, "description"), ProductTypePk = type.Pk, CategoryPk = category.Pk,
            Created = time.GetUtcNow(),
        };
        foreach (var attributeInput in List(Get(input, "attributes")).Select(Obj))
        {
            var attribute = store.Attributes.FirstOrDefault(a => a.Pk == IntPk(Str(attributeInput, "id"), "Attribute"));
            if (attribute is null || !type.AttributePks.Contains(attribute.Pk))
            {
                return Failed(Error("attributes", "INVALID", "Attribute is not assigned to this product type."));
            }

            if (AssignValues(product, attribute, attributeInput) is { } error)
            {
                return Failed(error);
            }
        }

        foreach (var item in List(Get(input, "metadata")).Select(Obj))
        {
            product.Metadata[Str(item, "key")!] = Str(item, "value") ?? "";
        }

        store.Products.Add(product);
        webhooks.EnqueueProduct("PRODUCT_CREATED", product.Pk);
        return Payload("product", views.Product(product, null));
    }

    /// <summary>Typed attribute value input: selectable values are found (or created) among the attribute's choices.</summary>
    private Node? AssignValues(ProductRow product, AttributeRow attribute, IDictionary<string, object?>? input)
    {
        var values = new List<AttributeValueRow>();
        AttributeValueRow Choice(string value)
        {
            var found = attribute.Choices.FirstOrDefault(c => c.Name == value || c.Slug == Slugify(value));
            if (found is null)
            {
                found = new AttributeValueRow { Pk = store.NextPk(), AttributePk = attribute.Pk, Name = value, Slug = Slugify(value) };
                attribute.Choices.Add(found);
            }

            return found;
        }

        switch (attribute.InputType)
        {
            case "DROPDOWN":
                var dropdown = Str(Obj(Get(input, "dropdown")), "value") ?? (Strings(input, "values") is { Count: > 0 } given ? given[0] : null);
                if (dropdown is not null)
                {
                    values.Add(Choice(dropdown));
                }

                break;
            case "MULTISELECT":
                var selected = List(Get(input, "multiselect")).Select(Obj).Select(v => Str(v, "value")).OfType<string>().Concat(Strings(input, "values"));
                values.AddRange(selected.Select(Choice));
                break;
            case "PLAIN_TEXT":
                var text = Str(input, "plainText");
                if (text is not null)
                {
                    values.Add(new AttributeValueRow { Pk = store.NextPk(), AttributePk = attribute.Pk, Name = text.Length > 200 ? text[..200] : text, Slug = $"{product.Pk}_{attribute.Pk}", PlainText = text });
                }

                break;
            case "NUMERIC":
                var numeric = Str(input, "numeric") ?? (Strings(input, "values") is { Count: > 0 } givenNumeric ? givenNumeric[0] : null);
                if (numeric is not null)
                {
                    if (!decimal.TryParse(numeric, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    {
                        return Error("attributes", "INVALID", "Numeric value is required.");
                    }

                    values.Add(new AttributeValueRow { Pk = store.NextPk(), AttributePk = attribute.Pk, Name = numeric, Slug = $"{product.Pk}_{attribute.Pk}" });
                }

                break;
            case "BOOLEAN":
                if (Bool(input, "boolean") is { } flag)
                {
                    values.Add(new AttributeValueRow
                    {
                        Pk = store.NextPk(), AttributePk = attribute.Pk, Name = $"{attribute.Name}: {(flag ? "Yes" : "No")}",
                        Slug = $"{attribute.Pk}_{(flag ? "true" : "false")}", Boolean = flag,
                    });
                }

                break;
            default:
                return Error("attributes", "INVALID", $"Input type {attribute.InputType} is not supported here.");
        }

        product.Attributes[attribute.Pk] = values;
        return null;
    }

    private Node ProductChannelListingUpdate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCTS");
        var product = store.Products.FirstOrDefault(p => p.Pk == IntPk(Arg(ctx, "id") as string, "Product"));
        if (product is null)
        {
            return Failed(Error("id", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        foreach (var update in List(Get(InputArg(ctx), "updateChannels")).Select(Obj))
        {
            var channel = store.Channels.FirstOrDefault(c => c.Pk == IntPk(Str(update, "channelId"), "Channel"));
            if (channel is null)
            {
                return Failed(Error("channelId", "NOT_FOUND", "Couldn't resolve to a node."));
            }

            var listing = product.Listings.GetValueOrDefault(channel.Pk) ?? new ProductListingRow();
            listing.IsPublished = Bool(update, "isPublished") ?? listing.IsPublished;
            listing.VisibleInListings = Bool(update, "visibleInListings") ?? listing.VisibleInListings;
            listing.IsAvailableForPurchase = Bool(update, "isAvailableForPurchase") ?? listing.IsAvailableForPurchase;
            product.Listings[channel.Pk] = listing;
        }

        // Saleor's ProductChannelListingUpdate sends PRODUCT_UPDATED (publishing changes what the storefront lists).
        webhooks.EnqueueProduct("PRODUCT_UPDATED", product.Pk);
        return Payload("product", views.Product(product, null));
    }

    private Node ProductVariantCreate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCTS");
        var input = InputArg(ctx);
        var product = store.Products.FirstOrDefault(p => p.Pk == IntPk(Str(input, "product"), "Product"));
        if (product is null)
        {
            return Failed(Error("product", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var sku = Str(input, "sku");
        if (sku is not null && store.Variants.Any(v => v.Sku == sku))
        {
            return Failed(Error("sku", "UNIQUE", "Product variant with this SKU already exists."));
        }

        var variant = new VariantRow { Pk = store.NextPk(), ProductPk = product.Pk, Sku = sku, Name = Str(input, "name") ?? "", TrackInventory = Bool(input, "trackInventory") ?? true };
        if (AddStocks(variant, List(Get(input, "stocks"))) is { } error)
        {
            return Failed(error);
        }

        store.Variants.Add(variant);
        return Payload("productVariant", views.Variant(variant, null));
    }

    private Node? AddStocks(VariantRow variant, IReadOnlyList<object?> stocks)
    {
        foreach (var stock in stocks.Select(Obj))
        {
            var warehouse = store.Warehouses.FirstOrDefault(w => w.Pk == IntPk(Str(stock, "warehouse"), "Warehouse"));
            if (warehouse is null)
            {
                return Error("warehouse", "NOT_FOUND", "Couldn't resolve to a node.");
            }

            if (variant.Stocks.ContainsKey(warehouse.Pk))
            {
                return Error("warehouse", "UNIQUE", "Stock for this warehouse already exists for this product variant.");
            }

            variant.Stocks[warehouse.Pk] = Convert.ToInt32(Get(stock, "quantity"), CultureInfo.InvariantCulture);
        }

        return null;
    }

    private Node ProductVariantChannelListingUpdate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCTS");
        var variant = store.Variants.FirstOrDefault(v => v.Pk == IntPk(Arg(ctx, "id") as string, "ProductVariant"));
        if (variant is null)
        {
            return Failed(Error("id", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var product = store.Products.First(p => p.Pk == variant.ProductPk);
        foreach (var entry in List(Arg(ctx, "input")).Select(Obj))
        {
            var channel = store.Channels.FirstOrDefault(c => c.Pk == IntPk(Str(entry, "channelId"), "Channel"));
            if (channel is null)
            {
                return Failed(Error("channelId", "NOT_FOUND", "Couldn't resolve to a node."));
            }

            if (!product.Listings.ContainsKey(channel.Pk))
            {
                return Failed(Error("channelId", "PRODUCT_NOT_ASSIGNED_TO_CHANNEL", "Product not available in channels."));
            }

            if (Dec(Get(entry, "price")) is not { } price || price < 0)
            {
                return Failed(Error("price", "INVALID", "Product price cannot be lower than 0."));
            }

            variant.Prices[channel.Pk] = price;
        }

        // Saleor's ProductVariantChannelListingUpdate sends PRODUCT_VARIANT_UPDATED (a price changed).
        webhooks.EnqueueVariant("PRODUCT_VARIANT_UPDATED", variant.Pk);
        return Payload("variant", views.Variant(variant, null));
    }

    private Node ProductVariantStocksCreate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCTS");
        var variant = store.Variants.FirstOrDefault(v => v.Pk == IntPk(Arg(ctx, "variantId") as string, "ProductVariant"));
        if (variant is null)
        {
            return Failed(Error("variantId", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        return AddStocks(variant, List(Arg(ctx, "stocks"))) is { } error ? Failed(error) : Payload("productVariant", views.Variant(variant, null));
    }

    private Node UpdateMetadata(IResolveFieldContext ctx)
    {
        var id = Arg(ctx, "id") as string;
        Dictionary<string, string>? target = null;
        Func<Node>? item = null;
        switch (ParseGid(id)?.Type)
        {
            case "Checkout":
                var checkout = store.Checkouts.FirstOrDefault(c => c.Token == GuidPk(id, "Checkout"));
                target = checkout?.Metadata;
                item = checkout is null ? null : () => views.Checkout(checkout);
                break;
            case "Order":
                Require(ctx, "MANAGE_ORDERS");
                var order = store.Orders.FirstOrDefault(o => o.Id == GuidPk(id, "Order"));
                target = order?.Metadata;
                if (order is not null)
                {
                    order.Updated = time.GetUtcNow();
                }

                item = order is null ? null : () => views.Order(order);
                break;
            case "Product":
                Require(ctx, "MANAGE_PRODUCTS");
                var product = store.Products.FirstOrDefault(p => p.Pk == IntPk(id, "Product"));
                target = product?.Metadata;
                item = product is null ? null : () => views.Product(product, null);
                break;
        }

        if (target is null || item is null)
        {
            return Failed(Error("id", "NOT_FOUND", $"Couldn't resolve to a node: {id}"));
        }

        foreach (var entry in List(Arg(ctx, "input")).Select(Obj))
        {
            var key = Str(entry, "key");
            if (string.IsNullOrWhiteSpace(key))
            {
                return Failed(Error("input", "REQUIRED", "Metadata key cannot be empty."));
            }

            target[key] = Str(entry, "value") ?? "";
        }

        return Payload("item", item());
    }
}
