using System.Text.Json.Serialization;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// Keycloak stand-in (contracts/keycloak/README.md): the realm from the same import file the container uses
/// (<c>Keycloak:RealmImportPath</c>), the master realm's bootstrap admin, OIDC endpoints and the Admin REST calls GSV uses.
/// </summary>
public static class KeycloakEmulator
{
    public static WebApplicationBuilder AddKeycloakEmulator(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KeycloakRealms>();
        // Keycloak's representations leave unset members out.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        return builder;
    }

    public static WebApplication MapKeycloakEmulator(this WebApplication app)
    {
        // Load (and fail on a broken realm file) at start, not on the first request.
        app.Services.GetRequiredService<KeycloakRealms>();

        // Keycloak ≥ 25 answers these on its management port; the emulator has one port and answers them there.
        var up = new { status = "UP", checks = Array.Empty<object>() };
        app.MapGet("/health", () => Results.Json(up));
        app.MapGet("/health/ready", () => Results.Json(up));
        app.MapGet("/health/live", () => Results.Json(up));
        app.MapGet("/health/started", () => Results.Json(up));

        app.MapGet("/realms/{realm}", (string realm, HttpRequest request, KeycloakRealms realms) =>
        {
            if (!realms.TryGet(realm, out _, out var keys))
            {
                return OAuthErrors.RealmNotFound();
            }

            var issuer = KeycloakRealms.Issuer(request, realm);
            return Results.Json(new Dictionary<string, object>
            {
                ["realm"] = realm,
                ["public_key"] = Convert.ToBase64String(keys.Signing.Rsa.ExportSubjectPublicKeyInfo()),
                ["token-service"] = $"{issuer}/protocol/openid-connect",
                ["account-service"] = $"{issuer}/account",
                ["tokens-not-before"] = 0,
            });
        });
        app.MapGet("/realms/{realm}/.well-known/openid-configuration", (string realm, HttpRequest request, KeycloakRealms realms) =>
            realms.TryGet(realm, out _, out _) ? Results.Json(Discovery(KeycloakRealms.Issuer(request, realm))) : OAuthErrors.RealmNotFound());
        app.MapGet("/realms/{realm}/protocol/openid-connect/certs", (string realm, KeycloakRealms realms) =>
            realms.TryGet(realm, out _, out var keys) ? Results.Json(keys.Jwks()) : OAuthErrors.RealmNotFound());
        app.MapPost("/realms/{realm}/protocol/openid-connect/token", TokenEndpoint.HandleAsync).DisableAntiforgery();
        app.MapKeycloakBrowser();
        app.MapKeycloakAdmin();
        app.MapKeycloakAccount();
        return app;
    }

    private static Dictionary<string, object> Discovery(string issuer)
    {
        var oidc = $"{issuer}/protocol/openid-connect";
        return new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = $"{oidc}/auth",
            ["token_endpoint"] = $"{oidc}/token",
            ["introspection_endpoint"] = $"{oidc}/token/introspect",
            ["userinfo_endpoint"] = $"{oidc}/userinfo",
            ["end_session_endpoint"] = $"{oidc}/logout",
            ["frontchannel_logout_session_supported"] = true,
            ["frontchannel_logout_supported"] = true,
            ["jwks_uri"] = $"{oidc}/certs",
            ["grant_types_supported"] = new[] { "authorization_code", "client_credentials", "implicit", "password", "refresh_token" },
            ["response_types_supported"] = new[] { "code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token" },
            ["subject_types_supported"] = new[] { "public", "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["userinfo_signing_alg_values_supported"] = new[] { "RS256", "none" },
            ["response_modes_supported"] = new[] { "query", "fragment", "form_post" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
            ["claims_supported"] = new[] { "aud", "sub", "iss", "auth_time", "name", "given_name", "family_name", "preferred_username", "email", "acr", "azp", "sid", "email_verified" },
            ["claim_types_supported"] = new[] { "normal" },
            ["claims_parameter_supported"] = true,
            ["scopes_supported"] = new[] { "openid" }.Concat(TokenIssuer.DefaultScopes).Concat(TokenIssuer.OptionalScopes).ToArray(),
            ["request_parameter_supported"] = true,
            ["request_uri_parameter_supported"] = true,
            ["code_challenge_methods_supported"] = new[] { "plain", "S256" },
            ["tls_client_certificate_bound_access_tokens"] = true,
            ["authorization_response_iss_parameter_supported"] = true,
            ["backchannel_logout_supported"] = false,
        };
    }
}
