namespace Gsv.Emulators.Saleor;

// Saleor's rows, in memory. Every access holds SaleorStore.Gate.

public sealed class ChannelRow { public int Pk; public string Name = ""; public string Slug = ""; public string Currency = "USD"; public string DefaultCountry = "US"; public bool IsActive = true; public List<int> WarehousePks = []; }

public sealed class WarehouseRow { public int Pk; public string Name = ""; public string Slug = ""; public Dictionary<string, object?> Address = []; }

public sealed class AttributeValueRow { public int Pk; public int AttributePk; public string Name = ""; public string Slug = ""; public string? PlainText; public bool? Boolean; }

public sealed class AttributeRow { public int Pk; public string Name = ""; public string Slug = ""; public string Type = "PRODUCT_TYPE"; public string InputType = "DROPDOWN"; public bool VisibleInStorefront = true; public List<AttributeValueRow> Choices = []; }

public sealed class ProductTypeRow { public int Pk; public string Name = ""; public string Slug = ""; public string Kind = "NORMAL"; public bool IsShippingRequired = true; public bool IsDigital; public List<int> AttributePks = []; }

public sealed class CategoryRow { public int Pk; public string Name = ""; public string Slug = ""; public string? Description; }

public sealed class ProductListingRow { public bool IsPublished; public bool VisibleInListings; public bool IsAvailableForPurchase; }

public sealed class ProductRow
{
    public int Pk; public string Name = ""; public string Slug = ""; public string? Description; public int ProductTypePk; public int CategoryPk;
    public DateTimeOffset Created;
    /// <summary>Attribute pk → assigned values (selectable values are shared with the attribute's choices).</summary>
    public Dictionary<int, List<AttributeValueRow>> Attributes = [];
    public Dictionary<int, ProductListingRow> Listings = [];
    public Dictionary<string, string> Metadata = [];
}

public sealed class VariantRow { public int Pk; public int ProductPk; public string? Sku; public string Name = ""; public bool TrackInventory = true; public Dictionary<int, int> Stocks = []; public Dictionary<int, decimal> Prices = []; }

public sealed class AppRow { public int Pk; public string Name = ""; public string? Identifier; public bool IsActive = true; public List<string> Permissions = []; public List<AppTokenRow> Tokens = []; }
public sealed class AppTokenRow { public int Pk; public string? Name; public string Token = ""; }

public sealed class WebhookRow
{
    public int Pk; public int AppPk; public string Name = ""; public string TargetUrl = ""; public bool IsActive = true;
    public List<string> AsyncEvents = []; public string? Query; public Dictionary<string, string> CustomHeaders = [];
}

public sealed class DeliveryAttemptRow { public int Pk; public string Status = "PENDING"; public int? ResponseStatusCode; public DateTimeOffset CreatedAt; public string? Response; }

public sealed class DeliveryRow
{
    public int Pk; public int WebhookPk; public string EventType = ""; public string Status = "PENDING"; public DateTimeOffset CreatedAt;
    public byte[] Payload = []; public List<DeliveryAttemptRow> Attempts = [];
}

public sealed class CheckoutLineRow { public Guid Id = Guid.NewGuid(); public int VariantPk; public int Quantity; }

public sealed class PaymentRow { public int Pk; public string Gateway = ""; public string Token = ""; public decimal Amount; public string ChargeStatus = "NOT_CHARGED"; }

public sealed class CheckoutRow
{
    public Guid Token = Guid.NewGuid(); public int ChannelPk; public string? Email; public int? UserPk; public DateTimeOffset Created;
    public List<CheckoutLineRow> Lines = []; public Dictionary<string, object?>? BillingAddress; public List<PaymentRow> Payments = [];
    public Dictionary<string, string> Metadata = []; public bool Completed;
}

public sealed class OrderLineRow { public Guid Id = Guid.NewGuid(); public int? VariantPk; public string ProductName = ""; public string VariantName = ""; public string? Sku; public int Quantity; public decimal UnitPrice; }

public sealed class OrderRow
{
    public Guid Id = Guid.NewGuid(); public int Number; public int ChannelPk; public string? Email; public int? UserPk; public DateTimeOffset Created;
    /// <summary>Last change (creation, payment, metadata): Saleor's <c>updatedAt</c>.</summary>
    public DateTimeOffset Updated;
    public string Status = "UNFULFILLED"; public decimal Total; public decimal Charged; public string PaymentStatus = "NOT_CHARGED";
    public List<OrderLineRow> Lines = []; public Dictionary<string, string> Metadata = []; public Dictionary<string, string> PrivateMetadata = [];
}

public sealed class UserRow { public int Pk; public string Email = ""; public string Password = ""; public bool IsStaff; }

/// <summary>The emulator's database.</summary>
public sealed class SaleorStore
{
    /// <summary>One request (or delivery update) at a time, like one database transaction.</summary>
    public readonly SemaphoreSlim Gate = new(1, 1);
    private int _nextPk;

    public List<ChannelRow> Channels { get; } = [];
    public List<WarehouseRow> Warehouses { get; } = [];
    public List<AttributeRow> Attributes { get; } = [];
    public List<ProductTypeRow> ProductTypes { get; } = [];
    public List<CategoryRow> Categories { get; } = [];
    public List<ProductRow> Products { get; } = [];
    public List<VariantRow> Variants { get; } = [];
    public List<AppRow> Apps { get; } = [];
    public List<WebhookRow> Webhooks { get; } = [];
    public List<DeliveryRow> Deliveries { get; } = [];
    public List<CheckoutRow> Checkouts { get; } = [];
    public List<OrderRow> Orders { get; } = [];
    public List<UserRow> Users { get; } = [];

    /// <summary>Issued access JWTs → user and expiry.</summary>
    public Dictionary<string, (int UserPk, DateTimeOffset Expires)> AccessTokens { get; } = [];

    public int NextPk() => Interlocked.Increment(ref _nextPk);

    public int NextOrderNumber() => Orders.Count + 1;
}
