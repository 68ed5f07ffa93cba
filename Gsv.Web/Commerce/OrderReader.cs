using System.Text;
using Gsv.Saleor;

namespace Gsv.Web.Commerce;

/// <summary>
/// Reads a paid order for its buyer's confirmation page. Saleor lets only staff (or the customer's own Saleor session,
/// which buyers here do not have) read an order, so the web uses its server-side staff client and shows an order only
/// to the signed-in user whose email it was placed with.
/// </summary>
public sealed class OrderReader(SaleorStaffClient staff)
{
    /// <summary>Saleor's global id of an order: base64 of <c>Order:&lt;uuid&gt;</c>; pages use the uuid.</summary>
    public static string GlobalId(Guid orderId) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"Order:{orderId}"));

    public static Guid? FromGlobalId(string id)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(id));
            return text.StartsWith("Order:", StringComparison.Ordinal) && Guid.TryParse(text["Order:".Length..], out var guid) ? guid : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public async Task<SaleorOrder?> ForBuyerAsync(Guid orderId, string? buyerEmail, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(buyerEmail))
        {
            return null;
        }

        var order = await staff.Client.OrderAsync(GlobalId(orderId), cancellationToken);
        return order is not null && string.Equals(order.UserEmail, buyerEmail, StringComparison.OrdinalIgnoreCase) ? order : null;
    }
}

/// <summary>A Saleor client signed in as the platform's staff account (configured as <c>Saleor:StaffEmail</c>/<c>StaffPassword</c>).</summary>
public sealed class SaleorStaffClient(SaleorClient client, ISaleorTokenSource tokens)
{
    public SaleorClient Client { get; } = client.WithTokens(tokens);
}
