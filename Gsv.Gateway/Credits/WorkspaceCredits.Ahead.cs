namespace Gsv.Gateway.Credits;

/// <summary>
/// The shares ahead: how many a pool keeps (<see cref="Target"/>), the refills that bring them there and the withdrawal
/// of those it no longer keeps: released as a part of their hold while runs on it settle, else closed with it.
/// </summary>
internal sealed partial class WorkspaceCredits
{
    /// <summary>
    /// Sends a refill of the shares ahead (<see cref="Target"/>) once a quarter of them is used, unless one is out or
    /// refills are paused. Under load a refill takes a batch round trip shared with the settlements; the rest covers it.
    /// </summary>
    private void Refill(CreditPool pool, long now, List<CreditCommand> commands)
    {
        pool.Track(now, policy.Window);
        if (pool.Refill is not null || now < pool.PausedUntil || _stopping || Reclaiming)
        {
            return;
        }

        var ready = pool.ReadyShares;
        var target = Target(pool, now);
        var wanted = target - ready;
        if (wanted >= Math.Max(1, target / 4))
        {
            var holdId = Guid.CreateVersion7();
            pool.Refill = (holdId, wanted, now);
            commands.Add(CreditCommand.Refill(pool.Key, holdId, wanted));
        }
    }

    /// <summary>
    /// The shares a pool keeps ahead: while runs overlap, twice the runs of the last window (recent or current, whichever
    /// is more) plus a few; in the <see cref="CreditPolicy.KeepWarm"/> after a run, twice those runs and at least two,
    /// once the wallet is known, so the next run alone does not wait for a hold of its own; else none. Capped, and never
    /// more than half of what the wallet last had available (the rest stays for other instances and gateways).
    /// </summary>
    private int Target(CreditPool pool, long now)
    {
        var target = pool.Overlapping ? 2 * pool.RecentTakes + 4
            : now - pool.LastUsed < policy.KeepWarm && Wallet is not null ? 2 * Math.Max(1, pool.RecentTakes)
            : 0;
        target = Math.Min(policy.PrefetchMax, target);
        return Wallet is { } wallet ? (int)Math.Min(target, pool.ReadyShares + wallet.Available / pool.Key.Price / 2) : target;
    }

    private void WithdrawAged(CreditPool pool, long now, List<CreditCommand> commands)
    {
        while (pool.Ready.TryPeek(out var oldest) && now - oldest.HeldAt >= policy.MaxReadyAge)
        {
            Withdraw(pool.Ready.Dequeue(), urgent: false, commands);
        }
    }

    private static void WithdrawAll(CreditPool pool, bool urgent, List<CreditCommand> commands)
    {
        while (pool.Ready.TryDequeue(out var hold))
        {
            Withdraw(hold, urgent, commands);
        }
    }

    /// <summary>A hold no run settles on any more is closed; otherwise its untaken shares are released, and its last run closes it.</summary>
    private static void Withdraw(SharedHold hold, bool urgent, List<CreditCommand> commands)
    {
        var (shares, close) = hold.Withdraw();
        if (close)
        {
            commands.Add(CreditCommand.Close(hold.Pool, hold.Id, urgent));
        }
        else if (shares > 0)
        {
            commands.Add(CreditCommand.ReleasePart(hold, shares, urgent));
        }
    }
}
