namespace Gsv.Emulators.Ragflow.Parsing;

/// <summary>One piece of a document's text and where it lies in it (<c>[Start, End)</c>).</summary>
public sealed record TextChunk(int Index, string Content, int Start, int End, int TokenCount);

/// <summary>
/// Splits text into chunks of about <c>chunk_token_num</c> tokens (estimated at <see cref="CharsPerToken"/> characters
/// a token), cutting at the best boundary in the second half of the window — a blank line, else a line break, else a
/// sentence end, else a space — and starting each chunk about <see cref="OverlapPercent"/> % before the previous one
/// ended (at a sentence start when one is near, else a word start), so a sentence cut in two is whole in one of them. Pure and deterministic.
/// </summary>
public static class Chunker
{
    public const int CharsPerToken = 4;
    public const int OverlapPercent = 12;

    public static int EstimateTokens(string text) => (text.Length + CharsPerToken - 1) / CharsPerToken;

    public static IReadOnlyList<TextChunk> Split(string text, int chunkTokenNum)
    {
        var size = Math.Max(chunkTokenNum, 4) * CharsPerToken;
        var overlap = size * OverlapPercent / 100;
        var chunks = new List<TextChunk>();
        var start = SkipWhitespace(text, 0);
        while (start < text.Length)
        {
            var end = text.Length - start <= size ? text.Length : BestBoundary(text, start, start + size);
            var content = text[start..end].Trim();
            if (content.Length > 0)
            {
                chunks.Add(new TextChunk(chunks.Count, content, start, end, EstimateTokens(content)));
            }

            if (end >= text.Length)
            {
                break;
            }

            var next = WordStartAtOrAfter(text, end - overlap, end);
            start = SkipWhitespace(text, next > start ? next : end);
        }

        return chunks;
    }

    /// <summary>The end of a chunk starting at <paramref name="start"/> that may not pass <paramref name="limit"/>.</summary>
    private static int BestBoundary(string text, int start, int limit)
    {
        var earliest = start + ((limit - start) / 2);
        var paragraph = LastMatch(text, earliest, limit, i => text[i] == '\n' && i + 1 < text.Length && text[i + 1] == '\n');
        if (paragraph > 0)
        {
            return paragraph;
        }

        var line = LastMatch(text, earliest, limit, i => text[i] == '\n');
        if (line > 0)
        {
            return line;
        }

        var sentence = LastMatch(text, earliest, limit - 1, i => text[i] is '.' or '!' or '?' or ';' && char.IsWhiteSpace(text[i + 1]));
        if (sentence > 0)
        {
            return sentence + 1;
        }

        var space = LastMatch(text, earliest, limit, i => char.IsWhiteSpace(text[i]));
        return space > 0 ? space : limit;
    }

    private static int LastMatch(string text, int from, int to, Func<int, bool> isBoundary)
    {
        for (var i = Math.Min(to, text.Length - 1); i > from; i--)
        {
            if (isBoundary(i))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsSentenceEnd(string text, int i) => text[i] is '.' or '!' or '?' or '\n' && char.IsWhiteSpace(text[i + 1]);

    /// <summary>
    /// Where the next chunk starts, for an overlap from <paramref name="from"/> up to <paramref name="limit"/>: a sentence
    /// start in <c>[from, limit)</c>, else the last one up to an overlap further back, else the first word start.
    /// </summary>
    private static int WordStartAtOrAfter(string text, int from, int limit)
    {
        from = Math.Max(from, 0);
        for (var i = from; i < limit - 1; i++)
        {
            if (IsSentenceEnd(text, i))
            {
                return i + 1;
            }
        }

        for (var i = from - 1; i >= Math.Max(from - (limit - from), 1); i--)
        {
            if (IsSentenceEnd(text, i))
            {
                return i + 1;
            }
        }

        if (from == 0 || char.IsWhiteSpace(text[from - 1]))
        {
            return from;
        }

        for (var i = from; i < limit; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        return limit;
    }

    private static int SkipWhitespace(string text, int index)
    {
        while (index < text.Length && char.IsWhiteSpace(text[index]))
        {
            index++;
        }

        return index;
    }
}
