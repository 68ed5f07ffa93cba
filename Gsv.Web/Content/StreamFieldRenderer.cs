using System.Net;
using System.Text;
using Gsv.Web.Marketplace;

namespace Gsv.Web.Content;

/// <summary>
/// A page's body StreamField as HTML: <c>heading</c> → <c>h2</c>, <c>paragraph</c> (Wagtail rich text) → its HTML,
/// <c>quote</c> → <c>blockquote</c>. Text blocks are encoded; the whole goes through the marketplace's allow-list
/// sanitizer (no scripts, handlers, styles or <c>javascript:</c> links). Unknown blocks are left out.
/// </summary>
public static class StreamFieldRenderer
{
    public static string ToSafeHtml(IEnumerable<StreamBlock> blocks)
    {
        var html = new StringBuilder();
        foreach (var block in blocks)
        {
            var text = block.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)block.Value ?? "" : "";
            switch (block.Type)
            {
                case "heading":
                    html.Append("<h2>").Append(WebUtility.HtmlEncode(text)).Append("</h2>");
                    break;
                case "paragraph" or "rich_text":
                    html.Append(text);
                    break;
                case "quote":
                    html.Append("<blockquote><p>").Append(WebUtility.HtmlEncode(text)).Append("</p></blockquote>");
                    break;
            }
        }

        return EditorJsRenderer.Sanitize(html.ToString());
    }
}
