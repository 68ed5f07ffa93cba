using Gsv.Gateway;
using Gsv.Gateway.Idempotency;
using Gsv.Gateway.RateLimiting;
using Gsv.Gateway.Runs;
using Gsv.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
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
        var limiter = Limiter(redis, 3, TimeProvider.System);
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
    public async Task Overlapping_runs_of_a_workspace_share_a_few_claims_from_redis()
    {
        using var redis = await ConnectAsync();
        var time = FrozenMidWindow();
        var limiter = Limiter(redis, 6000, time);
        var workspace = Guid.NewGuid();
        var operationsBefore = redis.GetCounters().Interactive.OperationCount;

        var decisions = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => Task.Run(() => limiter.AcquireAsync(workspace))));

        Assert.All(decisions, d => Assert.True(d.Allowed));
        var operations = redis.GetCounters().Interactive.OperationCount - operationsBefore;
        Assert.True(operations <= 30, $"300 overlapping runs took {operations} Redis operations; they should share claims.");
        // Claimed and not started: at most one claim's runs ahead, a second's worth of the limit (100).
        Assert.InRange(await CountedAsync(redis, workspace, time), 300, 400);
        Assert.Equal(6000 - 300, decisions.Min(d => d.Remaining));
    }

    [Fact]
    public async Task Two_gateways_claiming_for_one_workspace_never_pass_its_limit()
    {
        using var redisA = await ConnectAsync();
        using var redisB = await ConnectAsync();
        var time = FrozenMidWindow();
        var (gatewayA, gatewayB) = (Limiter(redisA, 60, time), Limiter(redisB, 60, time));
        var workspace = Guid.NewGuid();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(i => Task.Run(() => (i % 2 == 0 ? gatewayA : gatewayB).AcquireAsync(workspace))));

        // Each gateway may lose the one run it claimed ahead and did not start (a second's worth of 60 per minute).
        Assert.InRange(decisions.Count(d => d.Allowed), 58, 60);
        Assert.Equal(60, await CountedAsync(redisA, workspace, time));
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal((0, 30), (d.Remaining, d.ResetSeconds)));
    }

    [Fact]
    public async Task Runs_claimed_ahead_in_one_window_do_not_carry_into_the_next()
    {
        using var redis = await ConnectAsync();
        var time = FrozenMidWindow();
        var limiter = Limiter(redis, 60, time);
        var workspace = Guid.NewGuid();

        // A run alone claims one; the second follows it within 100 ms, so it claims one more ahead.
        Assert.Equal(59, (await limiter.AcquireAsync(workspace)).Remaining);
        Assert.Equal(58, (await limiter.AcquireAsync(workspace)).Remaining);
        Assert.Equal(3, await CountedAsync(redis, workspace, time));

        var earlier = time.GetUtcNow();
        time.Advance(TimeSpan.FromMinutes(1));
        var next = await limiter.AcquireAsync(workspace);

        Assert.Equal((true, 59, 30), (next.Allowed, next.Remaining, next.ResetSeconds));
        Assert.Equal(1, await CountedAsync(redis, workspace, time));
        Assert.Equal(3, await CountedAsync(redis, workspace, new FakeTimeProvider(earlier)));
    }

    private static WorkspaceRateLimiter Limiter(IConnectionMultiplexer redis, int runsPerMinute, TimeProvider time) =>
        new(redis, Options.Create(new GatewayOptions { RunsPerMinute = runsPerMinute }), time);

    /// <summary>A clock stopped 30 s into a one-minute window, so no window ends during a test unless it moves the clock.</summary>
    private static FakeTimeProvider FrozenMidWindow() => new(DateTimeOffset.FromUnixTimeSeconds(29_000_000 * 60 + 30));

    /// <summary>The workspace's count in Redis for the window the clock is in (every gateway's claims).</summary>
    private static async Task<long> CountedAsync(IConnectionMultiplexer redis, Guid workspace, TimeProvider time) =>
        (long)await redis.GetDatabase().StringGetAsync($"gsv:ratelimit:runs:{workspace:N}:{time.GetUtcNow().ToUnixTimeSeconds() / 60}");

    [Fact]
    public async Task An_idempotency_key_is_claimed_once_replays_the_result_and_is_freed_by_a_failure()
    {
        using var redis = await ConnectAsync();
        var store = new IdempotencyStore(redis, Options.Create(new GatewayOptions { RuntimeTimeout = TimeSpan.FromSeconds(1) }));
        var request = new IdempotentRequest(IdempotencyStore.KeyOf(Guid.NewGuid(), "key-1"), Fingerprint("book a table"));

        var first = Assert.IsType<IdempotencyClaim.Started>(await store.BeginAsync(request, Guid.CreateVersion7(), CancellationToken.None));
        // While the first run goes on, a second request waits (bounded) and then hears it is in progress.
        Assert.IsType<IdempotencyClaim.InProgress>(await store.BeginAsync(request, Guid.CreateVersion7(), CancellationToken.None));

        await store.AbandonAsync(request, first.RunId);
        var second = Assert.IsType<IdempotencyClaim.Started>(await store.BeginAsync(request, Guid.CreateVersion7(), CancellationToken.None));
        Assert.NotEqual(first.RunId, second.RunId);

        await store.CompleteAsync(request, "{\"runId\":\"x\"}"u8.ToArray());
        var replay = Assert.IsType<IdempotencyClaim.Completed>(await store.BeginAsync(request, Guid.CreateVersion7(), CancellationToken.None));
        Assert.Equal("{\"runId\":\"x\"}", System.Text.Encoding.UTF8.GetString(replay.Result));

        // Abandoning with a stale run id does not delete a completed result.
        await store.AbandonAsync(request, first.RunId);
        Assert.IsType<IdempotencyClaim.Completed>(await store.BeginAsync(request, Guid.CreateVersion7(), CancellationToken.None));
    }

    [Fact]
    public async Task An_idempotency_key_used_for_another_request_is_refused_while_pending_and_once_completed()
    {
        using var redis = await ConnectAsync();
        var store = new IdempotencyStore(redis, Options.Create(new GatewayOptions { RuntimeTimeout = TimeSpan.FromSeconds(1) }));
        var instance = Guid.NewGuid();
        var key = IdempotencyStore.KeyOf(instance, "key-2");
        var (book, cancel) = (Fingerprint("book a table", instance), Fingerprint("cancel my table", instance));
        Assert.NotEqual(book, cancel);
        Assert.NotEqual(book, Fingerprint("book a table", Guid.NewGuid()));

        var (booking, cancelling) = (new IdempotentRequest(key, book), new IdempotentRequest(key, cancel));

        var first = Assert.IsType<IdempotencyClaim.Started>(await store.BeginAsync(booking, Guid.CreateVersion7(), CancellationToken.None));
        Assert.IsType<IdempotencyClaim.Reused>(await store.BeginAsync(cancelling, Guid.CreateVersion7(), CancellationToken.None));

        await store.CompleteAsync(booking, "{}"u8.ToArray());
        Assert.IsType<IdempotencyClaim.Reused>(await store.BeginAsync(cancelling, Guid.CreateVersion7(), CancellationToken.None));
        Assert.IsType<IdempotencyClaim.Completed>(await store.BeginAsync(booking, first.RunId, CancellationToken.None));
    }

    private static string Fingerprint(string input, Guid? instance = null) =>
        new RunRequestBody(input, null, null).Fingerprint(instance ?? Guid.Empty);
}
