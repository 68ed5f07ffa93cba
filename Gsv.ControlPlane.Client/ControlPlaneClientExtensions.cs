using Gsv.ServiceDefaults.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Gsv.ControlPlane.Client;

public static class ControlPlaneClientExtensions
{
    /// <summary>The Aspire resource name (service discovery) of the Control Plane.</summary>
    public const string BaseAddress = "https+http://controlplane";

    /// <summary>
    /// Registers <see cref="ControlPlaneClient"/> (internal API, this service's client-credentials token) and
    /// <see cref="ControlPlaneUserClient"/> (public API, the caller's forwarded user token).
    /// </summary>
    public static IServiceCollection AddControlPlaneClient(this IServiceCollection services)
    {
        services.AddHttpClient<ControlPlaneClient>(http => http.BaseAddress = new Uri(BaseAddress)).AddServiceAccountToken();
        services.AddHttpClient<ControlPlaneUserClient>(http => http.BaseAddress = new Uri(BaseAddress));
        return services;
    }

    /// <summary>Registers <see cref="SellerClient"/> (the Provisioner's seller API, the caller's forwarded user token).</summary>
    public static IServiceCollection AddSellerClient(this IServiceCollection services)
    {
        services.AddHttpClient<SellerClient>(http => http.BaseAddress = new Uri(SellerClient.BaseAddress));
        return services;
    }
}
