using System.Collections.Concurrent;
using System.Threading.Channels;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Credits;

/// <summary>
/// Sends the credit holds and settlements of concurrent runs to the Control Plane together
/// (<c>POST /internal/v1/credits/batch</c>). While one batch is in flight the next items queue up and share the next
/// call and its single transaction; alone, an item goes at once (a batch of one): batching adds no wait when idle.
/// A hold's caller waits for its outcome. A settlement is usually sent in the background
/// (<see cref="SettleInBackground"/>): it is idempotent on run id, so a failed batch is retried with backoff, and
/// <see cref="WhenSettledAsync"/> lets a reader of the run wait for it.
/// </summary>
public sealed partial class CreditBatcher(
    IServiceProvider services, IOptions<GatewayOptions> options, GatewayMetrics metrics, ILogger<CreditBatcher> logger) : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _inFlight = new(options.Value.CreditBatchesInFlight);
    private readonly ConcurrentDictionary<Guid, Task<CreditBatchItemResult>> _unsettled = new();
    private readonly TimeSpan _linger = options.Value.CreditBatchLinger;
    private TaskCompletionSource _urgentQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _retryNow = new();
    private volatile bool _stopping;

    private readonly TimeSpan[] _retryDelays = options.Value.SettlementRetryDelays;

    /// <summary>Settlements handed over and not yet committed by the Control Plane.</summary>
    public int UnsettledCount => _unsettled.Count;

    /// <summary>
    /// Holds the run's credits; the outcome is <see cref="CreditOutcome.Held"/> or a refusal (insufficient credits…).
    /// A hold goes in the next batch at once: a run waits for it, or will soon (a hold made ahead).
    /// </summary>
    public Task<CreditBatchItemResult> HoldAsync(BatchHold hold) => Enqueue(new Pending(hold, null, Urgent: true));

    /// <summary>
    /// Captures or releases the run's hold and records the run; the task ends when the Control Plane committed it. An
    /// <paramref name="urgent"/> settlement goes in the next batch at once; others may wait
    /// <see cref="GatewayOptions.CreditBatchLinger"/> for company.
    /// </summary>
    public Task<CreditBatchItemResult> SettleAsync(CreditSettlement settlement, bool urgent = true) => Enqueue(new Pending(null, settlement, urgent));

    /// <summary>
    /// Settles without the caller waiting: retried while its batches fail (<see cref="GatewayOptions.SettlementRetryDelays"/>), then
    /// logged (the task fails); <paramref name="settled"/> sees the outcome. An outcome other than captured or released
    /// is logged as an error.
    /// </summary>
    public Task<CreditBatchItemResult> SettleInBackground(CreditSettlement settlement, Action<CreditBatchItemResult>? settled = null)
    {
        var task = SettleWithRetriesAsync(settlement, settled);
        _unsettled[settlement.RunId] = task;
        _ = task.ContinueWith(t => _unsettled.TryRemove(new KeyValuePair<Guid, Task<CreditBatchItemResult>>(settlement.RunId, t)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) for a background settlement of this run, if one is pending here.</summary>
    public async Task WhenSettledAsync(Guid runId, TimeSpan timeout)
    {
        if (_unsettled.TryGetValue(runId, out var pending))
        {
            try
            {
                await pending.WaitAsync(timeout);
            }
            catch (Exception)
            {
                // Not settled in time, or given up (logged): the reader gets what the Control Plane has.
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Background settlements (those waiting to retry included, at once) go out before the gateway exits, within
        // the shutdown timeout; then the loop empties the queue, and ends.
        await _retryNow.CancelAsync();
        try
        {
            await Task.WhenAll(_unsettled.Values).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Given up and logged one by one.
        }
        catch (OperationCanceledException)
        {
            LogUnsettledAtShutdown(logger, _unsettled.Count);
        }

        _stopping = true;
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _retryNow.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var sends = new List<Task>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            await _inFlight.WaitAsync(CancellationToken.None);
            var urgent = Volatile.Read(ref _urgentQueued);
            if (!urgent.Task.IsCompleted && !_stopping && _linger > TimeSpan.Zero)
            {
                // Nothing waits on this batch yet (background settlements and releases): let it fill up a little.
                await Task.WhenAny(Task.Delay(_linger, CancellationToken.None), urgent.Task);
            }

            Volatile.Write(ref _urgentQueued, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var batch = new List<Pending>();
            while (batch.Count < options.Value.CreditBatchMaxItems && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (reader.TryPeek(out _))
            {
                // More than a batch was queued: the rest goes next without lingering.
                Volatile.Read(ref _urgentQueued).TrySetResult();
            }

            sends.RemoveAll(t => t.IsCompleted);
            sends.Add(SendAsync(batch));
        }

        await Task.WhenAll(sends);
    }

    private async Task<CreditBatchItemResult> SettleWithRetriesAsync(CreditSettlement settlement, Action<CreditBatchItemResult>? settled)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await SettleAsync(settlement, urgent: false);
                if (result.Outcome == CreditOutcome.Invalid && settlement is CloseHold { Run: not null } close)
                {
                    // The run record was refused: the run's own hold must still be settled, so without it (logged). A
                    // share's charge needs its record: refused, the share goes back with its hold.
                    LogSettlementRefused(logger, settlement.RunId, result.Outcome, result.Detail);
                    settlement = close with { Run = null };
                    attempt--;
                    continue;
                }

                if (result.Outcome is not (CreditOutcome.Captured or CreditOutcome.Released))
                {
                    LogSettlementRefused(logger, settlement.RunId, result.Outcome, result.Detail);
                }

                settled?.Invoke(result);
                return result;
            }
            catch (Exception exception) when (attempt < _retryDelays.Length && !_stopping)
            {
                LogSettlementRetry(logger, settlement.RunId, attempt + 1, exception.Message);
                try
                {
                    await Task.Delay(_retryDelays[attempt], _retryNow.Token);
                }
                catch (OperationCanceledException)
                {
                    // The gateway is stopping: no more waiting between attempts.
                }
            }
            catch (Exception exception)
            {
                metrics.SettlementGivenUp();
                LogSettlementGivenUp(logger, settlement.RunId, exception);
                throw;
            }
        }
    }

    private Task<CreditBatchItemResult> Enqueue(Pending pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromException<CreditBatchItemResult>(new InvalidOperationException("The gateway is stopping; no new credit operations are accepted."));
        }

        if (pending.Urgent)
        {
            Volatile.Read(ref _urgentQueued).TrySetResult();
        }

        return pending.Result.Task;
    }

    private async Task SendAsync(List<Pending> batch)
    {
        try
        {
            var settlements = batch.Where(p => p.Settlement is not null).ToList();
            var holds = batch.Where(p => p.Hold is not null).ToList();
            metrics.CreditBatch(batch.Count);
            var controlPlane = services.GetRequiredService<ControlPlaneClient>();
            var result = await controlPlane.ApplyCreditBatchAsync(
                new CreditBatchRequest([.. settlements.Select(p => p.Settlement!)], [.. holds.Select(p => p.Hold!)]), CancellationToken.None);
            Complete(settlements, result.Settlements);
            Complete(holds, result.Holds);
        }
        catch (Exception exception)
        {
            LogBatchFailed(logger, batch.Count, exception);
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(exception);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static void Complete(List<Pending> items, IReadOnlyList<CreditBatchItemResult> results)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i < results.Count && results[i].RunId == items[i].RunId)
            {
                items[i].Result.TrySetResult(results[i]);
            }
            else
            {
                items[i].Result.TrySetException(new InvalidOperationException($"The Control Plane's batch answer has no outcome for run {items[i].RunId}."));
            }
        }
    }

    private sealed record Pending(BatchHold? Hold, CreditSettlement? Settlement, bool Urgent)
    {
        public TaskCompletionSource<CreditBatchItemResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid RunId => Hold?.RunId ?? Settlement!.RunId;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A credit batch of {Count} items failed; its runs get the error")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settlement of run {RunId} failed (attempt {Attempt}), retrying: {Error}")]
    private static partial void LogSettlementRetry(ILogger logger, Guid runId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Settlement of run {RunId} given up: its hold stays until the Control Plane's stale-hold sweep releases it (the run is not charged)")]
    private static partial void LogSettlementGivenUp(ILogger logger, Guid runId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} settlements were still unsent when the gateway had to stop; their holds wait for the stale-hold sweep")]
    private static partial void LogUnsettledAtShutdown(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The Control Plane refused the settlement of run {RunId} ({Outcome}): {Detail}")]
    private static partial void LogSettlementRefused(ILogger logger, Guid runId, CreditOutcome outcome, string? detail);
}
