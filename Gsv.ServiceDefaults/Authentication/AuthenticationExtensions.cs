using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gsv.ServiceDefaults.Authentication;

public static class AuthenticationExtensions
{
    /// <summary>Named HTTP client for Keycloak's metadata, JWKS and token endpoints (service discovery applies).</summary>
    public const string KeycloakBackchannel = "KeycloakBackchannel";

    /// <summary>
    /// JWT bearer authentication against the <c>keycloak</c> resource's realm: metadata and JWKS fetched over the
    /// back channel, issuer (from discovery), audience <c>gsv-api</c>, lifetime and signature validated; realm roles
    /// become role claims; policies <c>buyer</c>, <c>admin</c>, <c>gateway</c>, <c>provisioner</c> and <c>service</c> (either of the two).
    /// </summary>
    public static TBuilder AddGsvAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<KeycloakOptions>(builder.Configuration.GetSection(KeycloakOptions.SectionName));
        builder.Services.AddHttpClient(KeycloakBackchannel);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory, IOptions<KeycloakOptions>>((options, clients, keycloak) =>
            {
                options.Authority = keycloak.Value.RealmUrl;
                options.Audience = GsvPolicies.ApiAudience;
                options.Backchannel = clients.CreateClient(KeycloakBackchannel);
                // Plain HTTP only when the AppHost says so (the local emulator); HTTPS otherwise.
                options.RequireHttpsMetadata = keycloak.Value.RequireHttpsMetadata;
                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = "preferred_username";
                options.TokenValidationParameters.RoleClaimType = ClaimTypes.Role;
                options.TokenValidationParameters.ValidateIssuer = true;
                options.TokenValidationParameters.ValidateAudience = true;
                options.TokenValidationParameters.ValidateLifetime = true;
                options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(5);
                options.Events = new JwtBearerEvents { OnTokenValidated = AddRealmRoles };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(GsvPolicies.Buyer, policy => policy.RequireAuthenticatedUser().RequireRole(GsvPolicies.BuyerRole))
            .AddPolicy(GsvPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(GsvPolicies.AdminRole))
            .AddPolicy(GsvPolicies.Service, policy => policy.RequireAuthenticatedUser().RequireRole(GsvPolicies.GatewayRole, GsvPolicies.ProvisionerRole))
            .AddPolicy(GsvPolicies.Gateway, policy => policy.RequireAuthenticatedUser().RequireRole(GsvPolicies.GatewayRole))
            .AddPolicy(GsvPolicies.Provisioner, policy => policy.RequireAuthenticatedUser().RequireRole(GsvPolicies.ProvisionerRole));

        return builder;
    }

    /// <summary>Keycloak puts realm roles in <c>realm_access.roles</c>; ASP.NET Core wants one role claim each.</summary>
    private static Task AddRealmRoles(TokenValidatedContext context)
    {
        if (context.SecurityToken is JsonWebToken token
            && token.TryGetPayloadValue<JsonElement>("realm_access", out var realmAccess)
            && realmAccess.ValueKind == JsonValueKind.Object
            && realmAccess.TryGetProperty("roles", out var roles)
            && roles.ValueKind == JsonValueKind.Array
            && context.Principal?.Identity is ClaimsIdentity identity)
        {
            foreach (var role in roles.EnumerateArray())
            {
                if (role.GetString() is { Length: > 0 } name)
                {
                    identity.AddClaim(new Claim(ClaimTypes.Role, name));
                }
            }
        }

        return Task.CompletedTask;
    }
}
