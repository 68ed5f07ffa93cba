using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gsv.Gateway.RateLimiting;

/// <summary>The decision for one run: allowed or not, and what the <c>RateLimit-*</c> headers report.</summary>
public readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds);

/// <summary>
/// Runs per workspace per minute, counted in Redis so every gateway replica shares one budget: a fixed one-minute window
/// per workspace (<c>INCR</c> + expiry in one script, one round trip). A window's count expires with the window.
/// </summary>
public sealed class WorkspaceRateLimiter(IConnectionMultiplexer redis, IOptions<GatewayOptions> options, TimeProvider time)
{
    private const int WindowSeconds = 60;

    // Atomic: count the run and make sure the window's key disappears after the window (plus a margin for clock skew).
    private static readonly LuaScript Count = LuaScript.Prepare(
        "local n = redis.call('INCR', @key) if n == 1 then redis.call('EXPIRE', @key, @ttl) end return n");

    private readonly int _limit = options.Value.RunsPerMinute;

    public async Task<RateLimitDecision> AcquireAsync(Guid workspaceId)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var window = now / WindowSeconds;
        var reset = (int)((window + 1) * WindowSeconds - now);
        var key = $"gsv:ratelimit:runs:{workspaceId:N}:{window}";
        var count = (long)await redis.GetDatabase().ScriptEvaluateAsync(Count, new { key = (RedisKey)key, ttl = WindowSeconds * 2 });
        var remaining = (int)Math.Max(0, _limit - count);
        return new RateLimitDecision(count <= _limit, _limit, remaining, Math.Max(reset, 1));
    }

    /// <summary>
    /// <c>RateLimit-Limit</c>/<c>-Remaining</c>/<c>-Reset</c> (IETF httpapi draft) and <c>RateLimit-Policy</c>; a refusal also
    /// gets <c>Retry-After</c>.
    /// </summary>
    public static void WriteHeaders(HttpResponse response, RateLimitDecision decision)
    {
        var headers = response.Headers;
        headers["RateLimit-Limit"] = decision.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = decision.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = decision.ResetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["RateLimit-Policy"] = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{decision.Limit};w={WindowSeconds}");
        if (!decision.Allowed)
        {
            headers.RetryAfter = decision.ResetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
