using System.Collections.Concurrent;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Credits;

/// <summary>
/// Holds the credits of runs through the Control Plane's ledger (<see cref="CreditBatcher"/>), keeping credits held
/// ahead per instance while its runs overlap and a few in the minutes after a run, so a run under load, or the next
/// one alone, takes a share instead of waiting for the Control Plane. The rules are <see cref="WorkspaceCredits"/>'
/// (one per workspace, behind one lock); this shell feeds it events and performs its commands. Every credit a run may
/// spend is held in the ledger before the run starts: the workspace can never spend more than it has. Settlements
/// (capture or release, with the run record) go in the background.
/// </summary>
public sealed partial class CreditReserve(
    CreditBatcher batcher, IOptions<GatewayOptions> options, GatewayMetrics metrics, TimeProvider time, ILogger<CreditReserve> logger)
    : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<Guid, Workspace> _workspaces = new();
    private readonly ConcurrentDictionary<long, Waiter> _waiters = new();
    private readonly ConcurrentDictionary<Task, bool> _releasing = new();
    private readonly CreditPolicy _policy = CreditPolicy.From(options.Value, time.TimestampFrequency);
    private long _tickets;
    private volatile bool _stopping;

    /// <summary>Holds <c>instance.CreditsPerRun</c> for run <paramref name="runId"/>: a share of the credits held ahead, else a hold of its own.</summary>
    public Task<CreditHold> HoldAsync(InstanceDto instance, Guid runId)
    {
        var ticket = Interlocked.Increment(ref _tickets);
        var waiter = _waiters[ticket] = new Waiter();
        var key = new PoolKey(instance.Id, instance.CreditsPerRun);
        // A workspace pruned between the lookup and the lock is not used: the run starts again with a new one.
        while (!Apply(_workspaces.GetOrAdd(instance.WorkspaceId, NewWorkspace), (w, now, commands) => w.RunArrived(now, key, ticket, runId, commands)))
        {
        }

        return waiter.Result.Task;
    }

    /// <summary>
    /// Charges the run (<paramref name="capture"/>) or not, and records it, in the background: its own hold is captured
    /// or released; a share is charged from the hold made ahead (whose last run then closes it).
    /// </summary>
    public void Settle(CreditHold hold, bool capture, RunDto record)
    {
        if (hold.Source is not { Workspace: var workspace } source)
        {
            batcher.SettleInBackground(new CloseHold(hold.RunId, capture, Run: record));
            return;
        }

        Apply(workspace, (w, now, _) => w.RunEnded(now, source.Pool), evenIfForgotten: true);
        if (source.SharedHoldId is { } holdId)
        {
            _ = SettleShareAsync(workspace, capture
                ? new ChargeFromHold(hold.RunId, holdId, source.Pool.Price, record)
                : new RecordFailedRun(hold.RunId, holdId, record));
            return;
        }

        batcher.SettleInBackground(new CloseHold(hold.RunId, capture, Run: record), result => Observe(workspace, result));
    }

    /// <summary>The workspace's credits once the runs in progress are charged, and whether that is low (<see cref="WorkspaceCredits.Projected"/>).</summary>
    public (long Balance, bool Low) Projected(Guid workspaceId)
    {
        if (!_workspaces.TryGetValue(workspaceId, out var workspace))
        {
            return (0, false);
        }

        lock (workspace)
        {
            return workspace.Credits.Projected();
        }
    }

    /// <summary>Workspaces this gateway keeps credits state for (for tests and diagnostics).</summary>
    public int WorkspaceCount => _workspaces.Count;

    /// <summary>Shares held ahead and not taken yet, in all pools (for tests and diagnostics).</summary>
    public int ReadyCount => _workspaces.Values.Sum(w => { lock (w) { return w.Credits.ReadyShares; } });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var workspace in _workspaces.Values)
                {
                    Apply(workspace, (w, now, commands) => w.Tick(now, commands));
                    Prune(workspace);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync releases what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // No new holds ahead; everything ready is released, and the refills out are as they land.
        _stopping = true;
        await base.StopAsync(cancellationToken);
        foreach (var workspace in _workspaces.Values)
        {
            Apply(workspace, (w, _, commands) => w.Stop(commands), evenIfForgotten: true);
        }

        while (!_releasing.IsEmpty)
        {
            await Task.WhenAll(_releasing.Keys).WaitAsync(cancellationToken);
        }
    }

    private Workspace NewWorkspace(Guid id)
    {
        var workspace = new Workspace(new WorkspaceCredits(id, _policy));
        if (_stopping)
        {
            lock (workspace)
            {
                workspace.Credits.Stop([]);
            }
        }

        return workspace;
    }

    /// <summary>Forgets a workspace left with nothing but its wallet, under its lock (a run that finds it forgotten makes a new one).</summary>
    private void Prune(Workspace workspace)
    {
        lock (workspace)
        {
            if (!workspace.Credits.IsEmpty)
            {
                return;
            }

            workspace.Forgotten = true;
        }

        _workspaces.TryRemove(KeyValuePair.Create(workspace.Credits.Id, workspace));
    }

    /// <summary>Tells the workspace's state machine an event under its lock, then performs the commands outside it.</summary>
    private bool Apply(Workspace workspace, Action<WorkspaceCredits, long, List<CreditCommand>> happened, bool evenIfForgotten = false)
    {
        var commands = new List<CreditCommand>();
        lock (workspace)
        {
            if (workspace.Forgotten && !evenIfForgotten)
            {
                return false;
            }

            happened(workspace.Credits, time.GetTimestamp(), commands);
        }

        foreach (var command in commands)
        {
            Perform(workspace, command);
        }

        return true;
    }

    private void Perform(Workspace workspace, CreditCommand command)
    {
        switch (command.Kind)
        {
            case CreditCommandKind.Grant:
                metrics.CreditHold(ready: true);
                Complete(command.Ticket, new CreditHold(command.RunId, CreditOutcome.Held, null, null) { Source = new(workspace, command.Pool, command.HoldId) });
                break;
            case CreditCommandKind.Answer:
                Answer(command.Ticket);
                break;
            case CreditCommandKind.Hold:
                _ = HoldOwnAsync(workspace, command);
                break;
            case CreditCommandKind.Refill:
                Track(RefillAsync(workspace, command));
                break;
            case CreditCommandKind.ReleasePart:
            case CreditCommandKind.Close:
                LogReleasingAhead(logger, command.HoldId, command.Kind);
                Track(ReleaseAsync(workspace, command));
                break;
        }
    }

    private void Complete(long ticket, CreditHold hold)
    {
        if (_waiters.TryRemove(ticket, out var waiter))
        {
            waiter.Result.TrySetResult(hold);
        }
    }

    /// <summary>Answers a run with what the ledger last said to its own hold.</summary>
    private void Answer(long ticket)
    {
        if (!_waiters.TryRemove(ticket, out var waiter))
        {
            return;
        }

        if (waiter.Error is { } error)
        {
            waiter.Result.TrySetException(error);
            return;
        }

        if (waiter.Hold!.Held)
        {
            metrics.CreditHold(ready: false);
        }

        waiter.Result.TrySetResult(waiter.Hold);
    }

    /// <summary>One workspace's state machine; its lock guards it. Forgotten once pruned: a run then makes a new one.</summary>
    internal sealed class Workspace(WorkspaceCredits credits)
    {
        public WorkspaceCredits Credits { get; } = credits;

        public bool Forgotten { get; set; }
    }

    /// <summary>A run waiting for its credits, and what the ledger last said to its own hold.</summary>
    private sealed class Waiter
    {
        public TaskCompletionSource<CreditHold> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CreditHold? Hold { get; set; }

        public Exception? Error { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Credits held ahead: {Command} of hold {HoldId}")]
    private static partial void LogReleasingAhead(ILogger logger, Guid holdId, CreditCommandKind command);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not release credits of hold {HoldId} made ahead; what it has left goes when it closes, else with the Control Plane's stale-hold sweep")]
    private static partial void LogReleaseFailed(ILogger logger, Guid holdId, Exception exception);
}
