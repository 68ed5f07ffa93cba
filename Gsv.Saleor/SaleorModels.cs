namespace Gsv.Saleor;

// Shapes shared by several operations. Enum-valued fields stay strings: they are Saleor's enum names verbatim.

public sealed record Money(decimal Amount, string Currency);

public sealed record TaxedMoney(Money Gross);

public sealed record TaxedMoneyRange(TaxedMoney? Start, TaxedMoney? Stop);

public sealed record MetadataItem(string Key, string Value);

public sealed record SlugRef(string? Id, string Slug, string? Name = null);

public sealed record ChannelSlug(string Slug, string? Id = null);

public sealed record CountryCode(string Code);

/// <summary>A page of paid orders (raw, in the ORDER_FULLY_PAID payload's shape) and the cursor of the next page, if any.</summary>
public sealed record SaleorPaidOrdersPage(IReadOnlyList<System.Text.Json.JsonElement> Orders, string? NextCursor);
