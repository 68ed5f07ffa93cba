using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Caching;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Authentication;

/// <summary>
/// Instance API keys (<c>gsv_…</c>) resolved through the Control Plane and remembered for
/// <see cref="GatewayOptions.ApiKeyCacheDuration"/>: that is also how long a revoked key may still be accepted here.
/// Unknown keys are remembered too (for half as long), and a key not remembered is looked up only within the client
/// address's budget (<see cref="ApiKeyLookupThrottle"/>, else <see cref="ApiKeyLookupThrottledException"/>), so
/// guessing keys does not load the Control Plane.
/// </summary>
public sealed class ApiKeyResolver(ControlPlaneClient controlPlane, ApiKeyResolver.Cache cache, ApiKeyLookupThrottle throttle)
{
    private const int MaxKeyLength = 200;

    public Task<ResolvedApiKey?> ResolveAsync(string key, IPAddress? client)
    {
        if (!key.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) || key.Length > MaxKeyLength)
        {
            return Task.FromResult<ResolvedApiKey?>(null);
        }

        // The lookup is shared by concurrent callers, so it must not die with the first caller's request.
        return cache.Keys.GetOrAddAsync(key, (controlPlane, throttle, client),
            static (k, state) => state.throttle.TryTake(state.client, out var retryAfter)
                ? state.controlPlane.ResolveApiKeyAsync(k, CancellationToken.None)
                : Task.FromException<ResolvedApiKey?>(new ApiKeyLookupThrottledException(retryAfter)),
            resolved => resolved is null ? cache.Keys.Lifetime / 2 : cache.Keys.Lifetime);
    }

    /// <summary>The process-wide cache behind the (per-request) resolvers: a bounded LRU, swept on a timer.</summary>
    public sealed class Cache(IOptions<GatewayOptions> options, TimeProvider time) : IDisposable
    {
        public ShortLivedCache<string, ResolvedApiKey?> Keys { get; } = new(time, options.Value.ApiKeyCacheDuration, options.Value.ApiKeyCacheCapacity);

        public void Dispose() => Keys.Dispose();
    }
}
