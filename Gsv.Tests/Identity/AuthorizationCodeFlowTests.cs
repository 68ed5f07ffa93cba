using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using Gsv.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gsv.Tests.Identity;

/// <summary>Authorization code + PKCE (S256) driven over HTTP as a browser would, client <c>gsv-web</c>.</summary>
[Collection(PlatformCollection.Name)]
public sealed partial class AuthorizationCodeFlowTests(PlatformFixture platform)
{
    [GeneratedRegex("<form id=\"kc-form-login\" action=\"([^\"]+)\"")]
    private static partial Regex LoginFormAction();

    [Fact]
    public async Task Code_flow_with_pkce_yields_tokens_and_a_wrong_verifier_is_refused()
    {
        var user = await platform.Identity.CreateUserAsync("pkce");
        var secret = await platform.Identity.GetClientSecretAsync("gsv-web");
        var redirectUri = $"{platform.App.GetEndpoint("web", "http").ToString().TrimEnd('/')}/signin-oidc";

        var (code, verifier) = await LoginAsync(user, redirectUri);
        using var wrong = await ExchangeAsync(code, redirectUri, secret, verifier[..^1] + (verifier[^1] == 'A' ? 'B' : 'A'));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("invalid_grant", (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        // A code is single use, so a fresh login for the right verifier.
        (code, verifier) = await LoginAsync(user, redirectUri);
        using var right = await ExchangeAsync(code, redirectUri, secret, verifier);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var tokens = await right.Content.ReadFromJsonAsync<JsonElement>();
        var access = new JsonWebToken(tokens.GetProperty("access_token").GetString());
        Assert.Equal(user.Sub, access.Subject);
        Assert.Equal("gsv-web", access.GetClaim("azp").Value);
        Assert.Contains("gsv-api", access.Audiences);
        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal("gsv-web", id.Audiences.Single());
        Assert.True(tokens.TryGetProperty("refresh_token", out _));

        using var replay = await ExchangeAsync(code, redirectUri, secret, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
    }

    private async Task<(string Code, string Verifier)> LoginAsync(TestUser user, string redirectUri)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Guid.NewGuid().ToString("N");
        var keycloakBase = platform.App.GetEndpoint("keycloak", "http");
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = keycloakBase };

        var authorize = $"/realms/gsv/protocol/openid-connect/auth?response_type=code&client_id=gsv-web&scope=openid%20profile%20email"
            + $"&redirect_uri={Uri.EscapeDataString(redirectUri)}&state={state}&code_challenge={challenge}&code_challenge_method=S256";
        using var page = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var action = WebUtility.HtmlDecode(LoginFormAction().Match(html).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(action));

        using var posted = await browser.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user.Email, ["password"] = user.Password }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var location = posted.Headers.Location!;
        Assert.StartsWith(redirectUri, location.ToString());
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(state, query["state"]);
        return (query["code"]!, verifier);
    }

    private async Task<HttpResponseMessage> ExchangeAsync(string code, string redirectUri, string secret, string verifier) =>
        await platform.Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = "gsv-web", ["client_secret"] = secret,
            ["code"] = code, ["redirect_uri"] = redirectUri, ["code_verifier"] = verifier,
        });
}
