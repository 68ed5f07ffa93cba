using Gsv.Gateway;
using Gsv.Gateway.Idempotency;
using Gsv.Gateway.RateLimiting;
using Gsv.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gsv.Tests.Gateway;

/// <summary>The gateway's Redis-backed pieces against the platform's real Redis.</summary>
[Collection(PlatformCollection.Name)]
public sealed class RateLimiterTests(PlatformFixture platform)
{
    private async Task<IConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync((await platform.GetConnectionStringAsync("redis"))!);

    [Fact]
    public async Task A_workspace_gets_its_runs_per_minute_then_429_with_the_time_to_wait()
    {
        using var redis = await ConnectAsync();
        var limiter = new WorkspaceRateLimiter(redis, Options.Create(new GatewayOptions { RunsPerMinute = 3 }), TimeProvider.System);
        var workspace = Guid.NewGuid();

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 5; i++)
        {
            decisions.Add(await limiter.AcquireAsync(workspace));
        }

        // A window boundary may fall between the calls; then the new window starts counting afresh.
        if (decisions.All(d => d.Allowed))
        {
            decisions.Clear();
            for (var i = 0; i < 5; i++)
            {
                decisions.Add(await limiter.AcquireAsync(workspace));
            }
        }

        Assert.Equal([true, true, true, false, false], decisions.Select(d => d.Allowed));
        Assert.Equal([2, 1, 0, 0, 0], decisions.Select(d => d.Remaining));
        Assert.All(decisions, d => Assert.InRange(d.ResetSeconds, 1, 60));

        // Another workspace has its own budget.
        Assert.True((await limiter.AcquireAsync(Guid.NewGuid())).Allowed);
    }

    [Fact]
    public async Task An_idempotency_key_is_claimed_once_replays_the_result_and_is_freed_by_a_failure()
    {
        using var redis = await ConnectAsync();
        var store = new IdempotencyStore(redis, Options.Create(new GatewayOptions { RuntimeTimeout = TimeSpan.FromSeconds(1) }));
        var key = IdempotencyStore.KeyOf(Guid.NewGuid(), "key-1");

        var first = Assert.IsType<IdempotencyClaim.Started>(await store.BeginAsync(key, Guid.CreateVersion7(), CancellationToken.None));
        // While the first run goes on, a second request waits (bounded) and then hears it is in progress.
        Assert.IsType<IdempotencyClaim.InProgress>(await store.BeginAsync(key, Guid.CreateVersion7(), CancellationToken.None));

        await store.AbandonAsync(key, first.RunId);
        var second = Assert.IsType<IdempotencyClaim.Started>(await store.BeginAsync(key, Guid.CreateVersion7(), CancellationToken.None));
        Assert.NotEqual(first.RunId, second.RunId);

        await store.CompleteAsync(key, "{\"runId\":\"x\"}"u8.ToArray());
        var replay = Assert.IsType<IdempotencyClaim.Completed>(await store.BeginAsync(key, Guid.CreateVersion7(), CancellationToken.None));
        Assert.Equal("{\"runId\":\"x\"}", System.Text.Encoding.UTF8.GetString(replay.Result));

        // Abandoning with a stale run id does not delete a completed result.
        await store.AbandonAsync(key, first.RunId);
        Assert.IsType<IdempotencyClaim.Completed>(await store.BeginAsync(key, Guid.CreateVersion7(), CancellationToken.None));
    }
}
