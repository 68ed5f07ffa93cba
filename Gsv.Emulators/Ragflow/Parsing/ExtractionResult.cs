namespace Gsv.Emulators.Ragflow.Parsing;

/// <summary>
/// A document's text, or why there is none. <see cref="PageStarts"/> are the offsets in <see cref="Text"/> where
/// each page begins (PDF; one page at 0 for the other formats).
/// </summary>
public sealed record ExtractionResult(string? Text, IReadOnlyList<int> PageStarts, string? Error)
{
    public bool Succeeded => Error is null;

    public static ExtractionResult Success(string text, IReadOnlyList<int>? pageStarts = null) => new(text, pageStarts ?? [0], null);

    public static ExtractionResult Failure(string reason) => new(null, [], reason);

    /// <summary>The 1-based page the offset falls on.</summary>
    public int PageAt(int offset)
    {
        var page = 1;
        for (var i = 1; i < PageStarts.Count && PageStarts[i] <= offset; i++)
        {
            page = i + 1;
        }

        return page;
    }
}
