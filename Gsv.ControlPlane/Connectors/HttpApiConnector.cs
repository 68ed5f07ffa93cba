using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Gsv.ControlPlane.Connectors;

/// <summary>
/// Any HTTP API of the buyer's: calls go only under the binding's base URL, with the buyer's token in a header
/// (<c>Authorization: Bearer …</c> by default).
/// </summary>
public sealed class HttpApiConnector : IConnector
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public string Key => "http";

    public string Name => "HTTP API";

    public string Description => "Calls an HTTP API of yours, only under the base URL you allow.";

    public IReadOnlyList<ConnectorField> Fields { get; } =
    [
        new("baseUrl", "Base URL", Secret: false, Required: true, Default: null,
            "Calls may only go to this URL and paths beneath it, e.g. https://api.example.com/v1/.", ConnectorField.IsBaseUrl),
        new("headerName", "Header", Secret: false, Required: false, Default: "Authorization",
            "The header that carries the token. With Authorization the token is sent as 'Bearer TOKEN'.",
            value => value.Length is > 0 and <= 100 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? null : "Enter a header name (letters, digits and '-')."),
        new("token", "Token", Secret: true, Required: true, Default: null, "The API token or key."),
    ];

    public IReadOnlyList<ConnectorTool> Tools { get; } =
    [
        new("request", "Sends an HTTP request to a path under the allowed base URL and returns the status and body.",
            """{"type":"object","properties":{"method":{"type":"string","enum":["GET","POST","PUT","PATCH","DELETE"]},"path":{"type":"string","description":"Relative to the base URL, e.g. customers?limit=5."},"body":{"type":"object","description":"JSON body (POST, PUT, PATCH)."}},"required":["method","path"]}"""),
    ];

    public async Task<ToolResult> CallAsync(HttpClient http, ConnectorCredentials credentials, ConnectorTool tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var method = ((string?)arguments["method"] ?? "").ToUpperInvariant();
        if (!Methods.Contains(method))
        {
            return new ToolResult(true, $"method must be one of {string.Join(", ", Methods)}.", null);
        }

        var path = (string?)arguments["path"] ?? "";
        if (Upstream.Under(Upstream.BaseUrl(credentials["baseUrl"])!, path) is not { } target)
        {
            return new ToolResult(true, $"'{path}' is not a path under the allowed base URL.", null);
        }

        var request = Request(new HttpMethod(method), target, credentials);
        if (arguments["body"] is JsonObject body && method is "POST" or "PUT" or "PATCH")
        {
            request.Content = Upstream.Json(body.DeepClone());
        }

        var response = await Upstream.SendAsync(http, request, cancellationToken);
        var text = $"HTTP {(int)response.Status}\n{response.Body}";
        return new ToolResult(!response.IsSuccess, text, (int)response.Status);
    }

    public async Task<ToolResult> TestAsync(HttpClient http, ConnectorCredentials credentials, CancellationToken cancellationToken)
    {
        var baseUrl = Upstream.BaseUrl(credentials["baseUrl"])!;
        var response = await Upstream.SendAsync(http, Request(HttpMethod.Get, baseUrl, credentials), cancellationToken);
        return (int)response.Status is 401 or 403 or >= 500
            ? Upstream.Failure("Connecting", response)
            : new ToolResult(false, $"Reached {baseUrl} (HTTP {(int)response.Status}).", (int)response.Status);
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri target, ConnectorCredentials credentials)
    {
        var request = new HttpRequestMessage(method, target);
        var header = credentials["headerName"];
        if (header.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials["token"]);
        }
        else
        {
            request.Headers.TryAddWithoutValidation(header, credentials["token"]);
        }

        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }
}
