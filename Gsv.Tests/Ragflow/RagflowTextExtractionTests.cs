using System.Text;
using Gsv.Emulators.Ragflow.Parsing;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Gsv.Tests.Ragflow;

/// <summary>Text extraction by suffix: plain text, HTML stripping, PDF through PdfPig, and the failures' reasons.</summary>
public sealed class RagflowTextExtractionTests
{
    /// <summary>A PDF with one line of text per page, written with PdfPig's builder.</summary>
    public static byte[] BuildPdf(params string[] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var text in pages)
        {
            var page = builder.AddPage(PageSize.A4);
            page.AddText(text, 12, new PdfPoint(25, 700), font);
        }

        return builder.Build();
    }

    [Fact]
    public void Html_loses_tags_scripts_styles_and_comments_and_decodes_entities()
    {
        const string html = """
            <html><head><title>T</title><style>p { color: red }</style><script>var secret = 1;</script></head>
            <body><h1>Returns &amp; refunds</h1><!-- hidden note --><p>Within&nbsp;30 days &lt;no questions&gt;.</p>
            <script type="text/javascript">alert("x")</script><ul><li>One</li><li>Two</li></ul></body></html>
            """;

        var result = TextExtractor.Extract("page.html", Encoding.UTF8.GetBytes(html));

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains("Returns & refunds", result.Text);
        Assert.Contains("Within 30 days <no questions>.", result.Text);
        Assert.Contains("One", result.Text);
        Assert.DoesNotContain("secret", result.Text);
        Assert.DoesNotContain("alert", result.Text);
        Assert.DoesNotContain("color", result.Text);
        Assert.DoesNotContain("hidden note", result.Text);
        Assert.DoesNotContain("<", result.Text!.Replace("<no questions>", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("README.md")]
    public void Text_and_markdown_are_kept_as_text(string name)
    {
        var result = TextExtractor.Extract(name, Encoding.UTF8.GetBytes("# Title\r\n\r\nSome *markdown* text."));

        Assert.True(result.Succeeded);
        Assert.Equal("# Title\n\nSome *markdown* text.", result.Text);
    }

    [Fact]
    public void A_pdf_built_with_pdfpig_is_extracted_page_by_page()
    {
        var pdf = BuildPdf("The warranty covers printer heads.", "Paper jams are cleared from tray two.");

        var result = TextExtractor.Extract("manual.pdf", pdf);

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains("warranty covers printer heads", result.Text);
        Assert.Contains("Paper jams are cleared from tray two", result.Text);
        Assert.Equal(2, result.PageStarts.Count);
        Assert.Equal(2, result.PageAt(result.Text!.IndexOf("Paper jams", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_corrupt_pdf_fails_with_a_reason()
    {
        var notPdf = TextExtractor.Extract("broken.pdf", Encoding.UTF8.GetBytes("this is not a pdf at all"));
        var truncated = TextExtractor.Extract("cut.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog"));

        Assert.False(notPdf.Succeeded);
        Assert.Contains("not a PDF", notPdf.Error);
        Assert.False(truncated.Succeeded);
        Assert.False(string.IsNullOrWhiteSpace(truncated.Error));
    }

    [Theory]
    [InlineData("slides.pptx", "Unsupported file type")]
    [InlineData("noextension", "Unsupported file type")]
    [InlineData("empty.txt", "No text could be extracted")]
    public void Unsupported_or_empty_files_fail_with_a_reason(string name, string reason)
    {
        var result = TextExtractor.Extract(name, name == "empty.txt" ? Encoding.UTF8.GetBytes("  \n ") : [1, 2, 3]);

        Assert.False(result.Succeeded);
        Assert.Contains(reason, result.Error);
    }
}
