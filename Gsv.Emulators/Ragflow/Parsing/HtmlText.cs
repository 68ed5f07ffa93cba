using System.Net;
using System.Text.RegularExpressions;

namespace Gsv.Emulators.Ragflow.Parsing;

/// <summary>
/// The readable text of an HTML page: scripts, styles, comments and the head's non-text parts dropped, block elements
/// turned into line breaks, the remaining tags removed, entities decoded, runs of blanks collapsed.
/// </summary>
public static partial class HtmlText
{
    public static string Extract(string html)
    {
        var text = Invisible().Replace(html, " ");
        text = Comment().Replace(text, " ");
        text = BlockBoundary().Replace(text, "\n");
        text = Tag().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        text = Blanks().Replace(text, " ");
        text = SpacedNewline().Replace(text, "\n");
        text = ManyNewlines().Replace(text, "\n\n");
        return text.Trim();
    }

    [GeneratedRegex(@"<(script|style|noscript|template|svg|head)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Invisible();

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<\s*(br|/?p|/?div|/?li|/?ul|/?ol|/?tr|/?table|/?h[1-6]|/?section|/?article|/?header|/?footer|/?blockquote|/?pre|hr)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockBoundary();

    [GeneratedRegex("<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\f\v\u00a0]+")]
    private static partial Regex Blanks();

    [GeneratedRegex(@" *\n *")]
    private static partial Regex SpacedNewline();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex ManyNewlines();
}
