using System.Security.Cryptography;
using GraphQL;
using static Gsv.Emulators.Saleor.SaleorGraph;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

/// <summary>The <c>Mutation</c> root: the writes the platform makes, with Saleor's validation and error codes.</summary>
public sealed partial class SaleorMutations(SaleorStore store, SaleorViews views, SaleorSigningKey key, SaleorWebhookDispatcher webhooks, SaleorEmulatorOptions options, TimeProvider time)
{
    private static readonly string[] InputTypes = ["DROPDOWN", "MULTISELECT", "PLAIN_TEXT", "NUMERIC", "BOOLEAN", "RICH_TEXT", "DATE", "DATE_TIME", "SWATCH", "FILE", "REFERENCE", "SINGLE_REFERENCE"];

    public Node Root() => new()
    {
        ["tokenCreate"] = (SaleorSchema.FieldResolver)TokenCreate,
        ["channelCreate"] = (SaleorSchema.FieldResolver)ChannelCreate,
        ["channelUpdate"] = (SaleorSchema.FieldResolver)ChannelUpdate,
        ["createWarehouse"] = (SaleorSchema.FieldResolver)CreateWarehouse,
        ["attributeCreate"] = (SaleorSchema.FieldResolver)AttributeCreate,
        ["productTypeCreate"] = (SaleorSchema.FieldResolver)ProductTypeCreate,
        ["categoryCreate"] = (SaleorSchema.FieldResolver)CategoryCreate,
        ["productCreate"] = (SaleorSchema.FieldResolver)ProductCreate,
        ["productUpdate"] = (SaleorSchema.FieldResolver)ProductUpdate,
        ["productChannelListingUpdate"] = (SaleorSchema.FieldResolver)ProductChannelListingUpdate,
        ["productVariantCreate"] = (SaleorSchema.FieldResolver)ProductVariantCreate,
        ["productVariantChannelListingUpdate"] = (SaleorSchema.FieldResolver)ProductVariantChannelListingUpdate,
        ["productVariantStocksCreate"] = (SaleorSchema.FieldResolver)ProductVariantStocksCreate,
        ["updateMetadata"] = (SaleorSchema.FieldResolver)UpdateMetadata,
        ["appCreate"] = (SaleorSchema.FieldResolver)AppCreate,
        ["appUpdate"] = (SaleorSchema.FieldResolver)AppUpdate,
        ["appTokenCreate"] = (SaleorSchema.FieldResolver)AppTokenCreate,
        ["appTokenDelete"] = (SaleorSchema.FieldResolver)AppTokenDelete,
        ["webhookCreate"] = (SaleorSchema.FieldResolver)WebhookCreate,
        ["webhookUpdate"] = (SaleorSchema.FieldResolver)WebhookUpdate,
        ["checkoutCreate"] = (SaleorSchema.FieldResolver)CheckoutCreate,
        ["checkoutLinesAdd"] = (SaleorSchema.FieldResolver)CheckoutLinesAdd,
        ["checkoutLinesUpdate"] = (SaleorSchema.FieldResolver)CheckoutLinesUpdate,
        ["checkoutLinesDelete"] = (SaleorSchema.FieldResolver)CheckoutLinesDelete,
        ["checkoutEmailUpdate"] = (SaleorSchema.FieldResolver)CheckoutEmailUpdate,
        ["checkoutBillingAddressUpdate"] = (SaleorSchema.FieldResolver)CheckoutBillingAddressUpdate,
        ["checkoutPaymentCreate"] = (SaleorSchema.FieldResolver)CheckoutPaymentCreate,
        ["checkoutComplete"] = (SaleorSchema.FieldResolver)CheckoutComplete,
    };

    // ---- auth ----------------------------------------------------------------------------------------------------

