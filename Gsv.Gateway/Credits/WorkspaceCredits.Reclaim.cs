namespace Gsv.Gateway.Credits;

/// <summary>
/// The reclaim: when a run of the workspace is refused for want of credits, its credits may sit ready in this
/// workspace's pools (another instance's, or ahead of a keyed run) or be on their way there. Every pool's refills
/// pause, those out land, every ready share is released, and the refused runs try once more, first. One reclaim at a
/// time; a run refused meanwhile joins it, and a run whose hold went out before a reclaim's release landed retries
/// without another one. Otherwise a second run could find the shares already released by a first reclaim, retry
/// while that release is still on its way to the ledger, and be refused for good although credits were about to be free.
/// </summary>
internal sealed partial class WorkspaceCredits
{
    /// <summary>While a reclaim runs: the refills it waits for, then (null) the releases it waits for.</summary>
    private HashSet<Guid>? _reclaimRefills;

    private HashSet<Guid>? _reclaimReleases;

    /// <summary>Reclaims that have landed.</summary>
    private long _epoch;

    public bool Reclaiming => _reclaimRefills is not null || _reclaimReleases is not null;

    /// <summary>Pauses every pool's refills and waits for those out to land; then <see cref="ReleaseForReclaim"/>.</summary>
    private void BeginReclaim(long now, List<CreditCommand> commands)
    {
        _reclaimRefills = [];
        foreach (var pool in _pools.Values)
        {
            pool.PausedUntil = now + policy.Pause;
            if (pool.Refill is { } refill)
            {
                _reclaimRefills.Add(refill.Id);
            }
        }

        if (_reclaimRefills.Count == 0)
        {
            ReleaseForReclaim(now, commands);
        }
    }

    /// <summary>Releases every ready share of the workspace (urgently) and waits for those releases to land.</summary>
    private void ReleaseForReclaim(long now, List<CreditCommand> commands)
    {
        _reclaimRefills = null;
        _reclaimReleases = [];
        var first = commands.Count;
        foreach (var pool in _pools.Values)
        {
            WithdrawAll(pool, urgent: true, commands);
        }

        for (var i = first; i < commands.Count; i++)
        {
            _reclaimReleases.Add(commands[i].HoldId);
        }

        if (_reclaimReleases.Count == 0)
        {
            EndReclaim(now, commands);
        }
    }

    private void ReclaimReleaseLanded(long now, Guid holdId, List<CreditCommand> commands)
    {
        if (_reclaimReleases is not null && _reclaimReleases.Remove(holdId) && _reclaimReleases.Count == 0)
        {
            EndReclaim(now, commands);
        }
    }

    /// <summary>A new epoch; the refused runs try once more, first.</summary>
    private void EndReclaim(long now, List<CreditCommand> commands)
    {
        _reclaimReleases = null;
        _epoch++;
        foreach (var pool in _pools.Values.Where(p => p.Parked.Count > 0))
        {
            foreach (var waiter in pool.Parked)
            {
                Serve(pool, waiter, commands);
            }

            pool.Parked.Clear();
            Refill(pool, now, commands);
        }
    }
}
