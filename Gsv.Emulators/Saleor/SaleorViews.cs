using GraphQL;
using static Gsv.Emulators.Saleor.SaleorGraph;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

/// <summary>Rows rendered as GraphQL objects (dictionaries keyed by schema field names). Callers hold the store's gate.</summary>
public sealed class SaleorViews(SaleorStore store)
{
    public const string Version = "3.23.28";

    public Node Channel(ChannelRow c) => new()
    {
        ["__typename"] = "Channel", ["id"] = Gid("Channel", c.Pk), ["slug"] = c.Slug, ["name"] = c.Name, ["currencyCode"] = c.Currency,
        ["isActive"] = c.IsActive, ["defaultCountry"] = new Node { ["code"] = c.DefaultCountry, ["country"] = c.DefaultCountry },
        ["warehouses"] = c.WarehousePks.Select(pk => Warehouse(store.Warehouses.First(w => w.Pk == pk))).ToArray(),
    };

    public Node Warehouse(WarehouseRow w) => new() { ["__typename"] = "Warehouse", ["id"] = Gid("Warehouse", w.Pk), ["slug"] = w.Slug, ["name"] = w.Name };

    public Node AttributeValue(AttributeRow a, AttributeValueRow v) => new()
    {
        ["__typename"] = "AttributeValue", ["id"] = Gid("AttributeValue", v.Pk), ["name"] = v.Name, ["slug"] = v.Slug,
        ["plainText"] = v.PlainText, ["boolean"] = v.Boolean, ["inputType"] = a.InputType, ["value"] = "",
    };

    public Node Attribute(AttributeRow a) => new()
    {
        ["__typename"] = "Attribute", ["id"] = Gid("Attribute", a.Pk), ["slug"] = a.Slug, ["name"] = a.Name, ["inputType"] = a.InputType,
        ["type"] = a.Type, ["visibleInStorefront"] = a.VisibleInStorefront, ["valueRequired"] = false,
        ["choices"] = (SaleorSchema.FieldResolver)(ctx => a.InputType is "DROPDOWN" or "MULTISELECT"
            ? Connection(ctx, a.Choices, v => [v.Slug, v.Pk], v => AttributeValue(a, v))
            : null),
    };

    public Node ProductType(ProductTypeRow t) => new()
    {
        ["__typename"] = "ProductType", ["id"] = Gid("ProductType", t.Pk), ["slug"] = t.Slug, ["name"] = t.Name, ["kind"] = t.Kind,
        ["isShippingRequired"] = t.IsShippingRequired, ["isDigital"] = t.IsDigital, ["hasVariants"] = false,
        ["productAttributes"] = t.AttributePks.Select(pk => Attribute(store.Attributes.First(a => a.Pk == pk))).ToArray(),
    };

    public Node Category(CategoryRow c) => new()
    {
        ["__typename"] = "Category", ["id"] = Gid("Category", c.Pk), ["slug"] = c.Slug, ["name"] = c.Name, ["description"] = c.Description,
        ["level"] = 0, ["parent"] = null,
        ["children"] = (SaleorSchema.FieldResolver)(ctx => Connection(ctx, Array.Empty<CategoryRow>(), x => [x.Slug], Category)),
    };

