namespace Gsv.Saleor;

// The storefront's view of a checkout: its lines with the product names a cart shows.

public sealed record CartProduct(string Slug, string Name);

public sealed record CartVariant(string Id, string Name, CartProduct Product);

public sealed record CartLine(string Id, int Quantity, CartVariant Variant, TaxedMoney TotalPrice);

public sealed record SaleorCart(string Id, string Token, string? Email, TaxedMoney TotalPrice, IReadOnlyList<CartLine> Lines)
{
    public int ItemCount => Lines.Sum(l => l.Quantity);
}

public sealed partial class SaleorClient
{
    /// <summary>A checkout by id, or null when Saleor no longer knows it (completed, expired or never existed).</summary>
    public async Task<SaleorCart?> CheckoutAsync(string checkoutId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<CartData>("Checkout", new { id = checkoutId }, cancellationToken)).Checkout;

    private sealed record CartData(SaleorCart? Checkout);
}
