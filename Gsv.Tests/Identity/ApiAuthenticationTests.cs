using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Gsv.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gsv.Tests.Identity;

/// <summary>The running services against tokens from the platform's Keycloak: who gets in, who is refused and how.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ApiAuthenticationTests(PlatformFixture platform)
{
    private const string WhoAmI = "/internal/v1/whoami";
    private const string Me = "/api/v1/me";

    private IdentityClient Identity => platform.Identity;

    [Fact]
    public async Task Demo_buyer_token_gets_who_they_are_from_the_control_plane()
    {
        var password = await Identity.GetParameterAsync("demo-buyer-password");
        var token = await Identity.GetUserTokenAsync("buyer@gsv.local", password);
        using var controlPlane = Identity.CreateClient("controlplane", token);

        using var response = await controlPlane.GetAsync(Me);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new JsonWebToken(token).Subject, me.GetProperty("sub").GetString());
        Assert.Equal("buyer@gsv.local", me.GetProperty("email").GetString());
    }

    [Theory]
    [InlineData("controlplane", Me)]
    [InlineData("provisioner", WhoAmI)]
    public async Task No_token_is_401(string service, string path)
    {
        using var client = Identity.CreateClient(service, bearerToken: null);
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("controlplane", Me)]
    [InlineData("provisioner", WhoAmI)]
    public async Task Token_signed_by_a_foreign_key_is_401(string service, string path)
    {
        // A copy of a real token's header and claims (issuer, audience, kid, roles), signed with a key Keycloak never published.
        var real = new JsonWebToken(await Identity.GetServiceTokenAsync("gsv-provisioner"));
        var foreignKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = real.Kid };
        var forged = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(Base64UrlEncoder.Decode(real.EncodedPayload), new SigningCredentials(foreignKey, SecurityAlgorithms.RsaSha256));

        using var client = Identity.CreateClient(service, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("controlplane", Me)]
    [InlineData("provisioner", WhoAmI)]
    public async Task Token_without_the_api_audience_is_401(string service, string path)
    {
        // A genuine realm token whose client has no gsv-api audience mapper (admin-cli exists in every Keycloak realm).
        var user = await Identity.CreateUserAsync("audience");
        using var response = await Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "password", ["client_id"] = "admin-cli", ["username"] = user.Email, ["password"] = user.Password,
        });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        Assert.DoesNotContain("gsv-api", new JsonWebToken(token).Audiences);

        using var client = Identity.CreateClient(service, token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("controlplane", Me)]
    [InlineData("provisioner", WhoAmI)]
    public async Task Token_from_another_issuer_is_401(string service, string path)
    {
        // Keycloak derives the issuer from the host it is called by: the same realm and key reached under another
        // host name issues tokens the services (which know it by its discovered address) must not accept.
        using var keycloak = Identity.CreateKeycloakClient();
        var address = keycloak.BaseAddress!;
        var otherHost = address.Host == "localhost" ? "127.0.0.1" : "localhost";
        using var other = new HttpClient { BaseAddress = new UriBuilder(address) { Host = otherHost }.Uri };
        using var response = await other.PostAsync("/realms/gsv/protocol/openid-connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "gsv-provisioner",
            ["client_secret"] = await Identity.GetClientSecretAsync("gsv-provisioner"),
        }));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        Assert.Contains(otherHost, new JsonWebToken(token).Issuer);

        using var client = Identity.CreateClient(service, token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Master_realm_token_is_401()
    {
        using var client = Identity.CreateClient("provisioner", await Identity.GetAdminTokenAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(WhoAmI)).StatusCode);
    }

    [Theory]
    [InlineData("gsv-provisioner")]
    [InlineData("gsv-gateway")]
    public async Task Service_token_passes_the_service_policy(string clientId)
    {
        var token = await Identity.GetServiceTokenAsync(clientId);
        using var provisioner = Identity.CreateClient("provisioner", token);

        var whoAmI = await provisioner.GetFromJsonAsync<JsonElement>(WhoAmI);

        Assert.Equal(clientId, whoAmI.GetProperty("azp").GetString());
        Assert.Equal(new JsonWebToken(token).Subject, whoAmI.GetProperty("sub").GetString());
        Assert.Contains(clientId, whoAmI.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Buyer_token_is_403_on_a_service_only_endpoint()
    {
        var user = await Identity.CreateUserAsync("forbidden");
        using var provisioner = Identity.CreateClient("provisioner", user.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await provisioner.GetAsync(WhoAmI)).StatusCode);
    }

    [Fact]
    public async Task Admin_token_is_403_on_a_service_only_endpoint()
    {
        var password = await Identity.GetParameterAsync("demo-admin-password");
        using var provisioner = Identity.CreateClient("provisioner", await Identity.GetUserTokenAsync("admin@gsv.local", password));
        Assert.Equal(HttpStatusCode.Forbidden, (await provisioner.GetAsync(WhoAmI)).StatusCode);
    }
}
