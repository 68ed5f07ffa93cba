using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gsv.Provisioner.Sellers;

/// <summary>
/// A product description as the seller types it (plain text, paragraphs separated by a blank line) and as Saleor stores
/// it (Editor.js JSON, one paragraph block each, its text HTML-encoded).
/// </summary>
public static partial class OfferingDescription
{
    public const int MaxLength = 2000;

    public static string ToEditorJs(string? text)
    {
        var paragraphs = ParagraphBreak().Split((text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim())
            .Select(p => p.Trim()).Where(p => p.Length > 0)
            .Select((p, i) => new { id = $"p{i + 1}", type = "paragraph", data = new { text = WebUtility.HtmlEncode(p).Replace("\n", "<br>", StringComparison.Ordinal) } });
        return JsonSerializer.Serialize(new { time = 0, blocks = paragraphs, version = "2.24.3" });
    }

    /// <summary>The paragraphs' text (tags dropped, entities decoded), blank-line separated; a non-JSON description as it is.</summary>
    public static string ToText(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(description);
            if (document.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("blocks", out var blocks) && blocks.ValueKind == JsonValueKind.Array)
            {
                return string.Join("\n\n", blocks.EnumerateArray()
                    .Select(b => b.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                        && data.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? Plain(t.GetString()) : "")
                    .Where(p => p.Length > 0));
            }
        }
        catch (JsonException)
        {
            // Not Editor.js: plain text.
        }

        return description.Trim();
    }

    private static string Plain(string? html) =>
        WebUtility.HtmlDecode(Tags().Replace(LineBreak().Replace(html ?? "", "\n"), "")).Trim();

    [GeneratedRegex(@"\n\s*\n")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex("<br\\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
