using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gsv.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Gsv.Tests.Identity;

/// <summary>The realm's token endpoint as clients meet it: grants, Keycloak's claims, Keycloak's errors.</summary>
[Collection(PlatformCollection.Name)]
public sealed class TokenEndpointTests(PlatformFixture platform)
{
    private IdentityClient Identity => platform.Identity;

    [Fact]
    public async Task Demo_buyer_password_grant_yields_a_keycloak_shaped_access_token()
    {
        var password = await Identity.GetParameterAsync("demo-buyer-password");
        var token = new JsonWebToken(await Identity.GetUserTokenAsync("buyer@gsv.local", password));

        Assert.Equal("RS256", token.Alg);
        Assert.False(string.IsNullOrEmpty(token.Kid));
        Assert.True(Guid.TryParse(token.Subject, out _));
        Assert.EndsWith("/realms/gsv", token.Issuer);
        Assert.Contains("gsv-api", token.Audiences);
        Assert.Equal("gsv-cli", token.GetClaim("azp").Value);
        Assert.Equal("Bearer", token.GetClaim("typ").Value);
        Assert.Equal("buyer@gsv.local", token.GetClaim("email").Value);
        Assert.Equal("buyer@gsv.local", token.GetClaim("preferred_username").Value);
        Assert.True(token.GetPayloadValue<bool>("email_verified"));
        Assert.False(string.IsNullOrEmpty(token.GetClaim("sid").Value));
        Assert.Contains("openid", token.GetClaim("scope").Value.Split(' '));
        Assert.Contains("gsv-buyer", RealmRoles(token));
        Assert.DoesNotContain("gsv-admin", RealmRoles(token));
        Assert.True(token.ValidTo > DateTime.UtcNow);
    }

    [Fact]
    public async Task Demo_admin_has_the_admin_role()
    {
        var password = await Identity.GetParameterAsync("demo-admin-password");
        var token = new JsonWebToken(await Identity.GetUserTokenAsync("admin@gsv.local", password));

        Assert.Contains("gsv-admin", RealmRoles(token));
        Assert.Contains("gsv-buyer", RealmRoles(token));
    }

    [Fact]
    public async Task Created_user_gets_a_buyer_token_for_the_api()
    {
        var user = await Identity.CreateUserAsync("token");
        var token = new JsonWebToken(user.AccessToken);

        Assert.Equal(user.Sub, token.Subject);
        Assert.Equal(user.Email, token.GetClaim("email").Value);
        Assert.Contains("gsv-api", token.Audiences);
        Assert.Contains("gsv-buyer", RealmRoles(token));

        // The same credentials work again (the helper's token is not a one-off).
        var again = new JsonWebToken(await Identity.GetUserTokenAsync(user.Email, user.Password));
        Assert.Equal(user.Sub, again.Subject);
    }

    [Theory]
    [InlineData("gsv-provisioner")]
    [InlineData("gsv-gateway")]
    public async Task Service_client_credentials_yield_a_service_account_token(string clientId)
    {
        var token = new JsonWebToken(await Identity.GetServiceTokenAsync(clientId));

        Assert.Equal(clientId, token.GetClaim("azp").Value);
        Assert.Equal($"service-account-{clientId}", token.GetClaim("preferred_username").Value);
        Assert.Contains("gsv-api", token.Audiences);
        Assert.Contains(clientId, RealmRoles(token)); // the realm role named after the client (gsv-gateway, gsv-provisioner)
        Assert.DoesNotContain(clientId == "gsv-gateway" ? "gsv-provisioner" : "gsv-gateway", RealmRoles(token));
        Assert.DoesNotContain("gsv-buyer", RealmRoles(token));
        Assert.False(token.TryGetClaim("sid", out _));
    }

