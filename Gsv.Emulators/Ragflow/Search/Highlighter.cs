using System.Text;

namespace Gsv.Emulators.Ragflow.Search;

/// <summary>Retrieval's <c>highlight</c>: the content with every word that is a query term wrapped in <c>&lt;em&gt;</c>.</summary>
public static class Highlighter
{
    public static string Highlight(string content, IReadOnlySet<string> terms)
    {
        var result = new StringBuilder(content.Length + 32);
        var index = 0;
        while (index < content.Length)
        {
            if (!TermTokenizer.IsWordCharacter(content[index]))
            {
                result.Append(content[index++]);
                continue;
            }

            var start = index;
            while (index < content.Length && TermTokenizer.IsWordCharacter(content[index]))
            {
                index++;
            }

            var word = content[start..index];
            result.Append(terms.Contains(word.ToLowerInvariant()) ? $"<em>{word}</em>" : word);
        }

        return result.ToString();
    }
}
