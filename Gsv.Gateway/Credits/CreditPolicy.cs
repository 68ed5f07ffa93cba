namespace Gsv.Gateway.Credits;

/// <summary>The sizes and times of <see cref="WorkspaceCredits"/>, in timestamp ticks (<see cref="TimeProvider.GetTimestamp"/>).</summary>
internal readonly record struct CreditPolicy(int PrefetchMax, long Window, long Idle, long KeepWarm, long ForgetAfter, long MaxReadyAge, long Pause)
{
    /// <summary>
    /// Shares of a hold older than this are released, never handed out: far below the Control Plane's stale-hold sweep
    /// (<c>ControlPlane:Holds:StaleAfter</c>, 10 min), so a run never takes a share of a hold the ledger has released.
    /// </summary>
    public static readonly TimeSpan MaxReadyAgeTime = TimeSpan.FromMinutes(1);

    /// <summary>Runs are counted per window of this length to size the shares ahead.</summary>
    public static readonly TimeSpan WindowTime = TimeSpan.FromMilliseconds(100);

    /// <summary>A pool unused for this long, with nothing in progress, is forgotten.</summary>
    public static readonly TimeSpan ForgetAfterTime = TimeSpan.FromMinutes(10);

    /// <summary>No refills for this long after a refused one, or while a reclaim frees the workspace's shares.</summary>
    public static readonly TimeSpan PauseTime = TimeSpan.FromSeconds(1);

    public static CreditPolicy From(GatewayOptions options, long timestampFrequency)
    {
        long Ticks(TimeSpan span) => (long)(span.TotalSeconds * timestampFrequency);
        return new CreditPolicy(
            options.CreditPrefetchMax, Ticks(WindowTime), Ticks(options.CreditPrefetchIdle), Ticks(options.CreditKeepWarm), Ticks(ForgetAfterTime), Ticks(MaxReadyAgeTime), Ticks(PauseTime));
    }
}