    /// <summary>A product as seen in <paramref name="channel"/> (null: no channel context, as for staff without one).</summary>
    public Node Product(ProductRow p, ChannelRow? channel)
    {
        var variants = store.Variants.Where(v => v.ProductPk == p.Pk).OrderBy(v => v.Pk).ToList();
        var prices = channel is null ? [] : variants.Where(v => v.Prices.ContainsKey(channel.Pk)).Select(v => v.Prices[channel.Pk]).ToList();
        var listing = channel is null ? null : p.Listings.GetValueOrDefault(channel.Pk);
        return new Node
        {
            ["__typename"] = "Product", ["id"] = Gid("Product", p.Pk), ["slug"] = p.Slug, ["name"] = p.Name, ["description"] = p.Description,
            ["seoTitle"] = null, ["seoDescription"] = null, ["created"] = p.Created.ToString("O"), ["updatedAt"] = p.Created.ToString("O"),
            ["channel"] = channel?.Slug, ["rating"] = null, ["isAvailable"] = listing?.IsAvailableForPurchase == true && prices.Count > 0,
            ["category"] = Category(store.Categories.First(c => c.Pk == p.CategoryPk)),
            ["productType"] = ProductType(store.ProductTypes.First(t => t.Pk == p.ProductTypePk)),
            ["isAvailableForPurchase"] = listing?.IsAvailableForPurchase,
            ["availableForPurchaseAt"] = null,
            ["pricing"] = channel is null || prices.Count == 0 ? null : new Node
            {
                ["onSale"] = false, ["displayGrossPrices"] = true, ["discount"] = null,
                ["priceRange"] = new Node { ["start"] = Taxed(prices.Min(), channel.Currency), ["stop"] = Taxed(prices.Max(), channel.Currency) },
                ["priceRangeUndiscounted"] = new Node { ["start"] = Taxed(prices.Min(), channel.Currency), ["stop"] = Taxed(prices.Max(), channel.Currency) },
            },
            ["attributes"] = store.ProductTypes.First(t => t.Pk == p.ProductTypePk).AttributePks.Select(pk =>
            {
                var attribute = store.Attributes.First(a => a.Pk == pk);
                return new Node
                {
                    ["attribute"] = Attribute(attribute),
                    ["values"] = p.Attributes.GetValueOrDefault(pk, []).Select(v => AttributeValue(attribute, v)).ToArray(),
                };
            }).ToArray(),
            ["variants"] = variants.Where(v => channel is null || v.Prices.ContainsKey(channel.Pk)).Select(v => Variant(v, channel)).ToArray(),
            ["channelListings"] = p.Listings.Select(kv => new Node
            {
                ["id"] = Gid("ProductChannelListing", $"{p.Pk}-{kv.Key}"), ["channel"] = Channel(store.Channels.First(c => c.Pk == kv.Key)),
                ["isPublished"] = kv.Value.IsPublished, ["visibleInListings"] = kv.Value.VisibleInListings,
                ["isAvailableForPurchase"] = kv.Value.IsAvailableForPurchase,
            }).ToArray(),
            ["metadata"] = Metadata(p.Metadata), ["privateMetadata"] = Array.Empty<Node>(),
            ["thumbnail"] = (SaleorSchema.FieldResolver)(_ => null),
        };
    }

    public Node Variant(VariantRow v, ChannelRow? channel) => new()
    {
        ["__typename"] = "ProductVariant", ["id"] = Gid("ProductVariant", v.Pk), ["sku"] = v.Sku, ["name"] = v.Name, ["trackInventory"] = v.TrackInventory,
        ["product"] = (SaleorSchema.FieldResolver)(_ => Product(store.Products.First(p => p.Pk == v.ProductPk), channel)),
        ["pricing"] = channel is not null && v.Prices.TryGetValue(channel.Pk, out var price)
            ? new Node { ["onSale"] = false, ["price"] = Taxed(price, channel.Currency), ["priceUndiscounted"] = Taxed(price, channel.Currency) }
            : null,
        ["channelListings"] = v.Prices.Select(kv =>
        {
            var c = store.Channels.First(x => x.Pk == kv.Key);
            return new Node { ["id"] = Gid("ProductVariantChannelListing", $"{v.Pk}-{c.Pk}"), ["channel"] = Channel(c), ["price"] = Money(kv.Value, c.Currency) };
        }).ToArray(),
        ["stocks"] = v.Stocks.Select(kv => new Node
        {
            ["id"] = Gid("Stock", $"{v.Pk}-{kv.Key}"), ["warehouse"] = Warehouse(store.Warehouses.First(w => w.Pk == kv.Key)),
            ["quantity"] = kv.Value, ["quantityAllocated"] = 0,
        }).ToArray(),
        ["quantityAvailable"] = (SaleorSchema.FieldResolver)(_ => v.Stocks.Values.Sum()),
        ["metadata"] = Array.Empty<Node>(),
    };