    [Fact]
    public async Task Wrong_password_is_invalid_grant_401()
    {
        var user = await Identity.CreateUserAsync("wrongpw");
        using var response = await Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "password", ["client_id"] = "gsv-cli", ["username"] = user.Email, ["password"] = user.Password + "x",
        });

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_grant", "Invalid user credentials");
    }

    [Fact]
    public async Task Unknown_user_is_invalid_grant_401()
    {
        using var response = await Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "password", ["client_id"] = "gsv-cli", ["username"] = $"nobody-{Guid.NewGuid():N}@gsv.local", ["password"] = "whatever",
        });

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_grant", "Invalid user credentials");
    }

    [Fact]
    public async Task Unknown_client_is_invalid_client()
    {
        using var response = await Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = $"no-such-client-{Guid.NewGuid():N}", ["client_secret"] = "x",
        });

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", "Invalid client or Invalid client credentials");
    }

    [Fact]
    public async Task Wrong_client_secret_is_refused()
    {
        using var response = await Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "gsv-provisioner", ["client_secret"] = "not-the-secret",
        });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(error.GetProperty("error").GetString(), new[] { "unauthorized_client", "invalid_client" });
    }

    [Fact]
    public async Task Public_client_cannot_use_client_credentials()
    {
        using var response = await Identity.RequestTokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = "gsv-cli" });

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized_client", "Public client not allowed to retrieve service account");
    }

    [Fact]
    public async Task Service_client_is_not_allowed_the_password_grant()
    {
        var user = await Identity.CreateUserAsync("direct");
        using var response = await Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "password", ["client_id"] = "gsv-provisioner", ["client_secret"] = await Identity.GetClientSecretAsync("gsv-provisioner"),
            ["username"] = user.Email, ["password"] = user.Password,
        });

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client", "Client not allowed for direct access grants");
    }

    [Fact]
    public async Task Unknown_grant_type_is_unsupported_grant_type()
    {
        using var response = await Identity.RequestTokenAsync(new() { ["grant_type"] = "urn:nope", ["client_id"] = "gsv-cli" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Refresh_token_grant_renews_the_access_token()
    {
        var user = await Identity.CreateUserAsync("refresh");
        using var first = await Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "password", ["client_id"] = "gsv-cli", ["username"] = user.Email, ["password"] = user.Password,
        });
        var tokens = await first.Content.ReadFromJsonAsync<JsonElement>();
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        using var refreshed = await Identity.RequestTokenAsync(new() { ["grant_type"] = "refresh_token", ["client_id"] = "gsv-cli", ["refresh_token"] = refreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var renewed = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        var access = new JsonWebToken(renewed.GetProperty("access_token").GetString());
        Assert.Equal(user.Sub, access.Subject);
        Assert.Equal(new JsonWebToken(tokens.GetProperty("access_token").GetString()).GetClaim("sid").Value, access.GetClaim("sid").Value);

        using var tampered = await Identity.RequestTokenAsync(new() { ["grant_type"] = "refresh_token", ["client_id"] = "gsv-cli", ["refresh_token"] = refreshToken[..^4] + "AAAA" });
        await AssertOAuthErrorAsync(tampered, HttpStatusCode.BadRequest, "invalid_grant", "Invalid refresh token");
    }

    [Fact]
    public async Task Discovery_and_jwks_describe_the_realm()
    {
        using var keycloak = Identity.CreateKeycloakClient();
        var discovery = await keycloak.GetFromJsonAsync<JsonElement>("/realms/gsv/.well-known/openid-configuration");
        var issuer = discovery.GetProperty("issuer").GetString()!;
        Assert.Equal(new Uri(keycloak.BaseAddress!, "/realms/gsv").ToString().TrimEnd('/'), issuer);
        Assert.Equal($"{issuer}/protocol/openid-connect/token", discovery.GetProperty("token_endpoint").GetString());
        Assert.Contains("S256", discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));

        var jwks = await keycloak.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!).PathAndQuery);
        var signing = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("use").GetString() == "sig");
        Assert.Equal("RS256", signing.GetProperty("alg").GetString());
        Assert.Equal("RSA", signing.GetProperty("kty").GetString());

        var password = await Identity.GetParameterAsync("demo-buyer-password");
        var token = new JsonWebToken(await Identity.GetUserTokenAsync("buyer@gsv.local", password));
        Assert.Equal(signing.GetProperty("kid").GetString(), token.Kid);
        Assert.Equal(issuer, token.Issuer);
    }

    [Fact]
    public async Task Userinfo_answers_for_a_user_token_and_refuses_a_bad_one()
    {
        var user = await Identity.CreateUserAsync("userinfo");
        using var keycloak = Identity.CreateClient("keycloak", user.AccessToken);
        var info = await keycloak.GetFromJsonAsync<JsonElement>("/realms/gsv/protocol/openid-connect/userinfo");
        Assert.Equal(user.Sub, info.GetProperty("sub").GetString());
        Assert.Equal(user.Email, info.GetProperty("email").GetString());

        using var anonymous = Identity.CreateClient("keycloak", user.AccessToken[..^6] + "AAAAAA");
        using var refused = await anonymous.GetAsync("/realms/gsv/protocol/openid-connect/userinfo");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString());
    }

    internal static string[] RealmRoles(JsonWebToken token) =>
        token.GetPayloadValue<JsonElement>("realm_access").GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray();

    internal static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, string description)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(description, body.GetProperty("error_description").GetString());
    }
}
