using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Gsv.ServiceDefaults.Authentication;
using Gsv.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gsv.Tests.Identity;

/// <summary>
/// <c>AddGsvAuthentication</c> as every service uses it, against an issuer whose key the test holds: a realm-like
/// discovery/JWKS server and an API protected by the gsv policies, both on loopback Kestrel. With the key in hand each
/// token differs from a good one in exactly one respect, so each refusal has exactly one cause.
/// </summary>
public sealed class JwtBearerValidationTests : IAsyncLifetime
{
    private readonly RsaSecurityKey realmKey = NewKey("realm-key");
    private WebApplication issuer = null!;
    private WebApplication api = null!;
    private HttpClient client = null!;
    private string issuerUrl = null!;

    public async Task InitializeAsync()
    {
        issuer = await StartIssuerAsync();
        var origin = issuer.Url().GetLeftPart(UriPartial.Authority);
        issuerUrl = $"{origin}/realms/gsv";
        api = await StartApiAsync(origin);
        client = new HttpClient { BaseAddress = api.Url() };
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await api.DisposeAsync();
        await issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_good_buyer_token_passes_the_buyer_policy()
    {
        using var response = await GetAsync("/buyer", Mint());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("buyer-sub", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_token_is_401() => Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/buyer", token: null)).StatusCode);

    [Fact]
    public async Task Token_signed_by_a_foreign_key_is_401()
    {
        // Same kid as the realm key: only the signature tells them apart.
        var foreign = NewKey(realmKey.KeyId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/buyer", Mint(key: foreign))).StatusCode);
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var now = DateTimeOffset.UtcNow;
        var token = Mint(claims => { claims["iat"] = now.AddMinutes(-10).ToUnixTimeSeconds(); claims["exp"] = now.AddMinutes(-1).ToUnixTimeSeconds(); });
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/buyer", token)).StatusCode);
    }

    [Fact]
    public async Task Wrong_audience_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/buyer", Mint(claims => claims["aud"] = "account"))).StatusCode);
    }

    [Fact]
    public async Task Missing_audience_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/buyer", Mint(claims => claims.Remove("aud")))).StatusCode);
    }

    [Fact]
    public async Task Wrong_issuer_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/buyer", Mint(claims => claims["iss"] = issuerUrl.Replace("/realms/gsv", "/realms/master")))).StatusCode);
    }

    [Fact]
    public async Task Unsigned_token_is_401()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(Claims()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/buyer", unsigned)).StatusCode);
    }

    [Fact]
    public async Task Realm_roles_become_roles_for_the_policies()
    {
        var gateway = Mint(claims => claims["realm_access"] = new { roles = new[] { "gsv-gateway" } });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/service", gateway)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/gateway", gateway)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/provisioner", gateway)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/buyer", gateway)).StatusCode);
        var provisioner = Mint(claims => claims["realm_access"] = new { roles = new[] { "gsv-provisioner" } });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/provisioner", provisioner)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/gateway", provisioner)).StatusCode);
        // The old shared role grants nothing any more.
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/service", Mint(claims => claims["realm_access"] = new { roles = new[] { "gsv-service" } }))).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/service", Mint())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/admin", Mint())).StatusCode);

        var admin = Mint(claims => claims["realm_access"] = new { roles = new[] { "gsv-buyer", "gsv-admin" } });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/admin", admin)).StatusCode);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    private Dictionary<string, object> Claims()
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object>
        {
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
            ["iss"] = issuerUrl,
            ["aud"] = new[] { "gsv-api", "account" },
            ["sub"] = "buyer-sub",
            ["typ"] = "Bearer",
            ["azp"] = "gsv-cli",
            ["preferred_username"] = "buyer@gsv.local",
            ["realm_access"] = new { roles = new[] { "default-roles-gsv", "gsv-buyer" } },
            ["scope"] = "openid email profile",
        };
    }

    private string Mint(Action<Dictionary<string, object>>? change = null, RsaSecurityKey? key = null)
    {
        var claims = Claims();
        change?.Invoke(claims);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(JsonSerializer.Serialize(claims), new SigningCredentials(key ?? realmKey, SecurityAlgorithms.RsaSha256));
    }

    private static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    private Task<WebApplication> StartIssuerAsync() => LoopbackHttpServer.StartAsync(app =>
    {
        app.MapGet("/realms/gsv/.well-known/openid-configuration", (HttpRequest request) =>
        {
            var realm = $"{request.Scheme}://{request.Host}/realms/gsv";
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = realm,
                ["jwks_uri"] = $"{realm}/protocol/openid-connect/certs",
                ["token_endpoint"] = $"{realm}/protocol/openid-connect/token",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        });
        app.MapGet("/realms/gsv/protocol/openid-connect/certs", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(realmKey.Rsa.ExportParameters(false)) { KeyId = realmKey.KeyId });
            return Results.Json(new { keys = new[] { new { kid = jwk.Kid, kty = "RSA", alg = "RS256", use = "sig", n = jwk.N, e = jwk.E } } });
        });
    });

    private static Task<WebApplication> StartApiAsync(string keycloakOrigin) => LoopbackHttpServer.StartAsync(app =>
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/buyer", (System.Security.Claims.ClaimsPrincipal user) => user.FindFirst("sub")?.Value).RequireAuthorization(GsvPolicies.Buyer);
        app.MapGet("/admin", () => "admin").RequireAuthorization(GsvPolicies.Admin);
        app.MapGet("/service", () => "service").RequireAuthorization(GsvPolicies.Service);
        app.MapGet("/gateway", () => "gateway").RequireAuthorization(GsvPolicies.Gateway);
        app.MapGet("/provisioner", () => "provisioner").RequireAuthorization(GsvPolicies.Provisioner);
    }, builder =>
    {
        builder.Configuration["Keycloak:ServiceUrl"] = keycloakOrigin;
        builder.Configuration["Keycloak:Realm"] = "gsv";
        builder.Configuration["Keycloak:RequireHttpsMetadata"] = "false";
        builder.AddGsvAuthentication();
    });
}