    public decimal LinePrice(CheckoutRow c, CheckoutLineRow line) =>
        store.Variants.First(v => v.Pk == line.VariantPk).Prices.GetValueOrDefault(c.ChannelPk) * line.Quantity;

    public decimal Total(CheckoutRow c) => c.Lines.Sum(l => LinePrice(c, l));

    public Node Checkout(CheckoutRow c)
    {
        var channel = store.Channels.First(x => x.Pk == c.ChannelPk);
        var total = Total(c);
        var charged = c.Payments.Where(p => p.ChargeStatus == "FULLY_CHARGED").Sum(p => p.Amount);
        return new Node
        {
            ["__typename"] = "Checkout", ["id"] = Gid("Checkout", c.Token), ["token"] = c.Token.ToString(), ["email"] = c.Email,
            ["created"] = c.Created.ToString("O"), ["channel"] = Channel(channel),
            ["totalPrice"] = Taxed(total, channel.Currency), ["subtotalPrice"] = Taxed(total, channel.Currency),
            ["isShippingRequired"] = false,
            ["chargeStatus"] = charged >= total ? "FULL" : charged > 0 ? "PARTIAL" : "NONE",
            ["lines"] = c.Lines.Select(l => new Node
            {
                ["__typename"] = "CheckoutLine", ["id"] = Gid("CheckoutLine", l.Id), ["quantity"] = l.Quantity,
                ["variant"] = Variant(store.Variants.First(v => v.Pk == l.VariantPk), channel),
                ["totalPrice"] = Taxed(LinePrice(c, l), channel.Currency),
                ["metadata"] = Array.Empty<Node>(),
            }).ToArray(),
            ["billingAddress"] = c.BillingAddress,
            ["metadata"] = Metadata(c.Metadata), ["privateMetadata"] = Array.Empty<Node>(),
        };
    }

    public Node Payment(PaymentRow p, string currency) => new()
    {
        ["__typename"] = "Payment", ["id"] = Gid("Payment", p.Pk), ["gateway"] = p.Gateway, ["chargeStatus"] = p.ChargeStatus,
        ["total"] = Money(p.Amount, currency), ["capturedAmount"] = Money(p.ChargeStatus == "FULLY_CHARGED" ? p.Amount : 0, currency),
        ["isActive"] = true,
    };

    public static string ChargeStatus(OrderRow o) => o.Charged > o.Total ? "OVERCHARGED" : o.Charged == o.Total ? "FULL" : o.Charged > 0 ? "PARTIAL" : "NONE";

    public Node Order(OrderRow o)
    {
        var channel = store.Channels.First(x => x.Pk == o.ChannelPk);
        var user = o.UserPk is { } pk ? store.Users.FirstOrDefault(u => u.Pk == pk) : null;
        return new Node
        {
            ["__typename"] = "Order", ["id"] = Gid("Order", o.Id), ["number"] = o.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["status"] = o.Status, ["isPaid"] = o.Charged >= o.Total, ["chargeStatus"] = ChargeStatus(o), ["authorizeStatus"] = "FULL",
            ["paymentStatus"] = o.PaymentStatus, ["created"] = o.Created.ToString("O"),
            ["updatedAt"] = (o.Updated == default ? o.Created : o.Updated).ToString("O"), ["userEmail"] = o.Email,
            ["user"] = user is null ? null : new Node { ["__typename"] = "User", ["id"] = Gid("User", user.Pk), ["email"] = user.Email },
            ["channel"] = Channel(channel), ["total"] = Taxed(o.Total, channel.Currency), ["subtotal"] = Taxed(o.Total, channel.Currency),
            ["totalCharged"] = Money(o.Charged, channel.Currency),
            ["lines"] = o.Lines.Select(l => new Node
            {
                ["__typename"] = "OrderLine", ["id"] = Gid("OrderLine", l.Id), ["productName"] = l.ProductName, ["variantName"] = l.VariantName,
                ["productSku"] = l.Sku, ["quantity"] = l.Quantity, ["isShippingRequired"] = false,
                ["unitPrice"] = Taxed(l.UnitPrice, channel.Currency), ["totalPrice"] = Taxed(l.UnitPrice * l.Quantity, channel.Currency),
                ["variant"] = l.VariantPk is { } vpk && store.Variants.FirstOrDefault(v => v.Pk == vpk) is { } variant ? Variant(variant, channel) : null,
                ["metadata"] = Array.Empty<Node>(),
            }).ToArray(),
            ["metadata"] = Metadata(o.Metadata), ["privateMetadata"] = Metadata(o.PrivateMetadata),
            ["transactions"] = Array.Empty<Node>(),
        };
    }

