using System.Collections.Concurrent;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Credits;

/// <summary>The outcome of a run's hold: <see cref="CreditOutcomes.Held"/> for run <c>RunId</c>, or a refusal with the wallet.</summary>
public sealed record CreditHold(Guid RunId, string Outcome, WalletDto? Wallet, string? Detail)
{
    public bool Held => Outcome == CreditOutcomes.Held;

    /// <summary>The hold made ahead whose share the run took (it is charged from it); null when held under its own id.</summary>
    internal SharedHold? Shared { get; init; }
}

/// <summary>
/// Holds the credits of runs through the Control Plane's ledger (<see cref="CreditBatcher"/>), and keeps credits held
/// ahead per instance while its runs overlap, so a run admitted under load takes a share of them instead of waiting for
/// the Control Plane. Every credit a run may spend is still held in the ledger before the run starts: the workspace
/// can never spend more than it has.
/// <list type="bullet">
/// <item>Credits ahead are one ledger hold for several runs (<see cref="SharedHold"/>): a run takes a share and keeps
/// its own id (a run started with an <c>Idempotency-Key</c> included); its settlement charges its price from that hold
/// and records it. So a run under load costs the ledger one entry and its record, not a hold of its own.</item>
/// <item>A run that finds no share ready asks for its own hold at once (the batcher puts concurrent ones in one batch).</item>
/// <item>Shares ahead: about twice the runs of the last 100 ms (<see cref="GatewayOptions.CreditPrefetchMax"/> at most,
/// none for runs one at a time), one refill at a time, sent without lingering. The untaken ones are released after
/// <see cref="GatewayOptions.CreditPrefetchIdle"/> without use, on shutdown, and whenever a run of the workspace would
/// otherwise be refused for want of credits (it is then retried once). Refused refills pause them for a second.</item>
/// <item>Settlements (capture or release, with the run record) go in the background: the answer does not wait for them.</item>
/// </list>
/// </summary>
public sealed partial class CreditReserve(
    CreditBatcher batcher, IOptions<GatewayOptions> options, GatewayMetrics metrics, TimeProvider time, ILogger<CreditReserve> logger)
    : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan AheadPause = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Shares of a hold older than this are released, never handed out: far below the Control Plane's stale-hold sweep
    /// (<c>ControlPlane:Holds:StaleAfter</c>, 10 min), so a run never takes a share of a hold the ledger has released.
    /// </summary>
    public static readonly TimeSpan MaxReadyAge = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, Workspace> _workspaces = new();
    private readonly int _prefetchMax = options.Value.CreditPrefetchMax;
    private readonly long _window = (long)(TimeSpan.FromMilliseconds(100).TotalSeconds * time.TimestampFrequency);
    private readonly TimeSpan _idle = options.Value.CreditPrefetchIdle;
    private volatile bool _stopping;

    /// <summary>Holds <c>instance.CreditsPerRun</c> for run <paramref name="runId"/>: a share of the credits held ahead, else a hold of its own.</summary>
    public async Task<CreditHold> HoldAsync(InstanceDto instance, Guid runId)
    {
        var waiter = new Waiter(runId);
        var key = (instance.Id, instance.CreditsPerRun);
        while (true)
        {
            var workspace = _workspaces.GetOrAdd(instance.WorkspaceId, static id => new Workspace(id));
            if (!workspace.Pools.TryGetValue(key, out var pool))
            {
                // A pool is added only to a workspace that is not pruned (see ForgetIdleWorkspaces); a pool found is
                // in its workspace for as long as it is not forgotten, so that workspace is not pruned either.
                lock (workspace)
                {
                    if (workspace.Forgotten)
                    {
                        continue;
                    }

                    pool = workspace.Pools.GetOrAdd(key, k => new Pool(k.InstanceId, workspace, k.Amount));
                }
            }

            lock (pool)
            {
                if (pool.Forgotten)
                {
                    continue;
                }

                pool.LastUsed = time.GetTimestamp();
                pool.Waiters.Enqueue(waiter);
            }

            Pump(pool);
            return await waiter.Result.Task;
        }
    }

    /// <summary>
    /// Charges the run (<paramref name="capture"/>) or not, and records it, in the background: its own hold is captured
    /// or released; a share is charged from the hold made ahead (or left to its release). The workspace's known wallet
    /// is refreshed when the Control Plane has committed it.
    /// </summary>
    public void Settle(InstanceDto instance, CreditHold hold, bool capture, RunDto record)
    {
        if (_workspaces.TryGetValue(instance.WorkspaceId, out var workspace)
            && workspace.Pools.TryGetValue((instance.Id, instance.CreditsPerRun), out var pool))
        {
            lock (pool)
            {
                pool.Running = Math.Max(0, pool.Running - 1);
                pool.LastUsed = time.GetTimestamp();
            }
        }

        if (hold.Shared is not { } shared)
        {
            batcher.SettleInBackground(new BatchSettlement(hold.RunId, capture, Amount: null, record), Observe);
            return;
        }

        _ = SettleShareAsync(new BatchSettlement(hold.RunId, capture, capture ? shared.Price : null, record, shared.Id), shared);
    }

    /// <summary>
    /// The workspace's credits once the runs in progress are charged: the last wallet the Control Plane returned
    /// (available = balance − held) plus what is held ahead here and not taken yet; and whether that is low.
    /// </summary>
    public (long Balance, bool Low) Projected(Guid workspaceId)
    {
        if (!_workspaces.TryGetValue(workspaceId, out var workspace) || workspace.Wallet is not { } wallet)
        {
            return (0, false);
        }

        long ahead = 0;
        foreach (var pool in workspace.Pools.Values)
        {
            lock (pool)
            {
                ahead += pool.ReadyShares * pool.Amount;
            }
        }

        // The ledger's rule: low below the threshold.
        var balance = wallet.Available + ahead;
        return (balance, balance < wallet.LowThreshold);
    }

    /// <summary>Workspaces this gateway keeps credits state for (for tests and diagnostics).</summary>
    public int WorkspaceCount => _workspaces.Count;

    /// <summary>Shares held ahead and not taken yet, in all pools (for tests and diagnostics).</summary>
    public int ReadyCount => AllPools.Sum(p => { lock (p) { return p.ReadyShares; } });

    private IEnumerable<Pool> AllPools => _workspaces.Values.SelectMany(w => w.Pools.Values);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReleaseIdleAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync releases what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // No new holds ahead; the refills out land first, then everything ready is released.
        _stopping = true;
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(AllPools.Select(p => p.AheadRefill ?? Task.CompletedTask)).WaitAsync(cancellationToken);
        await ReleaseAsync([.. AllPools.SelectMany(TakeReady)], urgent: true);
    }

    private async Task ReleaseIdleAsync()
    {
        var now = time.GetTimestamp();
        var idle = new List<Withdrawal>();
        foreach (var pool in AllPools)
        {
            lock (pool)
            {
                var unused = time.GetElapsedTime(pool.LastUsed, now);
                if (unused < _idle)
                {
                    // In use: only the shares that are too old go (the oldest holds are first in the queue).
                    while (pool.Ready.TryPeek(out var oldest) && time.GetElapsedTime(oldest.HeldAt, now) >= MaxReadyAge)
                    {
                        idle.Add(pool.Withdraw());
                    }

                    continue;
                }

                idle.AddRange(TakeReady(pool));
                if (unused >= ForgetAfter && pool.Running == 0 && pool.Holding == 0 && pool.Waiters.Count == 0 && pool.AheadRefill is null)
                {
                    pool.Forgotten = true;
                    pool.Workspace.Pools.TryRemove(KeyValuePair.Create((pool.InstanceId, pool.Amount), pool));
                }
            }
        }

        await ReleaseAsync(idle, urgent: false);
        ForgetIdleWorkspaces();
    }

    /// <summary>
    /// Prunes the workspaces left without pools (their pools were forgotten after <see cref="ForgetAfter"/> of disuse,
    /// or they only ever had a wallet observed), so that the workspaces seen once do not pile up. Under the workspace's
    /// lock, which a new pool is added under: a workspace is never pruned while a pool (a run, a hold ahead) is in it,
    /// and a run that finds its workspace pruned starts again with a new one.
    /// </summary>
    private void ForgetIdleWorkspaces()
    {
        foreach (var (id, workspace) in _workspaces)
        {
            if (!workspace.Pools.IsEmpty)
            {
                continue;
            }

            lock (workspace)
            {
                if (workspace.Pools.IsEmpty && workspace.Reclaim.IsCompleted)
                {
                    workspace.Forgotten = true;
                    _workspaces.TryRemove(KeyValuePair.Create(id, workspace));
                }
            }
        }
    }

    /// <summary>
    /// Hands ready shares to the waiters; sends the holds of the remaining waiters at once (the batcher puts concurrent
    /// ones in one batch); and, unless one is already out, a refill of the shares ahead.
    /// </summary>
    private void Pump(Pool pool)
    {
        List<Waiter>? waiters = null;
        var ahead = 0;
        lock (pool)
        {
            var keep = new Queue<Waiter>();
            while (pool.Waiters.TryDequeue(out var waiter))
            {
                if (!waiter.Retried)
                {
                    // Each run sizes the shares ahead once (not again on its retry).
                    pool.CountTake();
                }

                if (pool.TakeShare() is { } shared)
                {
                    pool.Running++;
                    metrics.CreditHold(ready: true);
                    waiter.Result.TrySetResult(new CreditHold(waiter.RunId, CreditOutcomes.Held, null, null) { Shared = shared });
                }
                else
                {
                    keep.Enqueue(waiter);
                }
            }

            if (keep.Count > 0)
            {
                waiters = [.. keep];
                pool.Holding += keep.Count;
            }

            var now = time.GetTimestamp();
            pool.Track(now, _window);
            if (pool.AheadRefill is null && now >= pool.AheadPausedUntil && !_stopping)
            {
                // Holds ahead only while runs overlap (none for runs one at a time): twice the runs taken in the last
                // window (recent or current, whichever is more) plus a few, capped, and never more than half of what
                // the wallet last had available (the rest stays for other instances and gateways). Under load a refill
                // takes a batch round trip shared with the settlements; this covers it. Refilled once a quarter of
                // them are used.
                var ready = pool.ReadyShares;
                var target = pool.Overlapping ? Math.Min(_prefetchMax, 2 * pool.RecentTakes + 4) : 0;
                if (pool.Workspace.Wallet is { } wallet)
                {
                    target = (int)Math.Min(target, ready + wallet.Available / pool.Amount / 2);
                }

                var wanted = target - ready;
                ahead = wanted >= Math.Max(1, target / 4) ? wanted : 0;
            }

            if (ahead > 0)
            {
                pool.AheadRefill = RefillAheadAsync(pool, ahead);
            }
        }

        if (waiters is not null)
        {
            _ = HoldForWaitersAsync(pool, waiters);
        }
    }

    private async Task HoldForWaitersAsync(Pool pool, List<Waiter> waiters)
    {
        var workspace = pool.Workspace;
        long epochWhenSent;
        lock (workspace)
        {
            epochWhenSent = workspace.ReclaimEpoch;
        }

        var holds = await Task.WhenAll(waiters.Select(w => HoldOneAsync(pool, w.RunId, pool.Amount)));
        var refused = new List<Waiter>();
        lock (pool)
        {
            pool.Holding -= waiters.Count;
            for (var i = 0; i < waiters.Count; i++)
            {
                var ((hold, error), waiter) = (holds[i], waiters[i]);
                if (error is not null)
                {
                    waiter.Result.TrySetException(error);
                }
                else if (hold!.Held)
                {
                    pool.Running++;
                    metrics.CreditHold(ready: false);
                    waiter.Result.TrySetResult(hold);
                }
                else if (hold.Outcome == CreditOutcomes.InsufficientCredits && !waiter.Retried)
                {
                    refused.Add(waiter);
                }
                else
                {
                    waiter.Result.TrySetResult(hold);
                }
            }
        }

        if (refused.Count == 0)
        {
            Pump(pool);
            return;
        }

        // Credits may sit ready in this workspace's pools (another instance's, or ahead of a keyed run), or be on their
        // way there: reclaim them (let the refills out land, release every ready hold of the workspace), then try once
        // more, first. One reclaim per workspace at a time; a group refused meanwhile waits for it, and a group whose
        // holds went out before a reclaim's release landed retries without another one. Otherwise a second group
        // could find the ready holds already taken by a first, retry while their release is still on its way to the
        // ledger, and be refused for good although credits were about to be free.
        Task reclaim;
        lock (workspace)
        {
            reclaim = !workspace.Reclaim.IsCompleted ? workspace.Reclaim
                : workspace.ReclaimEpoch != epochWhenSent ? Task.CompletedTask
                : workspace.Reclaim = ReclaimAsync(workspace);
        }

        await reclaim;
        lock (pool)
        {
            var queue = new Queue<Waiter>(refused.Select(w => w with { Retried = true }));
            foreach (var waiter in pool.Waiters)
            {
                queue.Enqueue(waiter);
            }

            pool.Waiters = queue;
        }

        Pump(pool);
    }

    /// <summary>Pauses the workspace's refills, lets those out land, releases its untaken shares; then a new epoch.</summary>
    private async Task ReclaimAsync(Workspace workspace)
    {
        // Off the caller's stack: it holds the workspace's lock.
        await Task.Yield();
        var pools = workspace.Pools.Values.ToList();
        foreach (var other in pools)
        {
            lock (other)
            {
                other.AheadPausedUntil = PauseEnd();
            }
        }

        await Task.WhenAll(pools.Select(p => p.AheadRefill ?? Task.CompletedTask));
        await ReleaseAsync([.. pools.SelectMany(TakeReady)], urgent: true);
        lock (workspace)
        {
            workspace.ReclaimEpoch++;
        }
    }

    private async Task RefillAheadAsync(Pool pool, int shares)
    {
        // Off the caller's stack (Pump holds the pool's lock): a refill that completes at once must not recurse.
        await Task.Yield();
        var requestedAt = time.GetTimestamp();
        var shared = new SharedHold(Guid.CreateVersion7(), pool.Amount, shares, requestedAt);
        var (hold, error) = await HoldOneAsync(pool, shared.Id, shares * pool.Amount);
        lock (pool)
        {
            if (hold?.Held == true)
            {
                pool.Ready.Enqueue(shared);
            }
            else
            {
                // Out of credits (or the Control Plane failing): no refills for a while, so the pool does not spin on
                // refusals nor take back at once what is released for another instance.
                pool.AheadPausedUntil = PauseEnd();
            }

            pool.AheadRefill = null;
        }

        if (error is not null)
        {
            // The Control Plane may have held it before the answer was lost: release it (an unknown id is fine).
            shared.Withdraw();
            _ = CloseAsync(shared, urgent: false);
        }

        Pump(pool);
    }

    private async Task<(CreditHold? Hold, Exception? Error)> HoldOneAsync(Pool pool, Guid runId, long amount)
    {
        try
        {
            var result = await batcher.HoldAsync(new BatchHold(runId, pool.Workspace.Id, pool.InstanceId, amount));
            Observe(result);
            return (new CreditHold(runId, result.Outcome, result.Wallet, result.Detail), null);
        }
        catch (Exception exception)
        {
            return (null, exception);
        }
    }

    private long PauseEnd() => time.GetTimestamp() + (long)(AheadPause.TotalSeconds * time.TimestampFrequency);

    /// <summary>Withdraws every hold of the pool with shares untaken.</summary>
    private static List<Withdrawal> TakeReady(Pool pool)
    {
        lock (pool)
        {
            var ready = new List<Withdrawal>(pool.Ready.Count);
            while (pool.Ready.Count > 0)
            {
                ready.Add(pool.Withdraw());
            }

            return ready;
        }
    }

    /// <summary>
    /// Releases the shares of withdrawn holds: a hold no run settles on any more is closed (all it has left is
    /// released); otherwise just the withdrawn shares are, and its last run closes it.
    /// </summary>
    private async Task ReleaseAsync(List<Withdrawal> withdrawn, bool urgent)
    {
        if (withdrawn.Count == 0)
        {
            return;
        }

        LogReleasingAhead(logger, withdrawn.Count);
        await Task.WhenAll(withdrawn.Select(w =>
            w.Close ? CloseAsync(w.Hold, urgent)
            : w.Shares > 0 ? ReleasePartAsync(w.Hold, w.Shares, urgent)
            : Task.CompletedTask));
    }

    /// <summary>Releases <paramref name="shares"/> of a hold that runs still settle on; it stays open for them.</summary>
    private async Task ReleasePartAsync(SharedHold shared, int shares, bool urgent)
    {
        try
        {
            Observe(await batcher.SettleAsync(
                new BatchSettlement(Guid.CreateVersion7(), Capture: false, shares * shared.Price, Run: null, shared.Id), urgent));
        }
        catch (Exception exception)
        {
            // Released with the rest when the hold closes.
            LogReleaseFailed(logger, shared.Id, exception);
        }
        finally
        {
            shared.PartReleased();
        }
    }

    /// <summary>Closes a hold made ahead: what is left of it is released. Left to the Control Plane's stale-hold sweep if that fails.</summary>
    private async Task CloseAsync(SharedHold shared, bool urgent)
    {
        await shared.PartRelease;
        try
        {
            Observe(await batcher.SettleAsync(new BatchSettlement(shared.Id, Capture: false, Amount: null, Run: null), urgent));
        }
        catch (Exception exception)
        {
            LogReleaseFailed(logger, shared.Id, exception);
        }
    }

    /// <summary>Settles a run that took a share (retried by the batcher), then closes the hold if it was the last run on it.</summary>
    private async Task SettleShareAsync(BatchSettlement settlement, SharedHold shared)
    {
        try
        {
            await batcher.SettleInBackground(settlement, Observe);
        }
        catch (Exception)
        {
            // Given up and logged by the batcher: the run's share is released when the hold closes.
        }

        if (shared.RunSettled())
        {
            await CloseAsync(shared, urgent: false);
        }
    }

    private void Observe(CreditBatchItemResult result)
    {
        if (result.Wallet is { } wallet)
        {
            _workspaces.GetOrAdd(wallet.WorkspaceId, static id => new Workspace(id)).Observe(wallet);
        }
    }

    /// <summary>
    /// One workspace on this gateway: the pools of its instances, the wallet the Control Plane last returned, and its
    /// reclaim of ready holds (one at a time). Its lock guards the wallet and the reclaim; each pool has its own.
    /// </summary>
    private sealed class Workspace(Guid id)
    {
        private WalletDto? _wallet;

        public Guid Id { get; } = id;

        public ConcurrentDictionary<(Guid InstanceId, long Amount), Pool> Pools { get; } = new();

        public WalletDto? Wallet => Volatile.Read(ref _wallet);

        /// <summary>The reclaim under way (if not completed).</summary>
        public Task Reclaim { get; set; } = Task.CompletedTask;

        /// <summary>Reclaims that have landed.</summary>
        public long ReclaimEpoch { get; set; }

        /// <summary>Pruned (no pool left): no pool may be added any more; a run makes a new workspace. Under its lock.</summary>
        public bool Forgotten { get; set; }

        /// <summary>Keeps the newest wallet: batches answer out of order.</summary>
        public void Observe(WalletDto wallet)
        {
            lock (this)
            {
                if (_wallet is null || wallet.UpdatedAt >= _wallet.UpdatedAt)
                {
                    Volatile.Write(ref _wallet, wallet);
                }
            }
        }
    }

    /// <summary>A run waiting for its hold; <c>Retried</c> once it was refused and the workspace's untaken shares were released.</summary>
    private sealed record Waiter(Guid RunId, bool Retried = false)
    {
        public TaskCompletionSource<CreditHold> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A hold taken out of its pool: the shares withdrawn from it, and whether it is to be closed now (no run settles on it).</summary>
    private readonly record struct Withdrawal(SharedHold Hold, int Shares, bool Close);

    /// <summary>The holds of one instance at one price: shares ahead, waiting runs, runs in progress. Guarded by its own lock.</summary>
    private sealed class Pool(Guid instanceId, Workspace workspace, long amount)
    {
        public Guid InstanceId { get; } = instanceId;

        public Workspace Workspace { get; } = workspace;

        public long Amount { get; } = amount;

        /// <summary>Holds made ahead with shares untaken, oldest first.</summary>
        public Queue<SharedHold> Ready { get; } = new();

        /// <summary>The untaken shares of <see cref="Ready"/> (a refill at a time: a few holds at most). Under the pool's lock.</summary>
        public int ReadyShares
        {
            get
            {
                var shares = 0;
                foreach (var shared in Ready)
                {
                    shares += shared.Untaken;
                }

                return shares;
            }
        }

        public Queue<Waiter> Waiters { get; set; } = new();

        public int Running { get; set; }

        /// <summary>Waiters whose holds are out to the Control Plane.</summary>
        public int Holding { get; set; }

        /// <summary>The refill of the holds ahead that is out, if any (one at a time).</summary>
        public Task? AheadRefill { get; set; }

        public bool Forgotten { get; set; }

        public long LastUsed { get; set; }

        public long AheadPausedUntil { get; set; }

        /// <summary>Runs that asked for a hold, per window (100 ms).</summary>
        private RecentWindow _takes;

        /// <summary>Most runs in progress or waiting at once, per window.</summary>
        private RecentWindow _peak;

        /// <summary>The larger of the last and the current window's takes.</summary>
        public int RecentTakes => _takes.Recent;

        /// <summary>Whether runs overlapped (two or more in progress or waiting) in the last or the current window.</summary>
        public bool Overlapping => _peak.Recent >= 2;

        /// <summary>A share of the oldest ready hold, or null. Under the pool's lock.</summary>
        public SharedHold? TakeShare()
        {
            if (!Ready.TryPeek(out var shared) || !shared.TryTake())
            {
                return null;
            }

            if (shared.Untaken == 0)
            {
                Ready.Dequeue();
            }

            return shared;
        }

        /// <summary>Takes the oldest ready hold out of the pool and withdraws its untaken shares. Under the pool's lock.</summary>
        public Withdrawal Withdraw()
        {
            var shared = Ready.Dequeue();
            var (shares, close) = shared.Withdraw();
            return new Withdrawal(shared, shares, close);
        }

        /// <summary>Counts a run that asked for a hold. Under the pool's lock.</summary>
        public void CountTake() => _takes.Add();

        /// <summary>Rolls the window when it is over and records the current overlap. Under the pool's lock.</summary>
        public void Track(long now, long window)
        {
            _takes.Roll(now, window);
            _peak.Roll(now, window);
            _peak.Raise(Running + Holding + Waiters.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Releasing the untaken shares of {Count} credit holds made ahead")]
    private static partial void LogReleasingAhead(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not release credits of hold {HoldId} made ahead; what it has left goes when it closes, else with the Control Plane's stale-hold sweep")]
    private static partial void LogReleaseFailed(ILogger logger, Guid holdId, Exception exception);
}
