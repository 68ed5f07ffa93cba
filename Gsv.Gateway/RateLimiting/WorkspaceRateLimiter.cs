using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gsv.Gateway.RateLimiting;

/// <summary>The decision for one run: allowed or not, and what the <c>RateLimit-*</c> headers report.</summary>
public readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds);

/// <summary>
/// Runs per workspace per minute, counted in Redis so every gateway replica shares one budget: a fixed one-minute window
/// per workspace whose count expires with it. A gateway claims runs from the window in one script call (never past the
/// limit) and lets them start without asking Redis again: a run alone claims one; runs closer than 100 ms apart also
/// claim about twice the runs of the last 100 ms ahead, at most a second's worth of the limit, and runs arriving while
/// a claim is out share it. So a busy workspace costs one Redis round trip per many runs. Runs claimed and not started by the window's end are lost with it (at most that second's worth
/// per replica); the limit itself is never exceeded.
/// </summary>
public sealed class WorkspaceRateLimiter(IConnectionMultiplexer redis, IOptions<GatewayOptions> options, TimeProvider time)
{
    private const int WindowSeconds = 60;

    // Atomic: grant what is asked, up to what the window has left; the window's key disappears after the window (plus a
    // margin for clock skew). Answers the window's count after the grant, and the grant.
    private static readonly LuaScript ClaimScript = LuaScript.Prepare("""
        local counted = tonumber(redis.call('GET', @key) or '0')
        local granted = math.min(tonumber(@want), math.max(0, tonumber(@limit) - counted))
        if granted > 0 then
          counted = redis.call('INCRBY', @key, granted)
          if counted == granted then redis.call('EXPIRE', @key, @ttl) end
        end
        return { counted, granted }
        """);

    private readonly int _limit = options.Value.RunsPerMinute;
    private readonly int _aheadMax = Math.Max(1, options.Value.RunsPerMinute / WindowSeconds);
    private readonly long _slot = time.TimestampFrequency / 10;
    private readonly ConcurrentDictionary<Guid, Budget> _budgets = new();
    private long _sweptWindow;

    public async Task<RateLimitDecision> AcquireAsync(Guid workspaceId)
    {
        var budget = _budgets.GetOrAdd(workspaceId, static _ => new Budget());
        var counted = false;
        while (true)
        {
            Task claim;
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var window = now / WindowSeconds;
            var reset = (int)Math.Max(1, (window + 1) * WindowSeconds - now);
            lock (budget)
            {
                budget.Roll(window);
                if (!counted)
                {
                    budget.CountTake(time.GetTimestamp(), _slot);
                    counted = true;
                }

                if (budget.Unused > 0)
                {
                    budget.Unused--;
                    return new RateLimitDecision(true, _limit, budget.Remaining(_limit), reset);
                }

                if (budget.Spent(_limit))
                {
                    return new RateLimitDecision(false, _limit, 0, reset);
                }

                // One claim at a time per workspace; runs arriving meanwhile wait for it and share what it brings.
                budget.Waiting++;
                budget.Claim ??= ClaimAsync(workspaceId, budget, window, want: budget.Waiting + budget.Ahead(_aheadMax));
                claim = budget.Claim;
            }

            try
            {
                await claim;
            }
            finally
            {
                lock (budget)
                {
                    budget.Waiting--;
                }
            }

            SweepOnce(window);
        }
    }

    /// <summary>
    /// <c>RateLimit-Limit</c>/<c>-Remaining</c>/<c>-Reset</c> (IETF httpapi draft) and <c>RateLimit-Policy</c>; a refusal also
    /// gets <c>Retry-After</c>.
    /// </summary>
    public static void WriteHeaders(HttpResponse response, RateLimitDecision decision)
    {
        var headers = response.Headers;
        headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"{decision.Limit};w={WindowSeconds}");
        if (!decision.Allowed)
        {
            headers.RetryAfter = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    private async Task ClaimAsync(Guid workspaceId, Budget budget, long window, int want)
    {
        // Started under the budget's lock: yield first, so the script is not sent while holding it.
        await Task.Yield();
        RedisResult[] answer;
        try
        {
            var key = $"gsv:ratelimit:runs:{workspaceId:N}:{window}";
            answer = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ClaimScript,
                new { key = (RedisKey)key, want, limit = _limit, ttl = WindowSeconds * 2 }))!;
        }
        catch
        {
            lock (budget)
            {
                budget.Claim = null;
            }

            throw;
        }

        lock (budget)
        {
            budget.Claim = null;
            // A claim that comes back after its window ended brings nothing usable.
            if (budget.Window == window)
            {
                budget.Counted = Math.Max(budget.Counted, (long)answer[0]);
                budget.Unused += (int)answer[1];
            }
        }
    }

    /// <summary>Once per window: forgets the workspaces that ran nothing in the last whole window.</summary>
    private void SweepOnce(long window)
    {
        var swept = Interlocked.Read(ref _sweptWindow);
        if (swept == window || Interlocked.CompareExchange(ref _sweptWindow, window, swept) != swept)
        {
            return;
        }

        foreach (var (workspaceId, budget) in _budgets)
        {
            lock (budget)
            {
                if (budget.Window < window - 1 && budget.Claim is null && budget.Waiting == 0)
                {
                    _budgets.TryRemove(KeyValuePair.Create(workspaceId, budget));
                }
            }
        }
    }

    /// <summary>One workspace's share of the current window on this gateway. Guarded by its own lock.</summary>
    private sealed class Budget
    {
        public long Window { get; private set; } = -1;

        /// <summary>Runs claimed from the window and not started yet.</summary>
        public int Unused { get; set; }

        /// <summary>The window's count in Redis (every replica's claims) as of the last claim.</summary>
        public long Counted { get; set; }


        /// <summary>The claim out to Redis, if any.</summary>
        public Task? Claim { get; set; }

        /// <summary>Runs waiting for a claim.</summary>
        public int Waiting { get; set; }

        /// <summary>Runs that asked, per 100 ms.</summary>
        private RecentWindow _takes;

        /// <summary>The window's whole budget is claimed: no claim can bring more before the next window.</summary>
        public bool Spent(int limit) => Counted >= limit;

        /// <summary>What the window has left for this workspace, as far as this gateway knows.</summary>
        public int Remaining(int limit) => (int)Math.Clamp(limit - Counted + Unused, 0, limit);

        /// <summary>Starts the counts afresh when a new window began; what was claimed for the old one is lost with it.</summary>
        public void Roll(long window)
        {
            if (window != Window)
            {
                (Window, Unused, Counted) = (window, 0, 0);
            }
        }

        /// <summary>Counts a run in the current 100 ms slot.</summary>
        public void CountTake(long now, long slot)
        {
            _takes.Roll(now, slot);
            _takes.Add();
        }

        /// <summary>Runs to claim beyond those waiting: none for a run alone, else about twice the recent runs, up to <paramref name="max"/>.</summary>
        public int Ahead(int max) => _takes.Recent < 2 ? 0 : Math.Min(max, 2 * _takes.Recent);
    }
}