    public Node App(AppRow a) => new()
    {
        ["__typename"] = "App", ["id"] = Gid("App", a.Pk), ["name"] = a.Name, ["identifier"] = a.Identifier, ["isActive"] = a.IsActive,
        ["permissions"] = a.Permissions.Select(p => new Node { ["code"] = p, ["name"] = p }).ToArray(),
        ["webhooks"] = store.Webhooks.Where(w => w.AppPk == a.Pk).Select(Webhook).ToArray(),
        ["tokens"] = a.Tokens.Select(AppToken).ToArray(),
        ["metadata"] = Array.Empty<Node>(),
    };

    /// <summary>An app token as Saleor lists it: only the last four characters of the value.</summary>
    public static Node AppToken(AppTokenRow t) => new()
    {
        ["__typename"] = "AppToken", ["id"] = Gid("AppToken", t.Pk), ["name"] = t.Name, ["authToken"] = t.Token[^4..],
    };

    public Node Webhook(WebhookRow w) => new()
    {
        ["__typename"] = "Webhook", ["id"] = Gid("Webhook", w.Pk), ["name"] = w.Name, ["targetUrl"] = w.TargetUrl, ["isActive"] = w.IsActive,
        ["subscriptionQuery"] = w.Query, ["syncEvents"] = Array.Empty<Node>(),
        ["asyncEvents"] = w.AsyncEvents.Select(e => new Node { ["eventType"] = e, ["name"] = e }).ToArray(),
        ["app"] = (SaleorSchema.FieldResolver)(_ => App(store.Apps.First(a => a.Pk == w.AppPk))),
        ["eventDeliveries"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            var deliveries = store.Deliveries.Where(d => d.WebhookPk == w.Pk).OrderByDescending(d => d.Pk).ToList();
            return Connection(ctx, deliveries, d => [d.Pk], Delivery);
        }),
    };

    public Node Delivery(DeliveryRow d) => new()
    {
        ["__typename"] = "EventDelivery", ["id"] = Gid("EventDelivery", d.Pk), ["status"] = d.Status, ["eventType"] = d.EventType,
        ["createdAt"] = d.CreatedAt.ToString("O"), ["payload"] = System.Text.Encoding.UTF8.GetString(d.Payload),
        ["attempts"] = (SaleorSchema.FieldResolver)(ctx => Connection(ctx, d.Attempts.ToList(), a => [a.Pk], a => new Node
        {
            ["__typename"] = "EventDeliveryAttempt", ["id"] = Gid("EventDeliveryAttempt", a.Pk), ["status"] = a.Status,
            ["responseStatusCode"] = a.ResponseStatusCode, ["createdAt"] = a.CreatedAt.ToString("O"), ["response"] = a.Response,
        })),
    };

    public Node User(UserRow u) => new()
    {
        ["__typename"] = "User", ["id"] = Gid("User", u.Pk), ["email"] = u.Email, ["isStaff"] = u.IsStaff, ["isActive"] = true,
    };
}
