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
    public Task<InstanceDto?> FindForCallerAsync(RunCaller caller, Guid instanceId) => caller switch
    {
        RunCaller.ApiKey key when key.InstanceId == instanceId =>
            cache.ById.GetOrAddAsync(instanceId, controlPlane, static (id, cp) => cp.GetInstanceAsync(id, CancellationToken.None)),
        // Keyed by user, not token: the answer depends on who asks; a fresh token of the same user gets the same answer.
        RunCaller.User user => cache.ByUser.GetOrAddAsync((user.Sub, instanceId), (userControlPlane, user.Token),
            static (key, state) => state.userControlPlane.GetInstanceAsync(state.Token, key.InstanceId, CancellationToken.None)),
        _ => Task.FromResult<InstanceDto?>(null),
    };

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
