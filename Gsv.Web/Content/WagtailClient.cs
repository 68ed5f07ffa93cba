using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Gsv.Web.Content;

/// <summary>
/// Reads the marketing pages from the headless CMS, Wagtail's API v2 (<c>docs/cms-api.md</c>): listings by page model
/// (<c>/api/v2/pages/?type=app.Model&amp;fields=…</c>, <c>limit</c>/<c>offset</c>, <c>order</c>), one page by slug, and a
/// page by id. The CMS is the <c>cms</c> resource (Wagtail in containers mode, the emulator in local mode).
/// </summary>
public sealed partial class WagtailClient(HttpClient http, ILogger<WagtailClient> logger)
{
    public const string BaseAddress = "https+http://cms";

    /// <summary>Wagtail's default <c>WAGTAILAPI_LIMIT_MAX</c>: a listing returns no more than this per request.</summary>
    public const int LimitMax = 20;

    /// <summary>Pages of one model (<c>app_label.ModelName</c>) with the given fields (<c>*</c>: all of the model's).</summary>
    public async Task<WagtailListing> PagesAsync(
        string type, string fields = "*", int limit = LimitMax, int offset = 0, string? order = null, CancellationToken cancellationToken = default)
    {
        var query = $"/api/v2/pages/?type={Uri.EscapeDataString(type)}&fields={Uri.EscapeDataString(fields)}" +
            $"&limit={limit.ToString(CultureInfo.InvariantCulture)}&offset={offset.ToString(CultureInfo.InvariantCulture)}" +
            (order is null ? "" : $"&order={Uri.EscapeDataString(order)}");
        return await ListingAsync(query, cancellationToken);
    }

    /// <summary>The page of <paramref name="type"/> with that slug, every field; null when there is none.</summary>
    public async Task<WagtailPage?> PageAsync(string type, string slug, CancellationToken cancellationToken = default)
    {
        var listing = await ListingAsync($"/api/v2/pages/?type={Uri.EscapeDataString(type)}&slug={Uri.EscapeDataString(slug)}&fields=*", cancellationToken);
        return listing.Items is [var page, ..] ? page : null;
    }

    /// <summary>The only page of a model that has one (the home page, the pricing page, an index); null when it is missing.</summary>
    public async Task<WagtailPage?> SinglePageAsync(string type, CancellationToken cancellationToken = default) =>
        (await PagesAsync(type, limit: 1, cancellationToken: cancellationToken)).Items is [var page, ..] ? page : null;

    /// <summary><c>/api/v2/pages/{id}/</c>: every field of the page; null on Wagtail's 404.</summary>
    public async Task<WagtailPage?> PageByIdAsync(int id, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri($"/api/v2/pages/{id.ToString(CultureInfo.InvariantCulture)}/", UriKind.Relative), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return WagtailPage.From(await ReadAsync(response, cancellationToken));
    }

    private async Task<WagtailListing> ListingAsync(string query, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(query, UriKind.Relative), cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        var items = body["items"] is JsonArray array ? array.OfType<JsonObject>().Select(WagtailPage.From).ToList() : [];
        return new WagtailListing((int?)body["meta"]?["total_count"] ?? items.Count, items);
    }

    /// <summary>The JSON object of a success; Wagtail's <c>{"message": …}</c> of a failure is logged and thrown.</summary>
    private async Task<JsonObject> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var message = (JsonNode.Parse(text) as JsonObject)?["message"]?.ToString() ?? text;
            LogCmsError(logger, (int)response.StatusCode, response.RequestMessage?.RequestUri?.PathAndQuery, message);
            throw new HttpRequestException($"The CMS answered {(int)response.StatusCode}: {message}", null, response.StatusCode);
        }

        return JsonNode.Parse(text) as JsonObject ?? throw new HttpRequestException("The CMS answered something other than a JSON object.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CMS answered {Status} to {Request}: {Message}")]
    private static partial void LogCmsError(ILogger logger, int status, string? request, string message);
}
