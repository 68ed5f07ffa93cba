using System.Net;
using System.Text;
using System.Text.Json;
using Ganss.Xss;

namespace Gsv.Web.Marketplace;

/// <summary>
/// Saleor descriptions are Editor.js JSON whose inline text carries HTML. Each known block becomes its element, and the
/// result goes through an allow-list sanitizer: no scripts, handlers, styles or <c>javascript:</c> links reach a page.
/// </summary>
public static class EditorJsRenderer
{
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static string ToSafeHtml(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return "";
        }

        var html = new StringBuilder();
        try
        {
            using var document = JsonDocument.Parse(description);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("blocks", out var blocks) || blocks.ValueKind != JsonValueKind.Array)
            {
                return Paragraph(description);
            }

            foreach (var block in blocks.EnumerateArray())
            {
                AppendBlock(html, block);
            }
        }
        catch (JsonException)
        {
            // Not Editor.js: a plain-text description.
            return Paragraph(description);
        }

        return Sanitizer.Sanitize(html.ToString());
    }

    /// <summary>The same allow-list for HTML from elsewhere (the CMS's rich text).</summary>
    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    private static string Paragraph(string text) => $"<p>{WebUtility.HtmlEncode(text)}</p>";

    private static void AppendBlock(StringBuilder html, JsonElement block)
    {
        if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var type = block.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "header":
                // One h1 per page: a description's headings start at h2.
                var level = data.TryGetProperty("level", out var l) && l.TryGetInt32(out var n) ? Math.Clamp(n, 2, 6) : 2;
                html.Append($"<h{level}>").Append(Text(data, "text")).Append($"</h{level}>");
                break;
            case "list":
                var tag = Text(data, "style") == "ordered" ? "ol" : "ul";
                html.Append('<').Append(tag).Append('>');
                if (data.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        // Editor.js list 1.x stores strings; 2.x stores { content, items }.
                        var content = item.ValueKind == JsonValueKind.String ? item.GetString() : Text(item, "content");
                        html.Append("<li>").Append(content).Append("</li>");
                    }
                }

                html.Append("</").Append(tag).Append('>');
                break;
            case "quote":
                html.Append("<blockquote><p>").Append(Text(data, "text")).Append("</p></blockquote>");
                break;
            case "delimiter":
                html.Append("<hr>");
                break;
            default:
                // paragraph, and any unknown block with text.
                if (Text(data, "text") is { Length: > 0 } text)
                {
                    html.Append("<p>").Append(text).Append("</p>");
                }

                break;
        }
    }

    private static string Text(JsonElement data, string property) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(["p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "b", "strong", "i", "em", "u", "s", "code", "mark", "br", "a"], StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
        };
        var sanitizer = new HtmlSanitizer(options);
        // Links leave the site: no referrer, no opener.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "nofollow noopener noreferrer");
            }
        };
        return sanitizer;
    }
}
