namespace Gsv.Saleor;

public sealed record PageInfo(bool HasNextPage, string? EndCursor);

public sealed record Edge<T>(T Node, string? Cursor = null);

/// <summary>A Relay connection as Saleor returns it.</summary>
public sealed record Connection<T>(IReadOnlyList<Edge<T>> Edges, PageInfo? PageInfo = null, int? TotalCount = null)
{
    public IEnumerable<T> Nodes => Edges.Select(e => e.Node);
}

public static class SaleorPagination
{
    /// <summary>Saleor's upper bound for <c>first</c> (GRAPHQL_PAGINATION_LIMIT).</summary>
    public const int MaxPageSize = 100;

    /// <summary>Walks a connection page by page, following <c>pageInfo.endCursor</c> until <c>hasNextPage</c> is false.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        Func<string?, CancellationToken, Task<Connection<T>>> fetchPage,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        while (true)
        {
            var page = await fetchPage(after, cancellationToken);
            foreach (var edge in page.Edges)
            {
                yield return edge.Node;
            }

            if (page.PageInfo is not { HasNextPage: true, EndCursor: { } next } || next == after)
            {
                yield break;
            }

            after = next;
        }
    }
}
