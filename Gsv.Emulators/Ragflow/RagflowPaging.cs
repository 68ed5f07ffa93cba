using System.Globalization;

namespace Gsv.Emulators.Ragflow;

/// <summary>
/// RAGFlow's pagination (<c>api/utils/pagination_utils.py</c>, contract §2): <c>page</c> from 1 (missing or invalid → 1),
/// <c>page_size</c> default 30 (missing or invalid → 30), at most 100 (larger → code 101).
/// </summary>
public readonly record struct RagflowPaging(int Page, int PageSize)
{
    public const int DefaultPageSize = 30;
    public const int MaxPageSize = 100;

    public static RagflowPaging From(string? page, string? pageSize) => new(ParsePage(page), ParsePageSize(pageSize));

    public static RagflowPaging FromQuery(IQueryCollection query) => From(query["page"].FirstOrDefault(), query["page_size"].FirstOrDefault());

    public static int ParsePage(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : 1;

    public static int ParsePageSize(string? value)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) || size < 1)
        {
            return DefaultPageSize;
        }

        return size <= MaxPageSize
            ? size
            : throw RagflowException.Field("page_size", $"Input should be less than or equal to {MaxPageSize}", size);
    }

    public IEnumerable<T> Apply<T>(IEnumerable<T> items) => items.Skip((int)Math.Min((long)(Page - 1) * PageSize, int.MaxValue)).Take(PageSize);
}
