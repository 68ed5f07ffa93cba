using System.Buffers;
using System.Globalization;

namespace Gsv.ServiceDefaults.Text;

/// <summary>
/// Text typed by people as every GSV service keeps, shows and quotes it. One-line text (names, labels, ids, search
/// words) has no control characters (ESC, CR/LF, NUL…) and no bidirectional overrides, which would let it rewrite a
/// terminal, a log line or how a page reads; multi-line text (a run's input, a tweak) may keep tabs and line breaks.
/// </summary>
public static class FreeText
{
    /// <summary>How much of a caller's input an error message may quote.</summary>
    public const int MaxEcho = 100;

    /// <summary>True for a C0/C1 control character or an invisible bidirectional control (LRE…RLO, LRI…PDI, LRM/RLM/ALM).</summary>
    public static bool IsForbidden(char c) =>
        char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    public static bool HasForbidden(string text) => text.Any(IsForbidden);

    /// <summary>Multi-line text: a control character other than tab, line feed or carriage return.</summary>
    public static bool HasControlCharacters(ReadOnlySpan<char> text) => text.ContainsAny(ControlButLineBreaks);

    private static readonly SearchValues<char> ControlButLineBreaks = SearchValues.Create(
        [.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'))]);

    /// <summary>The text without forbidden characters, trimmed, cut to <paramref name="maxLength"/> (never inside a character).</summary>
    public static string? Clean(string? text, int maxLength)
    {
        if (text is null)
        {
            return null;
        }

        var kept = string.Concat(text.Where(c => !IsForbidden(c))).Trim();
        return Cut(kept, maxLength);
    }

    /// <summary>A quotable excerpt of input: cleaned and at most <see cref="MaxEcho"/> characters, with an ellipsis when cut.</summary>
    public static string Excerpt(string? text)
    {
        var clean = string.Concat((text ?? "").Where(c => !IsForbidden(c)));
        return clean.Length <= MaxEcho ? clean : Cut(clean, MaxEcho - 1) + "…";
    }

    private static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Whole text elements only: no half of a surrogate pair or of a combined character.
        var length = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext() && length + elements.GetTextElement().Length <= maxLength)
        {
            length += elements.GetTextElement().Length;
        }

        return text[..length].TrimEnd();
    }
}
