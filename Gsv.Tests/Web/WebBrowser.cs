using System.Net;
using System.Text.RegularExpressions;

namespace Gsv.Tests.Web;

/// <summary>
/// A plain-HTTP "browser": one cookie jar for every host (cookies are not isolated by port, as in a real browser),
/// no automatic redirects so each hop can be inspected, and a helper that follows them like a browser would.
/// </summary>
internal sealed partial class WebBrowser : IDisposable
{
    private readonly HttpClient http;

    public WebBrowser()
    {
        http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public CookieContainer Cookies { get; } = new();

    public Task<HttpResponseMessage> GetAsync(Uri uri) => http.GetAsync(uri);

    public Task<HttpResponseMessage> PostFormAsync(Uri uri, IReadOnlyDictionary<string, string> fields) =>
        http.PostAsync(uri, new FormUrlEncodedContent(fields));

    /// <summary>Follows 3xx answers with GETs (at most <paramref name="maxHops"/>); returns the final answer and every URI visited.</summary>
    public async Task<(HttpResponseMessage Response, List<Uri> Visited)> FollowAsync(HttpResponseMessage response, Uri requestUri, int maxHops = 10)
    {
        var visited = new List<Uri>();
        var current = requestUri;
        for (var hop = 0; hop < maxHops && IsRedirect(response.StatusCode); hop++)
        {
            var next = response.Headers.Location ?? throw new InvalidOperationException($"{(int)response.StatusCode} without Location from {current}");
            current = next.IsAbsoluteUri ? next : new Uri(current, next);
            visited.Add(current);
            response.Dispose();
            response = await http.GetAsync(current);
        }

        return (response, visited);
    }

    public static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;

    /// <summary>The <c>action</c> of the form with the given id (HTML-decoded, resolved against the page's URI).</summary>
    public static Uri FormAction(string html, string formId, Uri pageUri)
    {
        var form = Regex.Matches(html, "<form[^>]*>").Select(m => m.Value).FirstOrDefault(tag => tag.Contains($"id=\"{formId}\"", StringComparison.Ordinal));
        Assert.True(form is not null, $"No form '{formId}' in the page:\n{html}");
        var action = Regex.Match(form, "action=\"([^\"]+)\"");
        Assert.True(action.Success, $"Form '{formId}' has no action: {form}");
        return new Uri(pageUri, WebUtility.HtmlDecode(action.Groups[1].Value));
    }

    /// <summary>The antiforgery token Blazor's <c>&lt;AntiforgeryToken /&gt;</c> renders into a form.</summary>
    public static string AntiforgeryToken(string html)
    {
        var match = AntiforgeryInput().Match(html);
        Assert.True(match.Success, $"No antiforgery token in the page:\n{html}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    public void Dispose() => http.Dispose();
}
