using Gsv.ControlPlane.Client;

namespace Gsv.Gateway.Credits;

/// <summary>The commands that go to the ledger (through <see cref="CreditBatcher"/>), each reporting back how it landed.</summary>
public sealed partial class CreditReserve
{
    private async Task HoldOwnAsync(Workspace workspace, CreditCommand command)
    {
        var waiter = _waiters[command.Ticket];
        var (result, error) = await HoldAsync(workspace, command.RunId, command.Pool, command.Amount);
        (waiter.Hold, waiter.Error) = (result is null ? null : new CreditHold(command.RunId, result.Outcome, result.Wallet, result.Detail)
        {
            Source = result.Outcome == CreditOutcome.Held ? new(workspace, command.Pool, null) : null,
        }, error);
        Apply(workspace, (w, now, commands) => w.HoldAnswered(now, command.Ticket, AnswerOf(result), commands), evenIfForgotten: true);
    }

    private async Task RefillAsync(Workspace workspace, CreditCommand command)
    {
        // Off the caller's stack: a refill that completes at once must not recurse into Apply.
        await Task.Yield();
        var (result, _) = await HoldAsync(workspace, command.HoldId, command.Pool, command.Amount);
        Apply(workspace, (w, now, commands) => w.RefillAnswered(now, command.HoldId, AnswerOf(result), commands), evenIfForgotten: true);
    }

    private async Task<(CreditBatchItemResult? Result, Exception? Error)> HoldAsync(Workspace workspace, Guid id, PoolKey pool, long amount)
    {
        try
        {
            var result = await batcher.HoldAsync(new BatchHold(id, workspace.Credits.Id, pool.InstanceId, amount));
            Observe(workspace, result);
            return (result, null);
        }
        catch (Exception exception)
        {
            return (null, exception);
        }
    }

    private static HoldAnswer AnswerOf(CreditBatchItemResult? result) => result?.Outcome switch
    {
        null => HoldAnswer.Failed,
        CreditOutcome.Held => HoldAnswer.Held,
        CreditOutcome.InsufficientCredits => HoldAnswer.InsufficientCredits,
        _ => HoldAnswer.Refused,
    };

    /// <summary>Releases withdrawn shares of a hold (it stays open for the runs on it) or closes it; a failure is logged, and left to the close or the Control Plane's stale-hold sweep.</summary>
    private async Task ReleaseAsync(Workspace workspace, CreditCommand command)
    {
        var close = command.Kind == CreditCommandKind.Close;
        try
        {
            CreditSettlement settlement = close
                ? new CloseHold(command.HoldId, Capture: false)
                : new ReleasePart(Guid.CreateVersion7(), command.HoldId, command.Amount);
            Observe(workspace, await batcher.SettleAsync(settlement, command.Urgent));
        }
        catch (Exception exception)
        {
            LogReleaseFailed(logger, command.HoldId, exception);
        }

        Apply(workspace, (w, now, commands) =>
        {
            if (close)
            {
                w.CloseLanded(now, command.HoldId, commands);
            }
            else
            {
                w.PartReleaseLanded(now, command.HoldId, commands);
            }
        }, evenIfForgotten: true);
    }

    /// <summary>Settles a run that took a share (retried by the batcher), then tells its hold, which closes after its last run.</summary>
    private async Task SettleShareAsync(Workspace workspace, CreditSettlement settlement)
    {
        try
        {
            await batcher.SettleInBackground(settlement, result => Observe(workspace, result));
        }
        catch (Exception)
        {
            // Given up and logged by the batcher: the run's share is released when the hold closes.
        }

        Apply(workspace, (w, _, commands) => w.ShareSettled(settlement.SettledHold, commands), evenIfForgotten: true);
    }

    private void Observe(Workspace workspace, CreditBatchItemResult result)
    {
        if (result.Wallet is { } wallet && wallet.WorkspaceId == workspace.Credits.Id)
        {
            lock (workspace)
            {
                workspace.Credits.Observe(wallet);
            }
        }
    }

    /// <summary>Keeps a release or refill until it ends, so that stopping waits for it.</summary>
    private void Track(Task task)
    {
        _releasing[task] = true;
        _ = task.ContinueWith(t => _releasing.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
