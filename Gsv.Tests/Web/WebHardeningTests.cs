using System.Net;
using System.Net.Http.Headers;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Web;

/// <summary>
/// The web app never sends an exception (stack, request headers) to a client, whatever the environment (the local
/// platform under test runs its services in Development), and every response carries the security headers.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class WebHardeningTests(PlatformFixture platform)
{
    private const string CookieSecret = "session-secret-7c1f0e";

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/json")]
    public async Task Bad_logout_form_with_a_session_cookie_is_a_4xx_without_stack_or_cookie(string accept)
    {
        using var http = platform.CreateHttpClient("web");
        var bodies = new List<HttpContent>
        {
            // No antiforgery token.
            new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }),
            // A multipart form whose boundary never comes.
            new StringContent("--nothing-here", null, "multipart/form-data"),
        };
        ((StringContent)bodies[1]).Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("boundary", "b0undary"));

        foreach (var body in bodies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/account/logout") { Content = body };
            request.Headers.TryAddWithoutValidation("Cookie", $".AspNetCore.Cookies={CookieSecret}; theme={CookieSecret}");
            request.Headers.Accept.ParseAdd(accept);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();

            Assert.InRange((int)response.StatusCode, 400, 499);
            Assert.DoesNotContain(CookieSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
            AssertSecurityHeaders(response);
        }
    }

    [Fact]
    public async Task Pages_carry_nosniff_a_referrer_policy_and_a_content_security_policy()
    {
        using var http = platform.CreateHttpClient("web");
        foreach (var path in new[] { "/", "/marketplace", "/_framework/blazor.web.js" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertSecurityHeaders(response);
        }
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;
}