    private Node TokenCreate(IResolveFieldContext ctx)
    {
        var email = Arg(ctx, "email") as string;
        var user = store.Users.FirstOrDefault(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase));
        if (user is null || !CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(user.Password), System.Text.Encoding.UTF8.GetBytes(Arg(ctx, "password") as string ?? "")))
        {
            return Failed(Error("email", "INVALID_CREDENTIALS", "Please, enter valid credentials"));
        }

        var now = time.GetUtcNow();
        var claims = new Dictionary<string, object?>
        {
            ["iat"] = now.ToUnixTimeSeconds(), ["owner"] = "saleor", ["iss"] = options.ApiUrl, ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["token"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)), ["email"] = user.Email, ["type"] = "access",
            ["user_id"] = Gid("User", user.Pk), ["is_staff"] = user.IsStaff,
        };
        var token = key.CreateJwt(claims);
        store.AccessTokens[token] = (user.Pk, now.AddMinutes(5));
        claims["type"] = "refresh";
        claims["exp"] = now.AddDays(30).ToUnixTimeSeconds();
        return new Node
        {
            ["token"] = token, ["refreshToken"] = key.CreateJwt(claims), ["csrfToken"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            ["user"] = views.User(user), ["errors"] = Array.Empty<Node>(),
        };
    }

    // ---- channels and warehouses ---------------------------------------------------------------------------------

    private Node ChannelCreate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_CHANNELS");
        var input = InputArg(ctx);
        var slug = Str(input, "slug")!;
        if (store.Channels.Any(c => c.Slug == slug))
        {
            return Failed(Error("slug", "UNIQUE", "Channel with this Slug already exists."));
        }

        var channel = new ChannelRow
        {
            Pk = store.NextPk(), Name = Str(input, "name")!, Slug = slug, Currency = Str(input, "currencyCode")!.ToUpperInvariant(),
            DefaultCountry = Str(input, "defaultCountry")!, IsActive = Bool(input, "isActive") ?? false,
        };
        var warehouses = Strings(input, "addWarehouses").Select(id => IntPk(id, "Warehouse")).ToList();
        if (warehouses.Any(pk => store.Warehouses.All(w => w.Pk != pk)))
        {
            return Failed(Error("addWarehouses", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        channel.WarehousePks.AddRange(warehouses.Select(pk => pk!.Value));
        store.Channels.Add(channel);
        return Payload("channel", views.Channel(channel));
    }

    private Node ChannelUpdate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_CHANNELS");
        var channel = store.Channels.FirstOrDefault(c => c.Pk == IntPk(Arg(ctx, "id") as string, "Channel"));
        if (channel is null)
        {
            return Failed(Error("id", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var input = InputArg(ctx);
        foreach (var pk in Strings(input, "addWarehouses").Select(id => IntPk(id, "Warehouse")))
        {
            if (store.Warehouses.All(w => w.Pk != pk))
            {
                return Failed(Error("addWarehouses", "NOT_FOUND", "Couldn't resolve to a node."));
            }

            if (!channel.WarehousePks.Contains(pk!.Value))
            {
                channel.WarehousePks.Add(pk.Value);
            }
        }

        channel.Name = Str(input, "name") ?? channel.Name;
        channel.IsActive = Bool(input, "isActive") ?? channel.IsActive;
        return Payload("channel", views.Channel(channel));
    }

    private Node CreateWarehouse(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCTS");
        var input = InputArg(ctx);
        var name = Str(input, "name")!;
        var slug = Str(input, "slug") ?? Slugify(name);
        if (store.Warehouses.Any(w => w.Slug == slug))
        {
            return Failed(Error("slug", "UNIQUE", "Warehouse with this Slug already exists."));
        }

        var address = Obj(Get(input, "address"))!;
        foreach (var required in new[] { "streetAddress1", "city", "postalCode" })
        {
            if (string.IsNullOrWhiteSpace(Str(address, required)))
            {
                return Failed(Error(required, "REQUIRED", "This field is required."));
            }
        }

        if (Str(address, "country") == "US" && string.IsNullOrWhiteSpace(Str(address, "countryArea")))
        {
            return Failed(Error("countryArea", "REQUIRED", "This field is required."));
        }

        var warehouse = new WarehouseRow { Pk = store.NextPk(), Name = name, Slug = slug, Address = new(address) };
        store.Warehouses.Add(warehouse);
        return Payload("warehouse", views.Warehouse(warehouse));
    }

    // ---- attributes, product types, categories -------------------------------------------------------------------

    private Node AttributeCreate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES");
        var input = InputArg(ctx);
        var name = Str(input, "name")!;
        var slug = Str(input, "slug") ?? Slugify(name);
        if (store.Attributes.Any(a => a.Slug == slug))
        {
            return Failed(Error("slug", "UNIQUE", "Attribute with this Slug already exists."));
        }

        var inputType = Str(input, "inputType") ?? "DROPDOWN";
        var values = List(Get(input, "values")).Select(Obj).ToList();
        if (values.Count > 0 && inputType is not ("DROPDOWN" or "MULTISELECT" or "SWATCH"))
        {
            return Failed(Error("values", "INVALID", $"Values cannot be used with input type {inputType.ToLowerInvariant()}."));
        }

        var attribute = new AttributeRow
        {
            Pk = store.NextPk(), Name = name, Slug = slug, Type = Str(input, "type")!, InputType = InputTypes.Contains(inputType) ? inputType : "DROPDOWN",
            VisibleInStorefront = Bool(input, "visibleInStorefront") ?? true,
        };
        foreach (var value in values)
        {
            var valueName = Str(value, "name")!;
            attribute.Choices.Add(new AttributeValueRow { Pk = store.NextPk(), AttributePk = attribute.Pk, Name = valueName, Slug = Str(value, "slug") ?? Slugify(valueName) });
        }

        store.Attributes.Add(attribute);
        return Payload("attribute", views.Attribute(attribute));
    }

    private Node ProductTypeCreate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES");
        var input = InputArg(ctx);
        var name = Str(input, "name")!;
        var slug = Str(input, "slug") ?? Slugify(name);
        if (store.ProductTypes.Any(t => t.Slug == slug))
        {
            return Failed(Error("slug", "UNIQUE", "Product type with this Slug already exists."));
        }

        var attributePks = Strings(input, "productAttributes").Select(id => IntPk(id, "Attribute")).ToList();
        if (attributePks.Any(pk => store.Attributes.All(a => a.Pk != pk)))
        {
            return Failed(Error("productAttributes", "GRAPHQL_ERROR", "Couldn't resolve to a node."));
        }

        var type = new ProductTypeRow
        {
            Pk = store.NextPk(), Name = name, Slug = slug, Kind = Str(input, "kind") ?? "NORMAL",
            // The model default is true: digital goods must say false.
            IsShippingRequired = Bool(input, "isShippingRequired") ?? true, IsDigital = Bool(input, "isDigital") ?? false,
            AttributePks = attributePks.Select(pk => pk!.Value).ToList(),
        };
        store.ProductTypes.Add(type);
        return Payload("productType", views.ProductType(type));
    }

    private Node CategoryCreate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_PRODUCTS");
        var input = InputArg(ctx);
        var name = Str(input, "name")!;
        var slug = Str(input, "slug") ?? Slugify(name);
        if (store.Categories.Any(c => c.Slug == slug))
        {
            return Failed(Error("slug", "UNIQUE", "Category with this Slug already exists."));
        }

        var category = new CategoryRow { Pk = store.NextPk(), Name = name, Slug = slug, Description = Str(input, "description") };
        store.Categories.Add(category);
        return Payload("category", views.Category(category));
    }
}
