using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gsv.Web.Marketplace;

/// <summary>Saleor stores descriptions as Editor.js JSON; the marketplace shows the first paragraph as plain text.</summary>
public static partial class ProductDescription
{
    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    public static string Summary(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(description);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("blocks", out var blocks)
                && blocks.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in blocks.EnumerateArray())
                {
                    if (block.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                        && data.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                        && PlainText(text.GetString()) is { Length: > 0 } plain)
                    {
                        return plain;
                    }
                }

                return "";
            }
        }
        catch (JsonException)
        {
            // Not Editor.js: a plain-text description.
        }

        return PlainText(description);
    }

    /// <summary>Editor.js inline text carries HTML (bold, links, entities).</summary>
    private static string PlainText(string? html) =>
        WebUtility.HtmlDecode(Tags().Replace(html ?? "", "")).Trim();
}
