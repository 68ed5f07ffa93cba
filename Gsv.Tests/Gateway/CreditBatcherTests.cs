using System.Net;
using System.Net.Http.Json;
using Gsv.ControlPlane.Client;
using Gsv.Gateway;
using Gsv.Gateway.Credits;

namespace Gsv.Tests.Gateway;

/// <summary>
/// The gateway's credit batcher against a scripted Control Plane endpoint: how concurrent items are coalesced and how
/// each caller gets its own outcome. (The real Control Plane is exercised by the gateway's integration tests.)
/// </summary>
public sealed class CreditBatcherTests
{
    [Fact]
    public async Task Concurrent_holds_share_batches_and_each_caller_gets_its_own_outcome()
    {
        var controlPlane = new ScriptedControlPlane();
        await using var batcher = await RunningCredits.StartAsync(controlPlane, new GatewayOptions { CreditBatchesInFlight = 1 });

        // The first call is held at the Control Plane while 19 more arrive: they must queue and go together.
        var gate = controlPlane.Gate = new TaskCompletionSource();
        var runs = Enumerable.Range(0, 20).Select(i => (RunId: Guid.NewGuid(), Amount: (long)(i + 1))).ToList();
        var first = batcher.Batcher.HoldAsync(new BatchHold(runs[0].RunId, Guid.NewGuid(), null, runs[0].Amount));
        await controlPlane.FirstCallArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var rest = runs.Skip(1).Select(r => batcher.Batcher.HoldAsync(new BatchHold(r.RunId, Guid.NewGuid(), null, r.Amount))).ToList();
        gate.SetResult();

        var results = await Task.WhenAll(rest.Prepend(first));
        Assert.Equal(runs.Select(r => r.RunId), results.Select(r => r.RunId));
        Assert.Equal(runs.Select(r => r.Amount % 2 == 0 ? CreditOutcome.Held : CreditOutcome.InsufficientCredits), results.Select(r => r.Outcome));
        Assert.Equal([1, 19], controlPlane.BatchSizes);
    }

    [Fact]
    public async Task A_failed_batch_fails_its_items_only_and_the_next_batch_goes_through()
    {
        var controlPlane = new ScriptedControlPlane { FailCalls = 1 };
        await using var batcher = await RunningCredits.StartAsync(controlPlane, new GatewayOptions { CreditBatchesInFlight = 1 });

        await Assert.ThrowsAsync<ControlPlaneProblemException>(() =>
            batcher.Batcher.SettleAsync(new CloseHold(Guid.NewGuid(), Capture: true, null, null)));

        var runId = Guid.NewGuid();
        var settled = await batcher.Batcher.SettleAsync(new CloseHold(runId, Capture: true, null, null));
        Assert.Equal((runId, CreditOutcome.Captured), (settled.RunId, settled.Outcome));
    }

    [Fact]
    public async Task A_background_settlement_is_retried_when_its_batch_fails_and_can_be_awaited()
    {
        var controlPlane = new ScriptedControlPlane { FailCalls = 1 };
        await using var batcher = await RunningCredits.StartAsync(controlPlane, new GatewayOptions { CreditBatchesInFlight = 1 });

        var runId = Guid.NewGuid();
        CreditBatchItemResult? seen = null;
        _ = batcher.Batcher.SettleInBackground(new CloseHold(runId, Capture: true, null, null), result => seen = result);
        Assert.Equal(1, batcher.Batcher.UnsettledCount);
        await batcher.Batcher.WhenSettledAsync(runId, TimeSpan.FromSeconds(10));

        Assert.Equal((runId, CreditOutcome.Captured), (seen?.RunId, seen?.Outcome));
        Assert.Equal([1, 1], controlPlane.BatchSizes);
        Assert.Equal(0, batcher.Batcher.UnsettledCount);
    }

    [Fact]
    public async Task Stopping_sends_a_settlement_waiting_to_retry_at_once()
    {
        // Three failures: the settlement then waits an hour before its fourth attempt, unless the gateway stops.
        var controlPlane = new ScriptedControlPlane { FailCalls = 3 };
        var retryDelays = new[] { TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1) };
        var credits = await RunningCredits.StartAsync(controlPlane, new GatewayOptions { CreditBatchesInFlight = 1, SettlementRetryDelays = retryDelays });
        var runId = Guid.NewGuid();
        CreditBatchItemResult? seen = null;
        _ = credits.Batcher.SettleInBackground(new CloseHold(runId, Capture: true, null, null), result => seen = result);
        await controlPlane.LastFailureAnswered.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // The host gives stopping far less than the delay: the settlement goes out within it, not dropped as unsent.
        using (var shutdown = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await credits.Batcher.StopAsync(shutdown.Token);
            Assert.False(shutdown.IsCancellationRequested, "Stopping waited for the settlement's retry delay.");
        }

        await credits.DisposeAsync();
        Assert.Equal((runId, CreditOutcome.Captured), (seen?.RunId, seen?.Outcome));
        Assert.Equal([1, 1, 1, 1], controlPlane.BatchSizes);
    }

    /// <summary>
    /// Answers <c>POST internal/v1/credits/batch</c>: holds of an even amount are held, odd ones refused; settlements
    /// are captured. Records each batch's size; can hold a call at a gate, or fail the next calls with a 503.
    /// </summary>
    private sealed class ScriptedControlPlane : HttpMessageHandler
    {
        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource FirstCallArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>How many of the next calls fail with a 503.</summary>
        public int FailCalls { get; set; }

        /// <summary>Set once the last of the <see cref="FailCalls"/> failures was answered.</summary>
        public TaskCompletionSource LastFailureAnswered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> BatchSizes { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/internal/v1/credits/batch", request.RequestUri!.AbsolutePath);
            var batch = (await request.Content!.ReadFromJsonAsync<CreditBatchRequest>(cancellationToken))!;
            lock (BatchSizes)
            {
                BatchSizes.Add(batch.Settlements.Count + batch.Holds.Count);
            }

            FirstCallArrived.TrySetResult();
            if (Gate is { } gate)
            {
                Gate = null;
                await gate.Task;
            }

            if (FailCalls > 0)
            {
                if (--FailCalls == 0)
                {
                    LastFailureAnswered.TrySetResult();
                }

                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            }

            var result = new CreditBatchResult(
                [.. batch.Settlements.Select(s => new CreditBatchItemResult(s.RunId, CreditOutcome.Captured, 1, null, null))],
                [.. batch.Holds.Select(h => new CreditBatchItemResult(
                    h.RunId, h.Amount % 2 == 0 ? CreditOutcome.Held : CreditOutcome.InsufficientCredits, h.Amount % 2 == 0 ? h.Amount : 0, null, null))]);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(result) };
        }
    }
}
