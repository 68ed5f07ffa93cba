using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gsv.ServiceDefaults.Authentication;

/// <summary>
/// Client-credentials tokens for this service's own Keycloak client, cached until shortly before they expire.
/// </summary>
public sealed partial class ServiceAccountTokenProvider(
    IHttpClientFactory clients, IOptions<KeycloakOptions> options, TimeProvider time, ILogger<ServiceAccountTokenProvider> logger)
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim refresh = new(1, 1);
    private string? token;
    private DateTimeOffset expiresAt;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (token is not null && time.GetUtcNow() < expiresAt)
        {
            return token;
        }

        await refresh.WaitAsync(cancellationToken);
        try
        {
            if (token is not null && time.GetUtcNow() < expiresAt)
            {
                return token;
            }

            var keycloak = options.Value;
            if (string.IsNullOrEmpty(keycloak.ClientId) || string.IsNullOrEmpty(keycloak.ClientSecret))
            {
                throw new InvalidOperationException("Keycloak:ClientId and Keycloak:ClientSecret are required to call other services.");
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, keycloak.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = keycloak.ClientId,
                    ["client_secret"] = keycloak.ClientSecret,
                }),
            };
            using var response = await clients.CreateClient(AuthenticationExtensions.KeycloakBackchannel).SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new HttpRequestException($"Keycloak refused client credentials for '{keycloak.ClientId}': {(int)response.StatusCode} {body}");
            }

            var result = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new HttpRequestException("Keycloak returned an empty token response.");
            token = result.AccessToken;
            var lifetime = TimeSpan.FromSeconds(Math.Max(result.ExpiresIn, 1));
            expiresAt = time.GetUtcNow() + (lifetime > RefreshMargin * 2 ? lifetime - RefreshMargin : lifetime / 2);
            LogTokenObtained(logger, keycloak.ClientId, result.ExpiresIn);
            return token;
        }
        finally
        {
            refresh.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Obtained a service token for {ClientId}, valid {ExpiresIn} s")]
    private static partial void LogTokenObtained(ILogger logger, string clientId, int expiresIn);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>Adds this service's client-credentials token to outgoing requests.</summary>
public sealed class ServiceAccountTokenHandler(ServiceAccountTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new("Bearer", await tokens.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
