using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gsv.ServiceDefaults.Authentication;

public static class ServiceAccountTokenExtensions
{
    /// <summary>Calls made through this client carry the service's client-credentials token (cached until near expiry).</summary>
    public static IHttpClientBuilder AddServiceAccountToken(this IHttpClientBuilder http)
    {
        http.Services.AddOptions<KeycloakOptions>().BindConfiguration(KeycloakOptions.SectionName);
        http.Services.AddHttpClient(AuthenticationExtensions.KeycloakBackchannel);
        http.Services.TryAddSingleton(TimeProvider.System);
        http.Services.TryAddSingleton<ServiceAccountTokenProvider>();
        http.Services.TryAddTransient<ServiceAccountTokenHandler>();
        return http.AddHttpMessageHandler<ServiceAccountTokenHandler>();
    }
}
