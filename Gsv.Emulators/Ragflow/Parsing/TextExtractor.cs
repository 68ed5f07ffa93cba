using System.Collections.Frozen;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace Gsv.Emulators.Ragflow.Parsing;

/// <summary>
/// The text of an uploaded file by its suffix: <c>txt</c>, <c>md</c>/<c>markdown</c> (kept as text), <c>html</c>/<c>htm</c>
/// (<see cref="HtmlText"/>), <c>pdf</c> (PdfPig, page by page in content order). Anything else, a file that is not
/// what its suffix says, or one without text fails with a reason that becomes the document's <c>[ERROR]</c> line.
/// </summary>
public static class TextExtractor
{
    public static readonly FrozenSet<string> SupportedSuffixes = new[] { "txt", "md", "markdown", "html", "htm", "pdf" }.ToFrozenSet();

    public static string SuffixOf(string fileName) => Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();

    public static ExtractionResult Extract(string fileName, byte[] content)
    {
        var suffix = SuffixOf(fileName);
        var result = suffix switch
        {
            "txt" or "md" or "markdown" => PlainText(content),
            "html" or "htm" => PlainText(content) is { Succeeded: true, Text: { } html } ? ExtractionResult.Success(HtmlText.Extract(html)) : PlainText(content),
            "pdf" => Pdf(content),
            _ => ExtractionResult.Failure(
                $"Unsupported file type: '{(suffix.Length == 0 ? fileName : "." + suffix)}'. The emulator parses {string.Join(", ", SupportedSuffixes.Order().Select(s => "." + s))}."),
        };
        return result.Succeeded && string.IsNullOrWhiteSpace(result.Text)
            ? ExtractionResult.Failure($"No text could be extracted from '{fileName}'.")
            : result;
    }

    private static ExtractionResult PlainText(byte[] content)
    {
        if (Array.IndexOf(content, (byte)0) >= 0)
        {
            return ExtractionResult.Failure("The file is binary, not text.");
        }

        using var reader = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ExtractionResult.Success(Normalize(reader.ReadToEnd()));
    }

    private static ExtractionResult Pdf(byte[] content)
    {
        var header = content.AsSpan(0, Math.Min(content.Length, 1024));
        if (header.IndexOf("%PDF-"u8) < 0)
        {
            return ExtractionResult.Failure("The file is not a PDF (no %PDF- header): it may be corrupt or mis-named.");
        }

        try
        {
            using var pdf = PdfDocument.Open(content);
            var text = new StringBuilder();
            var pageStarts = new List<int>();
            foreach (var page in pdf.GetPages())
            {
                if (text.Length > 0)
                {
                    text.Append("\n\n");
                }

                pageStarts.Add(text.Length);
                text.Append(Normalize(ContentOrderTextExtractor.GetText(page)).Trim());
            }

            return ExtractionResult.Success(text.ToString(), pageStarts);
        }
        catch (Exception failure)
        {
            return ExtractionResult.Failure($"The PDF could not be read: {failure.Message}");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}
