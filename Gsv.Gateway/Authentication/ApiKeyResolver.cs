using Gsv.ControlPlane.Client;
using Gsv.Gateway.Caching;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Authentication;

/// <summary>
/// Instance API keys (<c>gsv_…</c>) resolved through the Control Plane and remembered for
/// <see cref="GatewayOptions.ApiKeyCacheDuration"/>: that is also how long a revoked key may still be accepted here.
/// Unknown keys are remembered too (for half as long), so guessing keys does not load the Control Plane.
/// </summary>
public sealed class ApiKeyResolver(ControlPlaneClient controlPlane, ApiKeyResolver.Cache cache)
{
    private const int MaxKeyLength = 200;

    public Task<ResolvedApiKey?> ResolveAsync(string key)
    {
        if (!key.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) || key.Length > MaxKeyLength)
        {
            return Task.FromResult<ResolvedApiKey?>(null);
        }

        // The lookup is shared by concurrent callers, so it must not die with the first caller's request.
        return cache.Keys.GetOrAddAsync(key, controlPlane, static (k, cp) => cp.ResolveApiKeyAsync(k, CancellationToken.None),
            resolved => resolved is null ? cache.Lifetime / 2 : cache.Lifetime);
    }

    /// <summary>The process-wide cache behind the (per-request) resolvers.</summary>
    public sealed class Cache(IOptions<GatewayOptions> options, TimeProvider time)
    {
        public ShortLivedCache<string, ResolvedApiKey?> Keys { get; } = new(time);

        public TimeSpan Lifetime { get; } = options.Value.ApiKeyCacheDuration;
    }
}
