using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Gsv.Gateway.Authentication;

public static class GatewayAuthenticationExtensions
{
    /// <summary>Policy of the run API: a Keycloak user token or an instance API key.</summary>
    public const string RunPolicy = "run";

    private const string SelectorScheme = "KeycloakOrApiKey";

    /// <summary>
    /// Adds the API-key scheme next to the Keycloak JWT bearer of the service defaults, and makes the default a policy
    /// scheme that picks one per request from the headers, so a credential is only ever checked by the scheme it belongs to.
    /// </summary>
    public static WebApplicationBuilder AddGatewayAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyResolver.Cache>();
        builder.Services.AddSingleton<ApiKeyLookupThrottle>();
        builder.Services.AddScoped<ApiKeyResolver>();
        builder.Services.AddAuthentication(SelectorScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(SelectorScheme, "Keycloak token or API key", options =>
                options.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.ReadKey(context.Request) is not null
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme);

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(RunPolicy, policy => policy.AddAuthenticationSchemes(SelectorScheme).RequireAuthenticatedUser());
        return builder;
    }
}
