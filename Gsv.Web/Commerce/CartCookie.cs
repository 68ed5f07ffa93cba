namespace Gsv.Web.Commerce;

/// <summary>The browser session's cart: the id of its Saleor checkout, in an HttpOnly cookie.</summary>
public static class CartCookie
{
    public const string Name = "gsv.cart";

    public static string? Read(HttpContext context) =>
        context.Request.Cookies.TryGetValue(Name, out var id) && !string.IsNullOrWhiteSpace(id) && id.Length <= 200 ? id : null;

    public static void Write(HttpContext context, string checkoutId) =>
        context.Response.Cookies.Append(Name, checkoutId, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, IsEssential = true, MaxAge = TimeSpan.FromDays(30),
        });

    public static void Clear(HttpContext context) => context.Response.Cookies.Delete(Name);
}
