using Gsv.Saleor;
using Gsv.Web.Commerce;
using Microsoft.AspNetCore.Mvc;

namespace Gsv.Web.Apis;

public static class CartApi
{
    /// <summary>
    /// The cart's form posts (antiforgery required by the <c>[FromForm]</c> parameters): add a variant, change a line's
    /// quantity, remove a line. Each answers with a redirect back to <c>/cart</c> (post/redirect/get); input outside the
    /// allowed range or a change Saleor refuses lands there with a notice and changes nothing.
    /// </summary>
    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder app)
    {
        var cart = app.MapGroup("/cart");

        cart.MapPost("/add", async ([FromForm] string variantId, [FromForm] int? quantity, Cart cart, CancellationToken cancellationToken) =>
            await ChangeAsync(variantId, quantity ?? 1, () => cart.AddAsync(variantId, quantity ?? 1, cancellationToken)));

        cart.MapPost("/update", async ([FromForm] string lineId, [FromForm] int quantity, Cart cart, CancellationToken cancellationToken) =>
            await ChangeAsync(lineId, quantity, () => cart.UpdateAsync(lineId, quantity, cancellationToken)));

        cart.MapPost("/remove", async ([FromForm] string lineId, Cart cart, CancellationToken cancellationToken) =>
            await ChangeAsync(lineId, 1, () => cart.RemoveAsync(lineId, cancellationToken)));

        return app;
    }

    private static async Task<IResult> ChangeAsync(string id, int quantity, Func<Task> change)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200 || quantity is < 1 or > Cart.MaxQuantity)
        {
            return Results.LocalRedirect("/cart?notice=invalid");
        }

        try
        {
            await change();
        }
        catch (SaleorMutationException)
        {
            return Results.LocalRedirect("/cart?notice=refused");
        }

        return Results.LocalRedirect("/cart");
    }
}
