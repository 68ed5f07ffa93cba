using System.Text.Json.Nodes;
using Gsv.Web.Content;

namespace Gsv.Tests.Cms;

/// <summary>The CMS's StreamField bodies reach a page only through the allow-list sanitizer.</summary>
public sealed class StreamFieldRendererTests
{
    [Fact]
    public void Rich_text_is_sanitized_and_text_blocks_are_encoded()
    {
        StreamBlock[] blocks =
        [
            new("heading", JsonValue.Create("<b>Title</b>"), "a"),
            new("paragraph", JsonValue.Create("""<p onclick="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="/pricing">ok</a></p><script>alert(1)</script><img src=x onerror=y>"""), "b"),
            new("quote", JsonValue.Create("<i>said</i>"), "c"),
            new("unknown", JsonValue.Create("<p>dropped</p>"), "d"),
        ];

        var html = StreamFieldRenderer.ToSafeHtml(blocks);

        Assert.Contains("<h2>&lt;b&gt;Title&lt;/b&gt;</h2>", html);
        Assert.Contains("""<a href="/pricing" rel="nofollow noopener noreferrer">ok</a>""", html);
        Assert.Contains("<blockquote><p>&lt;i&gt;said&lt;/i&gt;</p></blockquote>", html);
        Assert.DoesNotContain("script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("dropped", html);
    }
}
