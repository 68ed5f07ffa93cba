namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// Local mode's service-to-service traffic without DCP's proxy. By default DCP puts a TCP proxy in front of every
/// endpoint, so each call between two services crosses a third process; on a 2-core machine that proxy cost about
/// 0.1 ms of CPU per request per hop (the benchmark's per-process CPU figures), more than a service's own handling of
/// a cached lookup. A proxyless endpoint listens on a port the AppHost allocates at each start, and service discovery
/// hands callers that address. Containers mode keeps the proxies: containers reach the host's services through them.
/// </summary>
public static class DirectEndpointExtensions
{
    /// <summary>
    /// Makes the endpoints <paramref name="resource"/> has so far proxyless, on a port allocated at start (a launch
    /// profile's fixed port is dropped, so a dev run and a test run side by side do not fight over it). For what
    /// services call; what a browser opens (the Web front end, Keycloak's login pages) keeps its proxied address.
    /// </summary>
    public static IResourceBuilder<T> WithDirectEndpoints<T>(this IResourceBuilder<T> resource, InfrastructureMode mode)
        where T : IResourceWithEndpoints
    {
        if (mode != InfrastructureMode.Local || !resource.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return resource;
        }

        foreach (var endpoint in resource.Resource.Annotations.OfType<EndpointAnnotation>())
        {
            endpoint.IsProxied = false;
            endpoint.Port = null;
        }

        return resource;
    }
}
