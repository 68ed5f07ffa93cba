using Gsv.Web.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;

namespace Gsv.Web.Apis;

public static class AccountApi
{
    /// <summary><c>GET /account/login?returnUrl=</c> starts the Keycloak sign-in; <c>POST /account/logout</c> ends both sessions.</summary>
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");

        account.MapGet("/login", (HttpContext context, string? returnUrl) =>
        {
            var target = ReturnUrl.LocalOrRoot(returnUrl);
            return context.User.Identity?.IsAuthenticated == true
                ? Results.LocalRedirect(target)
                : Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [OpenIdConnectDefaults.AuthenticationScheme]);
        }).AllowAnonymous();

        // A form post with an antiforgery token (the [FromForm] parameter makes the token required), so another site
        // cannot sign the user out. Signing out of the OIDC scheme sends the browser to Keycloak's end_session
        // endpoint with the ID token as hint, which ends the Keycloak session too.
        account.MapPost("/logout", (HttpContext context, [FromForm] string? returnUrl) =>
        {
            var target = ReturnUrl.LocalOrRoot(returnUrl);
            return context.User.Identity?.IsAuthenticated == true
                ? Results.SignOut(new AuthenticationProperties { RedirectUri = target },
                    [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme])
                : Results.LocalRedirect(target);
        });

        return app;
    }
}
