using Gsv.ControlPlane.Client;

namespace Gsv.Gateway.Credits;

/// <summary>
/// The credit state machine of one workspace on this gateway: synchronous, without I/O, locks or clocks of its own. It
/// is told what happened (a run arrived or settled, the ledger answered, time passed) with the time, and appends to a
/// list what its shell (<see cref="CreditReserve"/>) is to do: answer a run, send a hold, release or close one.
/// <list type="bullet">
/// <item>A run takes a share of the oldest hold made ahead for its pool (<see cref="SharedHold"/>); without one ready it
/// gets a hold of its own at once.</item>
/// <item>Shares ahead while runs overlap (about twice the runs of the last window), and a few for the next run in the
/// minutes after one (kept warm), capped, never more than half of what the wallet last had available; one refill per
/// pool at a time, once a quarter of them is used.</item>
/// <item>Untaken shares are released when the pool is idle, when they grow old, on stop, and when a run of the
/// workspace is refused for want of credits: then every pool's refills pause, those out land, every ready share is
/// released, and the refused runs try once more (a reclaim). A run whose hold went out before a reclaim's release
/// landed retries without another one.</item>
/// </list>
/// </summary>
internal sealed partial class WorkspaceCredits(Guid id, CreditPolicy policy)
{
    private readonly Dictionary<PoolKey, CreditPool> _pools = [];

    /// <summary>Holds made ahead and not closed yet (ready, or with runs settling on them), by id.</summary>
    private readonly Dictionary<Guid, SharedHold> _holds = [];

    /// <summary>Own holds out to the ledger: the run waiting for it and the reclaim epoch it was sent in.</summary>
    private readonly Dictionary<long, (PoolKey Pool, CreditWaiter Waiter, long Epoch)> _ownHolds = [];

    private bool _stopping;

    public Guid Id { get; } = id;

    /// <summary>The newest wallet the ledger returned for this workspace.</summary>
    public WalletDto? Wallet { get; private set; }

    /// <summary>Nothing left here but the wallet: the workspace may be forgotten.</summary>
    public bool IsEmpty => _pools.Count == 0 && _holds.Count == 0 && _ownHolds.Count == 0 && !Reclaiming;

    public int PoolCount => _pools.Count;

    public int ReadyShares => _pools.Values.Sum(p => p.ReadyShares);

    /// <summary>
    /// The workspace's credits once the runs in progress are charged: the last wallet (available = balance − held) plus
    /// the shares held ahead and not taken; and whether that is below the wallet's low threshold.
    /// </summary>
    public (long Balance, bool Low) Projected()
    {
        if (Wallet is not { } wallet)
        {
            return (0, false);
        }

        var balance = wallet.Available + _pools.Values.Sum(p => p.ReadyShares * p.Key.Price);
        return (balance, balance < wallet.LowThreshold);
    }

    /// <summary>Keeps the newest wallet: batches answer out of order.</summary>
    public void Observe(WalletDto wallet)
    {
        if (Wallet is null || wallet.UpdatedAt >= Wallet.UpdatedAt)
        {
            Wallet = wallet;
        }
    }

    /// <summary>Run <paramref name="runId"/> (waiting as <paramref name="ticket"/>) wants <paramref name="key"/>'s price.</summary>
    public void RunArrived(long now, PoolKey key, long ticket, Guid runId, List<CreditCommand> commands)
    {
        if (!_pools.TryGetValue(key, out var pool))
        {
            _pools[key] = pool = new CreditPool(key);
        }

        pool.LastUsed = now;
        pool.CountTake();
        Serve(pool, new CreditWaiter(ticket, runId, Retried: false), commands);
        Refill(pool, now, commands);
    }

    /// <summary>The ledger answered the own hold of the run waiting as <paramref name="ticket"/>.</summary>
    public void HoldAnswered(long now, long ticket, HoldAnswer answer, List<CreditCommand> commands)
    {
        if (!_ownHolds.Remove(ticket, out var own))
        {
            return;
        }

        var pool = _pools[own.Pool];
        pool.Holding--;
        if (answer != HoldAnswer.InsufficientCredits || own.Waiter.Retried)
        {
            pool.Running += answer == HoldAnswer.Held ? 1 : 0;
            commands.Add(CreditCommand.Answer(pool.Key, ticket, own.Waiter.RunId));
        }
        else if (!Reclaiming && own.Epoch != _epoch)
        {
            // A reclaim landed after this hold went out: its credits may be free now.
            Serve(pool, own.Waiter with { Retried = true }, commands);
        }
        else
        {
            pool.Parked.Add(own.Waiter with { Retried = true });
            if (!Reclaiming)
            {
                BeginReclaim(now, commands);
            }
        }

        Refill(pool, now, commands);
    }

