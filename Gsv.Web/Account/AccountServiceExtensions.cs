using Microsoft.Extensions.Http.Resilience;

namespace Gsv.Web.Account;

public static class AccountServiceExtensions
{
    /// <summary>The account pages' Gateway client: runs on behalf of the signed-in user.</summary>
    public static IServiceCollection AddGsvAccount(this IServiceCollection services)
    {
        // A run is not retried (it charges credits; the idempotency key makes a resubmitted form a replay instead), and
        // its stream lasts as long as the Gateway lets the runtime answer: the Gateway's timeout bounds it, not this client's.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental
        services.AddHttpClient<GatewayRunClient>(http =>
            {
                http.BaseAddress = new Uri(GatewayRunClient.BaseAddress);
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddSingleton<KeycloakAccountConsole>();
        services.AddSingleton<ConnectorDrafts>();
        return services;
    }
}
