using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Gsv.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Gsv.Web.Authentication;

/// <summary>What became of the session's tokens.</summary>
public enum TokenRefreshOutcome
{
    /// <summary>The access token is good for more than <see cref="AccessTokenRefresher.RefreshBefore"/>.</summary>
    Fresh,

    /// <summary>New tokens from Keycloak (refresh-token grant) are in the session.</summary>
    Refreshed,

    /// <summary>Keycloak refused the refresh (the SSO session ended, the user was disabled): the session must end.</summary>
    Refused,

    /// <summary>Keycloak could not be reached: the session keeps its tokens and the next request tries again.</summary>
    Unavailable,
}

/// <summary>
/// Keeps the cookie session's Keycloak access token usable: the pages call the Control Plane and the Gateway with it,
/// and it lives minutes (the realm's <c>accessTokenLifespan</c>) while the session lives as long as Keycloak's SSO
/// session. Shortly before it expires, it is exchanged with the refresh token (confidential client <c>gsv-web</c>);
/// when Keycloak refuses, the user is signed out and signs in again.
/// </summary>
public sealed partial class AccessTokenRefresher(
    IHttpClientFactory clients, IOptions<KeycloakOptions> keycloak, TimeProvider time, ILogger<AccessTokenRefresher> logger)
{
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(1);

    /// <summary>The cookie scheme's <c>OnValidatePrincipal</c>: renews the cookie with new tokens, or ends a refused session.</summary>
    public async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        switch (await RefreshAsync(context.Properties, context.HttpContext.RequestAborted))
        {
            case TokenRefreshOutcome.Refreshed:
                context.ShouldRenew = true;
                break;
            case TokenRefreshOutcome.Refused:
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                break;
        }
    }

    public async Task<TokenRefreshOutcome> RefreshAsync(AuthenticationProperties properties, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiresAt)
            && expiresAt - now > RefreshBefore)
        {
            return TokenRefreshOutcome.Fresh;
        }

        if (properties.GetTokenValue("refresh_token") is not { Length: > 0 } refreshToken)
        {
            return TokenRefreshOutcome.Refused;
        }

        var options = keycloak.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = options.ClientId ?? "",
                ["client_secret"] = options.ClientSecret ?? "",
            }),
        };

        TokenResponse? tokens;
        try
        {
            using var response = await clients.CreateClient(AuthenticationExtensions.KeycloakBackchannel).SendAsync(request, cancellationToken);
            if ((int)response.StatusCode is >= 400 and < 500)
            {
                LogRefreshRefused(logger, (int)response.StatusCode);
                return TokenRefreshOutcome.Refused;
            }

            response.EnsureSuccessStatusCode();
            tokens = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            LogRefreshUnavailable(logger, e);
            return TokenRefreshOutcome.Unavailable;
        }

        if (tokens?.AccessToken is not { Length: > 0 } accessToken)
        {
            return TokenRefreshOutcome.Unavailable;
        }

        var updated = properties.GetTokens().ToDictionary(t => t.Name, t => t.Value);
        updated["access_token"] = accessToken;
        updated["expires_at"] = now.AddSeconds(tokens.ExpiresIn).ToString("o", CultureInfo.InvariantCulture);
        if (tokens.RefreshToken is { Length: > 0 } rotated)
        {
            updated["refresh_token"] = rotated;
        }

        if (tokens.IdToken is { Length: > 0 } idToken)
        {
            updated["id_token"] = idToken;
        }

        properties.StoreTokens(updated.Select(t => new AuthenticationToken { Name = t.Key, Value = t.Value }));
        return TokenRefreshOutcome.Refreshed;
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("id_token")] string? IdToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Keycloak refused to refresh a session's tokens ({Status}): the user is signed out")]
    private static partial void LogRefreshRefused(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keycloak could not be reached to refresh a session's tokens")]
    private static partial void LogRefreshUnavailable(ILogger logger, Exception exception);
}
