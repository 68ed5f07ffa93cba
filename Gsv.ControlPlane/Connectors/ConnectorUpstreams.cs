using System.Net;
using Microsoft.Extensions.Options;

namespace Gsv.ControlPlane.Connectors;

/// <summary>
/// Runs a connector's call with the connectors' HTTP client (public networks only unless allowed, no request logging,
/// no retries: a tool call is not idempotent) and its timeout; an unreachable or refused upstream becomes an error result.
/// </summary>
public sealed class ConnectorUpstreams(IHttpClientFactory clients, IOptions<ConnectorOptions> options)
{
    public const string HttpClientName = "connectors";

    public async Task<ToolResult> RunAsync(Func<HttpClient, Task<ToolResult>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            return await call(clients.CreateClient(HttpClientName)).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ToolResult(true, $"The upstream did not answer within {options.Value.Timeout.TotalSeconds:0} s.", null);
        }
        catch (HttpRequestException exception)
        {
            return new ToolResult(true, $"The upstream could not be reached: {exception.Message}", exception.StatusCode is { } status ? (int)status : null);
        }
    }

    /// <summary>The connectors' HTTP client: its own connection policy and timeout, and no logging of requests or headers.</summary>
    public static void AddHttpClient(IServiceCollection services)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var allowPrivate = provider.GetRequiredService<IOptions<ConnectorOptions>>().Value.AllowPrivateNetworks;
                return new SocketsHttpHandler
                {
                    ConnectCallback = (context, token) => UpstreamNetworkPolicy.ConnectAsync(context, allowPrivate, token),
                    AllowAutoRedirect = false,
                    AutomaticDecompression = DecompressionMethods.All,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                };
            })
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers()
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
#pragma warning restore EXTEXP0001
    }
}
