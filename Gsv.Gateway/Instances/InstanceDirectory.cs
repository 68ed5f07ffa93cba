using Gsv.ControlPlane.Client;
using Gsv.Gateway.Authentication;
using Gsv.Gateway.Caching;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Instances;

/// <summary>
/// The instance a caller may run, or null (answered as 404, whether it does not exist or belongs to another workspace).
/// An API key reaches only its own instance (record read with the gateway's service token); a user reaches the
/// instances the Control Plane shows them with their own forwarded token, i.e. those of their workspaces.
/// Records are reused for <see cref="GatewayOptions.InstanceCacheDuration"/>; credits are checked on every run anyway.
/// </summary>
public sealed class InstanceDirectory(ControlPlaneClient controlPlane, ControlPlaneUserClient userControlPlane, InstanceDirectory.Cache cache)
{
    public Task<InstanceDto?> FindForCallerAsync(RunCaller caller, Guid instanceId)
    {
        if (caller.IsApiKey)
        {
            return caller.KeyInstanceId == instanceId
                ? cache.ById.GetOrAddAsync(instanceId, controlPlane,
                    static (id, cp) => cp.GetInstanceAsync(id, CancellationToken.None))
                : Task.FromResult<InstanceDto?>(null);
        }

        if (caller.Sub is null || caller.UserToken is null)
        {
            return Task.FromResult<InstanceDto?>(null);
        }

        // Keyed by user, not token: the answer depends on who asks; a fresh token of the same user gets the same answer.
        return cache.ByUser.GetOrAddAsync((caller.Sub, instanceId), (userControlPlane, caller.UserToken),
            static (key, state) => state.userControlPlane.GetInstanceAsync(state.UserToken, key.InstanceId, CancellationToken.None));
    }

    /// <summary>The process-wide cache behind the (per-request) directories.</summary>
    public sealed class Cache(IOptions<GatewayOptions> options, TimeProvider time) : IDisposable
    {
        public ShortLivedCache<Guid, InstanceDto?> ById { get; } =
            new(time, options.Value.InstanceCacheDuration, options.Value.InstanceCacheCapacity);

        public ShortLivedCache<(string Sub, Guid InstanceId), InstanceDto?> ByUser { get; } =
            new(time, options.Value.InstanceCacheDuration, options.Value.InstanceCacheCapacity);

        public void Dispose()
        {
            ById.Dispose();
            ByUser.Dispose();
        }
    }
}
