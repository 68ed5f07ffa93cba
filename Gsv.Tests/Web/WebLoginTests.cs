using System.Net;
using System.Web;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Web;

/// <summary>
/// The web front end's sign-in: OpenID Connect authorization code + PKCE against the platform's Keycloak, driven over
/// plain HTTP exactly as a browser does it (login form, redirects, cookies), then sign-out of both sessions.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class WebLoginTests(PlatformFixture platform)
{
    private const string BuyerEmail = "buyer@gsv.local";
    private const string BuyerName = "Demo Buyer";

    [Fact]
    public async Task Login_redirects_to_keycloak_with_pkce_and_the_signed_in_buyer_sees_their_name_until_logout()
    {
        var web = platform.App.GetEndpoint("web", "http");
        var keycloak = platform.App.GetEndpoint("keycloak", "http");
        var password = await platform.Identity.GetParameterAsync("demo-buyer-password");
        using var browser = new WebBrowser();

        // Anonymous: the header offers "Log in".
        var home = await ReadPageAsync(browser, new Uri(web, "/"));
        Assert.Contains("Log in", home);
        Assert.DoesNotContain(BuyerName, home);

        // 1. /account/login → Keycloak's authorization endpoint, code flow with an S256 challenge for client gsv-web.
        var loginUri = new Uri(web, "/account/login?returnUrl=%2Fmarketplace");
        using var login = await browser.GetAsync(loginUri);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var authorize = login.Headers.Location!;
        Assert.StartsWith(new Uri(keycloak, "/realms/gsv/protocol/openid-connect/auth").ToString(), authorize.ToString());
        var query = HttpUtility.ParseQueryString(authorize.Query);
        Assert.Equal("gsv-web", query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"]?.Length); // base64url of a SHA-256 digest
        Assert.Equal(new Uri(web, "/signin-oidc").ToString(), query["redirect_uri"]);
        Assert.Equal(["email", "openid", "profile"], query["scope"]!.Split(' ').Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrEmpty(query["state"]));
        Assert.False(string.IsNullOrEmpty(query["nonce"]));

        // 2. Keycloak's login form, the demo buyer's credentials, and the redirects back to the web front end.
        var form = await ReadPageAsync(browser, authorize);
        var action = WebBrowser.FormAction(form, "kc-form-login", authorize);
        using var posted = await browser.PostFormAsync(action, new Dictionary<string, string> { ["username"] = BuyerEmail, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.StartsWith(new Uri(web, "/signin-oidc").ToString(), posted.Headers.Location!.ToString());
        var (landed, visited) = await browser.FollowAsync(posted, action);
        using (landed)
        {
            Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
            Assert.Equal(new Uri(web, "/marketplace"), visited[^1]);
        }

        // 3. Signed in: the header shows the buyer's name and a logout form.
        home = await ReadPageAsync(browser, new Uri(web, "/"));
        Assert.Contains(BuyerName, home);
        Assert.Contains("Log out", home);
        var logoutAction = WebBrowser.FormAction(home, "logout-form", new Uri(web, "/"));
        Assert.Equal(new Uri(web, "/account/logout"), logoutAction);

        // 4. Logout without the antiforgery token is refused and changes nothing.
        using (var forged = await browser.PostFormAsync(logoutAction, new Dictionary<string, string> { ["returnUrl"] = "/" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Contains(BuyerName, await ReadPageAsync(browser, new Uri(web, "/")));

        // 5. Logout: the cookie session ends, then Keycloak's end_session with the ID token as hint, then back home.
        using var logout = await browser.PostFormAsync(logoutAction, new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebBrowser.AntiforgeryToken(home),
            ["returnUrl"] = "/",
        });
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var endSession = logout.Headers.Location!;
        Assert.StartsWith(new Uri(keycloak, "/realms/gsv/protocol/openid-connect/logout").ToString(), endSession.ToString());
        var logoutQuery = HttpUtility.ParseQueryString(endSession.Query);
        Assert.False(string.IsNullOrEmpty(logoutQuery["id_token_hint"]));
        Assert.Equal(new Uri(web, "/signout-callback-oidc").ToString(), logoutQuery["post_logout_redirect_uri"]);
        var (signedOut, signedOutVisits) = await browser.FollowAsync(logout, logoutAction);
        using (signedOut)
        {
            Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
            Assert.Contains(signedOutVisits, uri => uri.AbsolutePath == "/signout-callback-oidc");
            Assert.Equal(new Uri(web, "/"), signedOutVisits[^1]);
            var page = await signedOut.Content.ReadAsStringAsync();
            Assert.Contains("Log in", page);
            Assert.DoesNotContain(BuyerName, page);
        }

        // 6. The Keycloak session is gone too: a new login asks for credentials again instead of signing in silently.
        using var again = await browser.GetAsync(loginUri);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var formAgain = await ReadPageAsync(browser, again.Headers.Location!);
        Assert.Contains("kc-form-login", formAgain);
    }

    [Fact]
    public async Task Login_with_a_wrong_password_stays_on_the_keycloak_form_and_the_web_session_stays_anonymous()
    {
        var web = platform.App.GetEndpoint("web", "http");
        using var browser = new WebBrowser();

        using var login = await browser.GetAsync(new Uri(web, "/account/login"));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var authorize = login.Headers.Location!;
        var action = WebBrowser.FormAction(await ReadPageAsync(browser, authorize), "kc-form-login", authorize);
        using var posted = await browser.PostFormAsync(action, new Dictionary<string, string> { ["username"] = BuyerEmail, ["password"] = "not-the-password" });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Invalid username or password.", await posted.Content.ReadAsStringAsync());

        var home = await ReadPageAsync(browser, new Uri(web, "/"));
        Assert.Contains("Log in", home);
        Assert.DoesNotContain(BuyerName, home);
    }

    [Fact]
    public async Task A_forged_callback_without_the_login_state_does_not_sign_anyone_in()
    {
        var web = platform.App.GetEndpoint("web", "http");
        using var browser = new WebBrowser();

        using var callback = await browser.GetAsync(new Uri(web, "/signin-oidc?code=forged&state=forged"));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/error", callback.Headers.Location?.OriginalString);
        Assert.DoesNotContain(browser.Cookies.GetCookies(web).Cast<Cookie>(), c => c.Name.StartsWith("gsv.session", StringComparison.Ordinal));

        var home = await ReadPageAsync(browser, new Uri(web, "/"));
        Assert.Contains("Log in", home);
    }

    private static async Task<string> ReadPageAsync(WebBrowser browser, Uri uri)
    {
        using var response = await browser.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
