using System.Collections.Frozen;
using System.Text;

namespace Gsv.Emulators.Ragflow.Search;

/// <summary>
/// The emulator's analyser: words are runs of letters and decimal digits, lower-cased (invariant); terms are the
/// words that are not in a small English stop-word list. Retrieval, indexing and highlighting all use it.
/// </summary>
public static class TermTokenizer
{
    public static readonly FrozenSet<string> StopWords = new[]
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "has", "have", "how",
        "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "so", "such",
        "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what", "when",
        "where", "which", "who", "why", "will", "with", "you", "your",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsWordCharacter(char c) => char.IsLetter(c) || char.IsDigit(c);

    /// <summary>Every word of the text, in order, lower case.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (IsWordCharacter(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    /// <summary>The searchable terms of the text, in order, with repeats.</summary>
    public static List<string> Terms(string text) => [.. Words(text).Where(w => !StopWords.Contains(w))];
}
