using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Gsv.ControlPlane.Connectors;

/// <summary>An upstream's answer: its status and body (at most <see cref="Upstream.MaxBodyChars"/> characters), parsed when JSON.</summary>
public sealed record UpstreamResponse(HttpStatusCode Status, string Body, JsonNode? Json)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>HTTP calls to connectors' upstreams: JSON in, a bounded body out, and URLs built only under a base URL.</summary>
public static class Upstream
{
    public const int MaxBodyChars = 8000;

    public static async Task<UpstreamResponse> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await ReadBoundedAsync(response.Content, cancellationToken);
        JsonNode? json = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && body.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException)
            {
                // A body cut at the limit, or not JSON after all: the text is still returned.
            }
        }

        return new UpstreamResponse(response.StatusCode, body, json);
    }

    public static HttpContent Json(JsonNode body) => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>
    /// The base URL a binding names, or null when it is not an absolute http(s) URL without user info, query or fragment.
    /// It always ends with '/' so relative paths resolve beneath it.
    /// </summary>
    public static Uri? BaseUrl(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return null;
        }

        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>
    /// <paramref name="path"/> resolved under <paramref name="baseUrl"/>, or null when it would leave it (an absolute URL,
    /// <c>..</c>, another host): a binding's base URL is the only place its calls may go.
    /// </summary>
    public static Uri? Under(Uri baseUrl, string path)
    {
        // ".." in any spelling (some servers decode %2e), a backslash, a network path or a URL with a scheme: refused.
        if (path.Contains("..", StringComparison.Ordinal) || path.Contains("%2e", StringComparison.OrdinalIgnoreCase) || path.Contains('\\')
            || path.StartsWith("//", StringComparison.Ordinal) || !path.StartsWith('/') && Uri.TryCreate(path, UriKind.Absolute, out _))
        {
            return null;
        }

        var target = new Uri(baseUrl, path.TrimStart('/'));
        return target.AbsoluteUri.StartsWith(baseUrl.AbsoluteUri, StringComparison.Ordinal) ? target : null;
    }

    /// <summary>The upstream's error as the agent should read it: its status and message, no credentials.</summary>
    public static ToolResult Failure(string what, UpstreamResponse response, string? message = null) =>
        new(true, $"{what} failed: HTTP {(int)response.Status} {response.Status}{(message ?? Message(response)) switch { { Length: > 0 } m => $": {m}", _ => "" }}",
            (int)response.Status);

    private static string? Message(UpstreamResponse response) =>
        response.Json is JsonObject o ? (string?)o["message"] ?? (string?)o["error"] : response.Body.Length > 200 ? response.Body[..200] : response.Body;

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxBodyChars];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return new string(buffer, 0, read);
    }
}
