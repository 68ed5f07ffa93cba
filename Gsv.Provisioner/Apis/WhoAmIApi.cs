using System.Security.Claims;
using Gsv.ServiceDefaults.Authentication;

namespace Gsv.Provisioner.Apis;

/// <summary>
/// <c>GET /internal/v1/whoami</c>: service-only (policy <c>service</c>), answers which client and account called —
/// lets operators and tests check service-to-service authentication end to end.
/// </summary>
public static class WhoAmIApi
{
    public static IEndpointRouteBuilder MapWhoAmIApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/v1/whoami", (ClaimsPrincipal caller) => TypedResults.Ok(new WhoAmI(
                Azp: caller.FindFirstValue("azp"),
                Sub: caller.FindFirstValue("sub"),
                Roles: caller.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToArray())))
            .RequireAuthorization(GsvPolicies.Service)
            .WithName("WhoAmI");
        return app;
    }

    public sealed record WhoAmI(string? Azp, string? Sub, string[] Roles);
}