    /// <summary>The ledger answered refill <paramref name="holdId"/>.</summary>
    public void RefillAnswered(long now, Guid holdId, HoldAnswer answer, List<CreditCommand> commands)
    {
        // A pool is never forgotten with a refill out: this finds it.
        if (_pools.Values.FirstOrDefault(p => p.Refill?.Id == holdId) is not { Refill: { } refill } pool)
        {
            return;
        }

        var (_, shares, requestedAt) = refill;
        pool.Refill = null;
        if (answer == HoldAnswer.Held)
        {
            var hold = new SharedHold(holdId, pool.Key, shares, requestedAt);
            _holds[holdId] = hold;
            pool.Ready.Enqueue(hold);
        }
        else
        {
            // Out of credits or the Control Plane failing: no refills for a while, so the pool does not spin on refusals.
            pool.PausedUntil = now + policy.Pause;
            if (answer == HoldAnswer.Failed)
            {
                // The ledger may have held it before the answer was lost: close it (an unknown id is fine).
                commands.Add(CreditCommand.Close(pool.Key, holdId, urgent: false));
            }
        }

        if (_stopping)
        {
            WithdrawAll(pool, urgent: true, commands);
        }

        if (_reclaimRefills is not null && _reclaimRefills.Remove(holdId) && _reclaimRefills.Count == 0)
        {
            ReleaseForReclaim(now, commands);
        }

        Refill(pool, now, commands);
    }

    /// <summary>A run of <paramref name="key"/> granted credits has ended (its settlement is on its way).</summary>
    public void RunEnded(long now, PoolKey key)
    {
        if (_pools.TryGetValue(key, out var pool))
        {
            pool.Running--;
            pool.LastUsed = now;
        }
    }

    /// <summary>The settlement of a run on shared hold <paramref name="holdId"/> landed (or was given up).</summary>
    public void ShareSettled(Guid holdId, List<CreditCommand> commands)
    {
        if (_holds.TryGetValue(holdId, out var hold) && hold.RunSettled())
        {
            commands.Add(CreditCommand.Close(hold.Pool, holdId, urgent: false));
        }
    }

    /// <summary>The release of hold <paramref name="holdId"/>'s withdrawn shares landed (or failed: they go on close).</summary>
    public void PartReleaseLanded(long now, Guid holdId, List<CreditCommand> commands)
    {
        if (_holds.TryGetValue(holdId, out var hold) && hold.PartReleased())
        {
            commands.Add(CreditCommand.Close(hold.Pool, holdId, urgent: false));
        }

        ReclaimReleaseLanded(now, holdId, commands);
    }

    /// <summary>Hold <paramref name="holdId"/> is closed (or its close failed: the Control Plane's stale-hold sweep ends it).</summary>
    public void CloseLanded(long now, Guid holdId, List<CreditCommand> commands)
    {
        _holds.Remove(holdId);
        ReclaimReleaseLanded(now, holdId, commands);
    }

    /// <summary>
    /// Releases the shares of pools idle for <see cref="CreditPolicy.Idle"/> beyond the few they keep warm (until
    /// <see cref="CreditPolicy.KeepWarm"/>: then all), and those older than <see cref="CreditPolicy.MaxReadyAge"/>;
    /// renews the warm ones; forgets pools idle for <see cref="CreditPolicy.ForgetAfter"/>.
    /// </summary>
    public void Tick(long now, List<CreditCommand> commands)
    {
        List<PoolKey>? forgotten = null;
        foreach (var pool in _pools.Values)
        {
            var unused = now - pool.LastUsed;
            if (unused < policy.Idle)
            {
                WithdrawAged(pool, now, commands);
                continue;
            }

            if (unused < policy.KeepWarm)
            {
                // Down to the few kept for the next lone run (a burst's shares go), renewed when they age.
                pool.Track(now, policy.Window);
                if (pool.ReadyShares > Target(pool, now))
                {
                    WithdrawAll(pool, urgent: false, commands);
                }

                WithdrawAged(pool, now, commands);
                Refill(pool, now, commands);
                continue;
            }

            WithdrawAll(pool, urgent: false, commands);
            if (unused >= policy.ForgetAfter && pool.IsIdle)
            {
                (forgotten ??= []).Add(pool.Key);
            }
        }

        foreach (var key in forgotten ?? [])
        {
            _pools.Remove(key);
        }
    }

    /// <summary>No more refills; every untaken share is released now, and those of refills that land later at once.</summary>
    public void Stop(List<CreditCommand> commands)
    {
        _stopping = true;
        foreach (var pool in _pools.Values)
        {
            WithdrawAll(pool, urgent: true, commands);
        }
    }

    /// <summary>A share if one is ready, else the run's own hold.</summary>
    private void Serve(CreditPool pool, CreditWaiter waiter, List<CreditCommand> commands)
    {
        if (pool.TakeShare() is { } hold)
        {
            pool.Running++;
            commands.Add(CreditCommand.Grant(pool.Key, waiter.Ticket, waiter.RunId, hold.Id));
            return;
        }

        pool.Holding++;
        _ownHolds[waiter.Ticket] = (pool.Key, waiter, _epoch);
        commands.Add(CreditCommand.Hold(pool.Key, waiter.Ticket, waiter.RunId));
    }
}
