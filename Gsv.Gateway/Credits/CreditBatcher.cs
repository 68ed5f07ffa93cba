using System.Threading.Channels;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Observability;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Credits;

/// <summary>
/// Sends the credit holds and settlements of concurrent runs to the Control Plane together
/// (<c>POST /internal/v1/credits/batch</c>). A run waits for its own item's outcome, so nothing is answered before its
/// credits are held or settled; but while one batch is in flight the next runs queue up and share the next call and
/// its single transaction. Alone, a run's item goes at once (a batch of one): batching adds no wait when idle.
/// </summary>
public sealed partial class CreditBatcher(
    IServiceProvider services, IOptions<GatewayOptions> options, GatewayMetrics metrics, ILogger<CreditBatcher> logger) : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _inFlight = new(options.Value.CreditBatchesInFlight);

    /// <summary>Holds the run's credits; the outcome is <see cref="CreditOutcomes.Held"/> or a refusal (insufficient credits…).</summary>
    public Task<CreditBatchItemResult> HoldAsync(BatchHold hold) => Enqueue(new Pending(hold, null));

    /// <summary>Captures or releases the run's hold and records the run.</summary>
    public Task<CreditBatchItemResult> SettleAsync(BatchSettlement settlement) => Enqueue(new Pending(null, settlement));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Runs still draining from Kestrel settle before the gateway exits: the loop empties the queue, then ends.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var sends = new List<Task>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            await _inFlight.WaitAsync(CancellationToken.None);
            var batch = new List<Pending>();
            while (batch.Count < options.Value.CreditBatchMaxItems && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            sends.RemoveAll(t => t.IsCompleted);
            sends.Add(SendAsync(batch));
        }

        await Task.WhenAll(sends);
    }

    private Task<CreditBatchItemResult> Enqueue(Pending pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.FromException<CreditBatchItemResult>(new InvalidOperationException("The gateway is stopping; no new credit operations are accepted."));
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

    private sealed record Pending(BatchHold? Hold, BatchSettlement? Settlement)
    {
        public TaskCompletionSource<CreditBatchItemResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Guid RunId => Hold?.RunId ?? Settlement!.RunId;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A credit batch of {Count} items failed; its runs get the error")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
