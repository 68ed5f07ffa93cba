using Xunit.Sdk;

namespace Gsv.Tests.Web;

/// <summary>The accessibility check of the browser tests, on pages of its own (no platform needed).</summary>
public sealed class PageCheckTests
{
    private const string Accessible = """
        <!doctype html><html lang="en"><head><title>Offerings</title></head>
        <body><main><h1>Offerings</h1><p>Meeting Assistant</p><img src="data:," alt="Meeting Assistant's logo"></main></body></html>
        """;

    [Fact]
    public async Task An_accessible_page_passes_and_leaves_its_screenshot()
    {
        var path = await CheckAsync(Accessible, "page-check-accessible");

        Assert.True(new FileInfo(path).Length > 0);
    }

    [Theory]
    [InlineData("""<img src="data:,">""", "critical image-alt")]
    [InlineData("""<p style="color:#eee;background:#fff">Pale text</p>""", "serious color-contrast")]
    public async Task A_serious_or_critical_violation_fails_with_its_rule_and_element(string element, string expected)
    {
        var failure = await Assert.ThrowsAsync<TrueException>(() =>
            CheckAsync(Accessible.Replace("</main>", element + "</main>"), "page-check-violation"));

        Assert.Contains(expected, failure.Message);
        Assert.Contains(element[..4], failure.Message);
    }

    [Fact]
    public async Task A_page_with_a_frame_is_checked_inside_the_frame_too()
    {
        var frame = """<iframe title="Terms" srcdoc="<img src='data:,'>"></iframe>""";

        var failure = await Assert.ThrowsAsync<TrueException>(() =>
            CheckAsync(Accessible.Replace("</main>", frame + "</main>"), "page-check-frame"));

        Assert.Contains("critical image-alt", failure.Message);
    }

    private static async Task<string> CheckAsync(string html, string name)
    {
        var context = await SharedChromium.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.SetContentAsync(html);
            return await PageCheck.CheckAsync(page, name);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }
}
