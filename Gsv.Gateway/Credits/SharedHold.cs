namespace Gsv.Gateway.Credits;

/// <summary>
/// A hold made ahead for the next runs of one pool: one ledger hold of <c>shares</c> × the pool's price under its own
/// id. A run that takes a share runs under its own id and is charged its price from this hold, which stays open. Once
/// no share is left to take (all taken, or the rest withdrawn), no run on it is still settling and no part release is
/// on its way, it is closed: what is left is released. Plain state, used under its workspace's lock.
/// </summary>
internal sealed class SharedHold(Guid id, PoolKey pool, int shares, long heldAt)
{
    public Guid Id { get; } = id;

    public PoolKey Pool { get; } = pool;

    /// <summary>When the ledger held it (timestamp of the request: it is no older than that).</summary>
    public long HeldAt { get; } = heldAt;

    public int Untaken { get; private set; } = shares;

    /// <summary>Runs that took a share and whose settlement has not landed.</summary>
    public int Settling { get; private set; }

    /// <summary>Withdrawn shares are being released while runs on it still settle.</summary>
    public bool PartReleasing { get; private set; }

    public bool Closing { get; private set; }

    /// <summary>Takes a share for a run (whose settlement then calls <see cref="RunSettled"/>); false when none is left.</summary>
    public bool TryTake()
    {
        if (Untaken == 0)
        {
            return false;
        }

        Untaken--;
        Settling++;
        return true;
    }

    /// <summary>
    /// Hands out no more shares: how many were withdrawn, and whether the hold is to be closed now. Otherwise withdrawn
    /// shares are released as a part (<see cref="PartReleased"/> when that lands).
    /// </summary>
    public (int Withdrawn, bool Close) Withdraw()
    {
        var withdrawn = Untaken;
        Untaken = 0;
        var close = TryClose();
        PartReleasing |= !close && withdrawn > 0;
        return (withdrawn, close);
    }

    /// <summary>The part release landed (or failed: the rest goes on close); true when the hold is now to be closed.</summary>
    public bool PartReleased()
    {
        PartReleasing = false;
        return TryClose();
    }

    /// <summary>A run on this hold has settled (or given up); true when the hold is now to be closed.</summary>
    public bool RunSettled()
    {
        Settling--;
        return TryClose();
    }

    private bool TryClose()
    {
        if (Untaken > 0 || Settling > 0 || PartReleasing || Closing)
        {
            return false;
        }

        Closing = true;
        return true;
    }
}
