namespace Gsv.Web.Commerce;

/// <summary>
/// How a streaming-rendered page follows something that settles in the background (an order's instances, a trial):
/// read it, and until it is settled render the page (each render reaches the open page) and read again after
/// <see cref="PollEvery"/>, for at most <see cref="FollowFor"/>, or until the request ends.
/// </summary>
public static class LiveFollow
{
    public static readonly TimeSpan FollowFor = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    /// <param name="readIsSettled">Reads the current state; true once nothing more will change.</param>
    /// <param name="render">The page's StateHasChanged.</param>
    /// <returns>True when it gave up: still not settled after <paramref name="followFor"/> (the page then says so).</returns>
    public static async Task<bool> UntilSettledAsync(
        Func<CancellationToken, Task<bool>> readIsSettled, Action render, CancellationToken cancellation,
        TimeSpan? followFor = null, TimeSpan? pollEvery = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var until = time.GetUtcNow() + (followFor ?? FollowFor);
        while (!cancellation.IsCancellationRequested)
        {
            if (await readIsSettled(cancellation))
            {
                return false;
            }

            if (time.GetUtcNow() > until)
            {
                return true;
            }

            render();
            await Task.Delay(pollEvery ?? PollEvery, time, cancellation);
        }

        return false;
    }
}
