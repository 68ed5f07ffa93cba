using System.Collections.Concurrent;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Credits;

/// <summary>The outcome of a run's hold: <see cref="CreditOutcomes.Held"/> under <c>RunId</c>, or a refusal with the wallet.</summary>
public sealed record CreditHold(Guid RunId, string Outcome, WalletDto? Wallet, string? Detail)
{
    public bool Held => Outcome == CreditOutcomes.Held;
}

/// <summary>
/// Holds the credits of runs through the Control Plane's ledger (<see cref="CreditBatcher"/>), and keeps holds ready
/// ahead per instance while its runs overlap, so a run admitted under load takes a ready hold instead of waiting for
/// the Control Plane. Every credit a run may spend is still held in the ledger before the run starts: the workspace
/// can never spend more than it has.
/// <list type="bullet">
/// <item>A hold made ahead gets its run id then; the run that takes it runs under that id. A run started with an
/// <c>Idempotency-Key</c> is always held under its own id (its key is already claimed with it).</item>
/// <item>A run that finds nothing ready asks for its own hold at once (the batcher puts concurrent ones in one batch).</item>
/// <item>Holds ahead: about twice the runs of the last 100 ms (<see cref="GatewayOptions.CreditPrefetchMax"/> at most,
/// none for runs one at a time), one refill at a time, sent without lingering. They are released after
/// <see cref="GatewayOptions.CreditPrefetchIdle"/> without use, on shutdown, and whenever a run of the workspace would
/// otherwise be refused for want of credits (it is then retried once). Refused holds ahead pause them for a second.</item>
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
    /// A ready hold older than this is released, never handed out: far below the Control Plane's stale-hold sweep
    /// (<c>ControlPlane:Holds:StaleAfter</c>, 10 min), so a run never gets a hold the ledger has already released.
    /// </summary>
    public static readonly TimeSpan MaxReadyAge = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, Workspace> _workspaces = new();
    private readonly int _prefetchMax = options.Value.CreditPrefetchMax;
    private readonly long _window = (long)(TimeSpan.FromMilliseconds(100).TotalSeconds * time.TimestampFrequency);
    private readonly TimeSpan _idle = options.Value.CreditPrefetchIdle;
    private volatile bool _stopping;

    /// <summary>
    /// Holds <c>instance.CreditsPerRun</c> for a run: under <paramref name="ownRunId"/> when given, else under a ready
    /// hold's id or a new one.
    /// </summary>
    public async Task<CreditHold> HoldAsync(InstanceDto instance, Guid? ownRunId)
    {
        var waiter = new Waiter(ownRunId ?? Guid.CreateVersion7(), MustKeepRunId: ownRunId is not null);
        var workspace = _workspaces.GetOrAdd(instance.WorkspaceId, static id => new Workspace(id));
        while (true)
        {
            var pool = workspace.Pools.GetOrAdd((instance.Id, instance.CreditsPerRun), key => new Pool(key.InstanceId, workspace, key.Amount));
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
    /// Captures (<paramref name="capture"/>) or releases the run's hold and records the run, in the background; the
    /// workspace's known wallet is refreshed when the Control Plane has committed it.
    /// </summary>
    public void Settle(InstanceDto instance, Guid runId, bool capture, RunDto record)
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

        batcher.SettleInBackground(new BatchSettlement(runId, capture, Amount: null, record), Observe);
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
                ahead += pool.Ready.Count * pool.Amount;
            }
        }

        // The ledger's rule: low below the threshold.
        var balance = wallet.Available + ahead;
        return (balance, balance < wallet.LowThreshold);
    }

    /// <summary>Holds made ahead and not taken yet, in all pools (for tests and diagnostics).</summary>
    public int ReadyCount => AllPools.Sum(p => { lock (p) { return p.Ready.Count; } });

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
        await ReleaseAsync(AllPools.SelectMany(TakeReady).ToList(), urgent: true);
    }

    private async Task ReleaseIdleAsync()
    {
        var now = time.GetTimestamp();
        var idle = new List<Guid>();
        foreach (var pool in AllPools)
        {
            lock (pool)
            {
                var unused = time.GetElapsedTime(pool.LastUsed, now);
                if (unused < _idle)
                {
                    // In use: only the ready holds that are too old go (the oldest are first in the queue).
                    while (pool.Ready.TryPeek(out var oldest) && time.GetElapsedTime(oldest.HeldAt, now) >= MaxReadyAge)
                    {
                        idle.Add(pool.Ready.Dequeue().RunId);
                    }

                    continue;
                }

                idle.AddRange(pool.Ready.Select(r => r.RunId));
                pool.Ready.Clear();
                if (unused >= ForgetAfter && pool.Running == 0 && pool.Holding == 0 && pool.Waiters.Count == 0 && pool.AheadRefill is null)
                {
                    pool.Forgotten = true;
                    pool.Workspace.Pools.TryRemove(KeyValuePair.Create((pool.InstanceId, pool.Amount), pool));
                }
            }
        }

        await ReleaseAsync(idle, urgent: false);
    }

    /// <summary>
    /// Hands ready holds to the waiters that may take them; sends the holds of the remaining waiters at once (the
    /// batcher puts concurrent ones in one batch); and, unless one is already out, a refill of the holds ahead.
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
                if (!waiter.MustKeepRunId && !waiter.Retried)
                {
                    // Only runs that may take a ready hold size the holds ahead, once each (not again on their retry).
                    pool.CountTake();
                }

                if (!waiter.MustKeepRunId && pool.Ready.TryDequeue(out var ready))
                {
                    pool.Running++;
                    metrics.CreditHold(ready: true);
                    waiter.Result.TrySetResult(new CreditHold(ready.RunId, CreditOutcomes.Held, null, null));
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
                var target = pool.Overlapping ? Math.Min(_prefetchMax, 2 * pool.RecentTakes + 4) : 0;
                if (pool.Workspace.Wallet is { } wallet)
                {
                    target = (int)Math.Min(target, pool.Ready.Count + wallet.Available / pool.Amount / 2);
                }

                var wanted = target - pool.Ready.Count;
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

        var holds = await Task.WhenAll(waiters.Select(w => HoldOneAsync(pool, w.RunId)));
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

    /// <summary>Pauses the workspace's holds ahead, lets the refills out land, releases its ready holds; then a new epoch.</summary>
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
        await ReleaseAsync(pools.SelectMany(TakeReady).ToList(), urgent: true);
        lock (workspace)
        {
            workspace.ReclaimEpoch++;
        }
    }

    private async Task RefillAheadAsync(Pool pool, int count)
    {
        // Off the caller's stack (Pump holds the pool's lock): a refill that completes at once must not recurse.
        await Task.Yield();
        var requestedAt = time.GetTimestamp();
        var runIds = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToList();
        var holds = await Task.WhenAll(runIds.Select(runId => HoldOneAsync(pool, runId)));
        var failed = new List<Guid>();
        lock (pool)
        {
            for (var i = 0; i < holds.Length; i++)
            {
                var (hold, error) = holds[i];
                if (hold?.Held == true)
                {
                    // Aged from the request: the ledger's hold is no older than that.
                    pool.Ready.Enqueue(new ReadyHold(hold.RunId, requestedAt));
                    continue;
                }

                if (error is not null)
                {
                    // The Control Plane may have held it before the answer was lost: release it (unknown ids are fine).
                    failed.Add(runIds[i]);
                }

                // Out of credits (or the Control Plane failing): no holds ahead for a while, so the pool does not spin
                // on refusals nor take back at once what is released for another instance.
                pool.AheadPausedUntil = PauseEnd();
            }

            pool.AheadRefill = null;
        }

        if (failed.Count > 0)
        {
            _ = ReleaseAsync(failed, urgent: false);
        }

        Pump(pool);
    }

    private async Task<(CreditHold? Hold, Exception? Error)> HoldOneAsync(Pool pool, Guid runId)
    {
        try
        {
            var result = await batcher.HoldAsync(new BatchHold(runId, pool.Workspace.Id, pool.InstanceId, pool.Amount));
            Observe(result);
            return (new CreditHold(runId, result.Outcome, result.Wallet, result.Detail), null);
        }
        catch (Exception exception)
        {
            return (null, exception);
        }
    }

    private long PauseEnd() => time.GetTimestamp() + (long)(AheadPause.TotalSeconds * time.TimestampFrequency);

    private static List<Guid> TakeReady(Pool pool)
    {
        lock (pool)
        {
            var ready = pool.Ready.Select(r => r.RunId).ToList();
            pool.Ready.Clear();
            return ready;
        }
    }

    private async Task ReleaseAsync(List<Guid> runIds, bool urgent)
    {
        if (runIds.Count == 0)
        {
            return;
        }

        LogReleasingAhead(logger, runIds.Count);
        await Task.WhenAll(runIds.Select(async runId =>
        {
            try
            {
                Observe(await batcher.SettleAsync(new BatchSettlement(runId, Capture: false, Amount: null, Run: null), urgent));
            }
            catch (Exception exception)
            {
                // Left to the Control Plane's stale-hold sweep.
                LogReleaseFailed(logger, runId, exception);
            }
        }));
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

    /// <summary>A run waiting for its hold; <c>Retried</c> once it was refused and the workspace's ready holds were released.</summary>
    private sealed record Waiter(Guid RunId, bool MustKeepRunId, bool Retried = false)
    {
        public TaskCompletionSource<CreditHold> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A hold made ahead, and when the ledger held it (timestamp).</summary>
    private readonly record struct ReadyHold(Guid RunId, long HeldAt);

    /// <summary>The holds of one instance at one price: ready ones, waiting runs, runs in progress. Guarded by its own lock.</summary>
    private sealed class Pool(Guid instanceId, Workspace workspace, long amount)
    {
        public Guid InstanceId { get; } = instanceId;

        public Workspace Workspace { get; } = workspace;

        public long Amount { get; } = amount;

        public Queue<ReadyHold> Ready { get; } = new();

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Releasing {Count} credit holds made ahead and not used")]
    private static partial void LogReleasingAhead(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release hold {RunId} made ahead; the Control Plane's stale-hold sweep will")]
    private static partial void LogReleaseFailed(ILogger logger, Guid runId, Exception exception);
}
