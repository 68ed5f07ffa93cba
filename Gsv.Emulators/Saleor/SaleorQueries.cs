using GraphQL;
using static Gsv.Emulators.Saleor.SaleorGraph;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

/// <summary>The <c>Query</c> root: the reads the platform makes.</summary>
public sealed class SaleorQueries(SaleorStore store, SaleorViews views)
{
    public Node Root() => new()
    {
        ["channel"] = (SaleorSchema.FieldResolver)Channel,
        ["warehouses"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            Require(ctx, "MANAGE_PRODUCTS", "MANAGE_ORDERS", "MANAGE_SHIPPING");
            var slugs = Strings(Obj(Arg(ctx, "filter")), "slugs");
            var rows = store.Warehouses.Where(w => slugs.Count == 0 || slugs.Contains(w.Slug)).OrderBy(w => w.Slug).ToList();
            return Connection(ctx, rows, w => [w.Slug, w.Pk], views.Warehouse);
        }),
        ["attributes"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            var slugs = Strings(Obj(Arg(ctx, "filter")), "slugs");
            var rows = store.Attributes.Where(a => slugs.Count == 0 || slugs.Contains(a.Slug)).OrderBy(a => a.Slug).ToList();
            return Connection(ctx, rows, a => [a.Slug, a.Pk], views.Attribute);
        }),
        ["productTypes"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            var slugs = Strings(Obj(Arg(ctx, "filter")), "slugs");
            var rows = store.ProductTypes.Where(t => slugs.Count == 0 || slugs.Contains(t.Slug)).OrderBy(t => t.Name).ToList();
            return Connection(ctx, rows, t => [t.Name, t.Slug, t.Pk], views.ProductType);
        }),
        ["categories"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            var slugs = Strings(Obj(Arg(ctx, "filter")), "slugs");
            var rows = store.Categories.Where(c => slugs.Count == 0 || slugs.Contains(c.Slug)).OrderBy(c => c.Name).ToList();
            return Connection(ctx, rows, c => [c.Name, c.Slug, c.Pk], views.Category);
        }),
        ["product"] = (SaleorSchema.FieldResolver)Product,
        ["products"] = (SaleorSchema.FieldResolver)Products,
        ["apps"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            Require(ctx, "MANAGE_APPS");
            var search = Str(Obj(Arg(ctx, "filter")), "search");
            var rows = store.Apps.Where(a => string.IsNullOrEmpty(search) || a.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
                || (a.Identifier?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false)).OrderBy(a => a.Name).ToList();
            return Connection(ctx, rows, a => [a.Name, a.Pk], views.App);
        }),
        ["webhook"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            var pk = IntPk(Arg(ctx, "id") as string, "Webhook");
            var webhook = store.Webhooks.FirstOrDefault(w => w.Pk == pk);
            var caller = Caller(ctx);
            if (webhook is not null && !caller.Has("MANAGE_APPS") && caller.App?.Pk != webhook.AppPk)
            {
                throw PermissionDenied(["MANAGE_APPS", "AUTHENTICATED_APP"]);
            }

            return webhook is null ? null : views.Webhook(webhook);
        }),
        ["order"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            var id = GuidPk(Arg(ctx, "id") as string, "Order");
            var order = store.Orders.FirstOrDefault(o => o.Id == id);
            var caller = Caller(ctx);
            if (!caller.Has("MANAGE_ORDERS") && (order is null || caller.User is null || caller.User.Pk != order.UserPk))
            {
                throw PermissionDenied(["MANAGE_ORDERS"]);
            }

            return order is null ? null : views.Order(order);
        }),
        ["orders"] = (SaleorSchema.FieldResolver)Orders,
        ["checkout"] = (SaleorSchema.FieldResolver)(ctx =>
        {
            var token = GuidPk(Arg(ctx, "id") as string, "Checkout") ?? (Guid.TryParse(Arg(ctx, "token")?.ToString(), out var t) ? t : null);
            var checkout = store.Checkouts.FirstOrDefault(c => c.Token == token && !c.Completed);
            return checkout is null ? null : views.Checkout(checkout);
        }),
    };

    /// <summary>
    /// Staff/app order list (MANAGE_ORDERS): <c>filter.updatedAt</c> (gte/lte), <c>filter.chargeStatus</c>, and
    /// <c>sortBy</c> NUMBER (default, newest first) or LAST_MODIFIED_AT / CREATED_AT, ascending or descending.
    /// </summary>
    private Node Orders(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_ORDERS");
        var filter = Obj(Arg(ctx, "filter"));
        var updated = Obj(Get(filter, "updatedAt"));
        var (from, to) = (Time(Get(updated, "gte")), Time(Get(updated, "lte")));
        var charge = Strings(filter, "chargeStatus");
        DateTimeOffset UpdatedOf(OrderRow o) => o.Updated == default ? o.Created : o.Updated;
        var rows = store.Orders.Where(o => (from is null || UpdatedOf(o) >= from) && (to is null || UpdatedOf(o) <= to)
            && (charge.Count == 0 || charge.Contains(SaleorViews.ChargeStatus(o))));

        var sort = Obj(Arg(ctx, "sortBy"));
        var descending = Str(sort, "direction") != "ASC";
        Func<OrderRow, object[]> key = Str(sort, "field") switch
        {
            "LAST_MODIFIED_AT" => o => [UpdatedOf(o).UtcTicks, o.Number],
            "CREATED_AT" or "CREATION_DATE" => o => [o.Created.UtcTicks, o.Number],
            _ => o => [o.Number],
        };
        var sorted = (descending ? rows.OrderByDescending(o => key(o)[0]).ThenByDescending(o => o.Number) : rows.OrderBy(o => key(o)[0]).ThenBy(o => o.Number)).ToList();
        return Connection(ctx, sorted, key, views.Order);
    }

    private static DateTimeOffset? Time(object? value) => value switch
    {
        DateTimeOffset time => time,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time) => time,
        _ => null,
    };

    private Node? Channel(IResolveFieldContext ctx)
    {
        var slug = Arg(ctx, "slug") as string;
        var pk = IntPk(Arg(ctx, "id") as string, "Channel");
        var channel = store.Channels.FirstOrDefault(c => (slug is not null && c.Slug == slug) || (pk is not null && c.Pk == pk));
        return channel is null ? null : views.Channel(channel);
    }

    /// <summary>
    /// Saleor resolves <c>channel</c> to the given slug, or to the only channel when there is exactly one;
    /// several channels and no slug is an error.
    /// </summary>
    private ChannelRow? ResolveChannel(IResolveFieldContext ctx)
    {
        if (Arg(ctx, "channel") is string slug)
        {
            return store.Channels.FirstOrDefault(c => c.Slug == slug);
        }

        return store.Channels.Count switch
        {
            0 => null,
            1 => store.Channels[0],
            _ => throw new ExecutionError("More than one channel exists. Specify which channel to use.") { Code = "GraphQLError" },
        };
    }

    private bool Visible(IResolveFieldContext ctx, ProductRow p, ChannelRow? channel, bool listing)
    {
        if (Caller(ctx).Has("MANAGE_PRODUCTS"))
        {
            return channel is null || p.Listings.ContainsKey(channel.Pk);
        }

        return channel is not null && p.Listings.TryGetValue(channel.Pk, out var l) && l.IsPublished && (!listing || l.VisibleInListings);
    }

    private Node? Product(IResolveFieldContext ctx)
    {
        var slug = Arg(ctx, "slug") as string;
        var pk = IntPk(Arg(ctx, "id") as string, "Product");
        var channel = Arg(ctx, "channel") is null && Caller(ctx).Has("MANAGE_PRODUCTS") ? null : ResolveChannel(ctx);
        var product = store.Products.FirstOrDefault(p => (slug is not null && p.Slug == slug) || (pk is not null && p.Pk == pk));
        return product is not null && Visible(ctx, product, channel, listing: false) ? views.Product(product, channel) : null;
    }

    private string SearchText(ProductRow p) => string.Join(' ',
        new[] { p.Name, p.Slug, DescriptionPlainText(p.Description) }
            .Concat(store.Variants.Where(v => v.ProductPk == p.Pk).Select(v => v.Sku ?? ""))
            .Concat(p.Attributes.Values.SelectMany(values => values).Select(v => v.Name)));

    /// <summary>Saleor's <c>description_plaintext</c>: the text of the Editor.js blocks, without markup.</summary>
    private static string DescriptionPlainText(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return "";
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(description);
            if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("blocks", out var blocks) && blocks.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                var texts = blocks.EnumerateArray()
                    .Where(b => b.ValueKind == System.Text.Json.JsonValueKind.Object && b.TryGetProperty("data", out var d) && d.ValueKind == System.Text.Json.JsonValueKind.Object
                        && d.TryGetProperty("text", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.String)
                    .Select(b => b.GetProperty("data").GetProperty("text").GetString());
                return System.Text.RegularExpressions.Regex.Replace(string.Join(' ', texts), "<[^>]*>", " ");
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // A plain-text description.
        }

        return description;
    }

    private Node Products(IResolveFieldContext ctx)
    {
        var where = Obj(Arg(ctx, "where"));
        var filter = Obj(Arg(ctx, "filter"));
        if (where is not null && filter is not null)
        {
            throw new ExecutionError("Only one filtering argument (filter or where) can be specified.") { Code = "GraphQLError" };
        }

        var channel = Arg(ctx, "channel") is null && Caller(ctx).Has("MANAGE_PRODUCTS") ? null : ResolveChannel(ctx);
        IEnumerable<ProductRow> rows = store.Products.Where(p => Visible(ctx, p, channel, listing: true));

        // filter.slugs (an empty list filters nothing, as in Saleor).
        var slugs = Strings(filter, "slugs").ToHashSet(StringComparer.Ordinal);
        if (slugs.Count > 0)
        {
            rows = rows.Where(p => slugs.Contains(p.Slug));
        }

        var categoryIds = where is not null ? Strings(Obj(Get(where, "category")), "oneOf").Concat(Strings(Obj(Get(where, "category")), "eq")) : Strings(filter, "categories");
        var categoryPks = categoryIds.Select(id => IntPk(id, "Category")).ToHashSet();
        if (categoryIds.Any())
        {
            rows = rows.Where(p => categoryPks.Contains(p.CategoryPk));
        }

        foreach (var attributeFilter in List(Get(where ?? filter, "attributes")).Select(Obj))
        {
            var attribute = store.Attributes.FirstOrDefault(a => a.Slug == Str(attributeFilter, "slug"));
            var valueFilter = Obj(Get(attributeFilter, "value"));
            var slugFilter = Obj(Get(valueFilter, "slug"));
            var wanted = Strings(slugFilter, "oneOf").Concat(Strings(slugFilter, "eq")).Concat(Strings(attributeFilter, "values")).ToHashSet();
            var boolean = Bool(valueFilter, "boolean") ?? Bool(attributeFilter, "boolean");
            rows = rows.Where(p => attribute is not null && p.Attributes.TryGetValue(attribute.Pk, out var values)
                && (wanted.Count == 0 || values.Any(v => wanted.Contains(v.Slug)))
                && (boolean is null || values.Any(v => v.Boolean == boolean)));
        }

        // where.price: a variant's price in the channel (DecimalFilterInput: eq, oneOf, range { gte, lte }).
        if (Obj(Get(where, "price")) is { } price && channel is not null)
        {
            var eq = Dec(Get(price, "eq"));
            var oneOf = List(Get(price, "oneOf")).Select(Dec).ToList();
            var range = Obj(Get(price, "range"));
            var (gte, lte) = (Dec(Get(range, "gte")), Dec(Get(range, "lte")));
            bool Matches(decimal p) => (eq is null || p == eq) && (oneOf.Count == 0 || oneOf.Contains(p))
                && (gte is null || p >= gte) && (lte is null || p <= lte);
            rows = rows.Where(p => store.Variants.Any(v => v.ProductPk == p.Pk && v.Prices.TryGetValue(channel.Pk, out var amount) && Matches(amount)));
        }

        // Saleor searches a product's search vector (name, slug, description's plain text, SKUs, attribute values):
        // every word of the query must occur.
        var search = Arg(ctx, "search") as string ?? Str(filter, "search");
        if (!string.IsNullOrWhiteSpace(search))
        {
            var words = search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            rows = rows.Where(p =>
            {
                var text = SearchText(p);
                return words.All(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
            }).ToList();
        }

        var sort = Obj(Arg(ctx, "sortBy"));
        var descending = Str(sort, "direction") == "DESC";
        decimal MinPrice(ProductRow p) => channel is null ? 0 : store.Variants.Where(v => v.ProductPk == p.Pk && v.Prices.ContainsKey(channel.Pk)).Select(v => v.Prices[channel.Pk]).DefaultIfEmpty().Min();
        Func<ProductRow, object[]> key = Str(sort, "field") switch
        {
            "PRICE" or "MINIMAL_PRICE" => p => [MinPrice(p), p.Slug],
            "CREATED_AT" or "LAST_MODIFIED_AT" or "PUBLISHED_AT" or "LAST_MODIFIED" or "DATE" => p => [p.Created, p.Slug],
            "NAME" or null or _ => p => [p.Name, p.Slug],
        };
        var sorted = rows.OrderBy(p => key(p)[0]).ThenBy(p => p.Slug).ToList();
        if (descending)
        {
            sorted.Reverse();
        }

        return Connection(ctx, sorted, p => key(p).Select(k => k is DateTimeOffset d ? (object)d.ToString("O") : k).ToArray(), p => views.Product(p, channel));
    }
}
