using Microsoft.Extensions.Primitives;

namespace Gsv.Web.Marketplace;

/// <summary>
/// The generation of the cached product lists: every list entry expires with the token current when its read from
/// Saleor began, and a product change in Saleor (<see cref="Invalidate"/>) ends the generation, so all lists are read
/// again. A read that overlaps a change holds the ended token: its result is not kept.
/// </summary>
public sealed class ProductListGeneration
{
    private CancellationTokenSource _current = new();

    /// <summary>Take it before reading from Saleor.</summary>
    public IChangeToken Token => new CancellationChangeToken(Volatile.Read(ref _current).Token);

    public void Invalidate()
    {
        // Not disposed: a read that began earlier may still register on the ended token (it then expires at once).
        Interlocked.Exchange(ref _current, new CancellationTokenSource()).Cancel();
    }
}
