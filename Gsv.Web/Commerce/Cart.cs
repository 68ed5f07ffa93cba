using Gsv.Saleor;
using Gsv.Web.Marketplace;

namespace Gsv.Web.Commerce;

/// <summary>
/// The cart of the current browser session: a Saleor checkout in channel <c>gsv</c>, always read and changed live in
/// Saleor (never cached). Signed-in buyers' checkouts carry their account email, which is what the order is provisioned to.
/// </summary>
public sealed partial class Cart(SaleorClient saleor, IHttpContextAccessor accessor, ILogger<Cart> logger)
{
    public const int MaxQuantity = 99;

    private HttpContext Context => accessor.HttpContext ?? throw new InvalidOperationException("The cart is only used within a request.");

    /// <summary>The session's checkout, or null when there is none (or Saleor no longer has it, e.g. after it became an order).</summary>
    public async Task<SaleorCart?> CurrentAsync(CancellationToken cancellationToken = default)
    {
        if (CartCookie.Read(Context) is not { } id)
        {
            return null;
        }

        try
        {
            return await saleor.CheckoutAsync(id, cancellationToken);
        }
        catch (SaleorException e)
        {
            // A forged or stale cookie value: Saleor rejects the id; the cart is simply empty.
            LogCartUnreadable(logger, e);
            return null;
        }
    }

    public async Task AddAsync(string variantId, int quantity, CancellationToken cancellationToken = default)
    {
        if (await CurrentAsync(cancellationToken) is { } cart)
        {
            await saleor.CheckoutLinesAddAsync(cart.Id, [new CheckoutLineInput(variantId, quantity)], cancellationToken);
            return;
        }

        var created = await saleor.CheckoutCreateAsync(new CheckoutCreateInput(MarketplaceCatalog.Channel, [new CheckoutLineInput(variantId, quantity)], SignedInEmail()), cancellationToken);
        CartCookie.Write(Context, created.Id);
    }

    public async Task UpdateAsync(string lineId, int quantity, CancellationToken cancellationToken = default)
    {
        if (await CurrentAsync(cancellationToken) is { } cart)
        {
            await saleor.CheckoutLinesUpdateAsync(cart.Id, [new CheckoutLineUpdateInput(lineId, quantity)], cancellationToken);
        }
    }

    public async Task RemoveAsync(string lineId, CancellationToken cancellationToken = default)
    {
        if (await CurrentAsync(cancellationToken) is { } cart)
        {
            await saleor.CheckoutLinesDeleteAsync(cart.Id, [lineId], cancellationToken);
        }
    }

    /// <summary>Attaches the session's checkout to the account: Saleor turns a checkout into the order of its email.</summary>
    public async Task AttachAsync(HttpContext context, string email, CancellationToken cancellationToken = default)
    {
        if (CartCookie.Read(context) is not { } id)
        {
            return;
        }

        try
        {
            await saleor.CheckoutEmailUpdateAsync(id, email, cancellationToken);
        }
        catch (SaleorException e)
        {
            LogCartUnreadable(logger, e);
        }
    }

    /// <summary>After the checkout became an order: the session starts a new cart next time.</summary>
    public void Forget() => CartCookie.Clear(Context);

    private string? SignedInEmail() => Context.User.Identity?.IsAuthenticated == true ? Context.User.FindFirst("email")?.Value : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "The cart's checkout could not be read or changed")]
    private static partial void LogCartUnreadable(ILogger logger, Exception exception);
}
