using System.Net;
using System.Net.Http.Json;
using Gsv.ControlPlane.Client;
using Gsv.Gateway;
using Gsv.Gateway.Credits;
using Gsv.Gateway.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

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
        await using var batcher = await StartAsync(controlPlane, inFlight: 1);

        // The first call is held at the Control Plane while 19 more arrive: they must queue and go together.
        var gate = controlPlane.Gate = new TaskCompletionSource();
        var runs = Enumerable.Range(0, 20).Select(i => (RunId: Guid.NewGuid(), Amount: (long)(i + 1))).ToList();
        var first = batcher.Batcher.HoldAsync(new BatchHold(runs[0].RunId, Guid.NewGuid(), null, runs[0].Amount));
        await controlPlane.FirstCallArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var rest = runs.Skip(1).Select(r => batcher.Batcher.HoldAsync(new BatchHold(r.RunId, Guid.NewGuid(), null, r.Amount))).ToList();
        gate.SetResult();

        var results = await Task.WhenAll(rest.Prepend(first));
        Assert.Equal(runs.Select(r => r.RunId), results.Select(r => r.RunId));
        Assert.Equal(runs.Select(r => r.Amount % 2 == 0 ? CreditOutcomes.Held : CreditOutcomes.InsufficientCredits), results.Select(r => r.Outcome));
        Assert.Equal([1, 19], controlPlane.BatchSizes);
    }

    [Fact]
    public async Task A_failed_batch_fails_its_items_only_and_the_next_batch_goes_through()
    {
        var controlPlane = new ScriptedControlPlane { FailNext = true };
        await using var batcher = await StartAsync(controlPlane, inFlight: 1);

        var failed = await Assert.ThrowsAnyAsync<Exception>(() =>
            batcher.Batcher.SettleAsync(new BatchSettlement(Guid.NewGuid(), Capture: true, null, null)));
        Assert.IsType<ControlPlaneProblemException>(failed);

        var runId = Guid.NewGuid();
        var settled = await batcher.Batcher.SettleAsync(new BatchSettlement(runId, Capture: true, null, null));
        Assert.Equal((runId, CreditOutcomes.Captured), (settled.RunId, settled.Outcome));
    }

    private static async Task<RunningBatcher> StartAsync(ScriptedControlPlane controlPlane, int inFlight)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddTransient(_ => new ControlPlaneClient(new HttpClient(controlPlane) { BaseAddress = new Uri("http://controlplane/") }));
        var provider = services.BuildServiceProvider();
        var batcher = new CreditBatcher(provider, Options.Create(new GatewayOptions { CreditBatchesInFlight = inFlight }),
            new GatewayMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<CreditBatcher>.Instance);
        await batcher.StartAsync(CancellationToken.None);
        return new RunningBatcher(batcher, provider);
    }

    private sealed record RunningBatcher(CreditBatcher Batcher, ServiceProvider Provider) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Batcher.StopAsync(CancellationToken.None);
            Batcher.Dispose();
            await Provider.DisposeAsync();
        }
    }

    /// <summary>
    /// Answers <c>POST internal/v1/credits/batch</c>: holds of an even amount are held, odd ones refused; settlements
    /// are captured. Records each batch's size; can hold a call at a gate, or fail the next call with a 503.
    /// </summary>
    private sealed class ScriptedControlPlane : HttpMessageHandler
    {
        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource FirstCallArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool FailNext { get; set; }

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

            if (FailNext)
            {
                FailNext = false;
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            }

            var result = new CreditBatchResult(
                [.. batch.Settlements.Select(s => new CreditBatchItemResult(s.RunId, CreditOutcomes.Captured, 1, null, null))],
                [.. batch.Holds.Select(h => new CreditBatchItemResult(
                    h.RunId, h.Amount % 2 == 0 ? CreditOutcomes.Held : CreditOutcomes.InsufficientCredits, h.Amount % 2 == 0 ? h.Amount : 0, null, null))]);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(result) };
        }
    }
}
