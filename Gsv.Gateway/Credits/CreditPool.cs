namespace Gsv.Gateway.Credits;

/// <summary>A run waiting for its own hold; <c>Retried</c> once it was refused and the workspace's shares were reclaimed.</summary>
internal readonly record struct CreditWaiter(long Ticket, Guid RunId, bool Retried);

/// <summary>The holds of one instance at one price: shares ahead, runs holding and in progress. Plain state, used under its workspace's lock.</summary>
internal sealed class CreditPool(PoolKey key)
{
    /// <summary>Runs that asked for a hold, per window.</summary>
    private RecentWindow _takes;

    /// <summary>Most runs in progress or holding at once, per window.</summary>
    private RecentWindow _peak;

    public PoolKey Key { get; } = key;

    /// <summary>Holds made ahead with shares untaken, oldest first.</summary>
    public Queue<SharedHold> Ready { get; } = new();

    /// <summary>The untaken shares of <see cref="Ready"/> (a refill at a time: a few holds at most).</summary>
    public int ReadyShares
    {
        get
        {
            var shares = 0;
            foreach (var hold in Ready)
            {
                shares += hold.Untaken;
            }

            return shares;
        }
    }

    /// <summary>Runs granted credits whose run has not ended.</summary>
    public int Running { get; set; }

    /// <summary>Runs whose own holds are out to the ledger.</summary>
    public int Holding { get; set; }

    /// <summary>Runs refused for want of credits, waiting for the workspace's reclaim to end.</summary>
    public List<CreditWaiter> Parked { get; } = [];

    /// <summary>The refill out to the ledger, if any (one at a time): its id, shares and when it was asked.</summary>
    public (Guid Id, int Shares, long RequestedAt)? Refill { get; set; }

    public long LastUsed { get; set; }

    public long PausedUntil { get; set; }

    /// <summary>Nothing in progress, waiting or on its way: the pool may be forgotten.</summary>
    public bool IsIdle => Running == 0 && Holding == 0 && Parked.Count == 0 && Refill is null && Ready.Count == 0;

    /// <summary>The larger of the last and the current window's takes.</summary>
    public int RecentTakes => _takes.Recent;

    /// <summary>Whether runs overlapped (two or more in progress or holding) in the last or the current window.</summary>
    public bool Overlapping => _peak.Recent >= 2;

    /// <summary>A share of the oldest ready hold, or null.</summary>
    public SharedHold? TakeShare()
    {
        if (!Ready.TryPeek(out var hold) || !hold.TryTake())
        {
            return null;
        }

        if (hold.Untaken == 0)
        {
            Ready.Dequeue();
        }

        return hold;
    }

    /// <summary>Counts a run that asked for a hold.</summary>
    public void CountTake() => _takes.Add();

    /// <summary>Rolls the window when it is over and records the current overlap.</summary>
    public void Track(long now, long window)
    {
        _takes.Roll(now, window);
        _peak.Roll(now, window);
        _peak.Raise(Running + Holding);
    }
}
