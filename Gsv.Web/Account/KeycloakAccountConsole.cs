using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Gsv.Web.Account;

/// <summary>
/// Keycloak's account console (<c>{issuer}/account</c>), where a user changes their name, email and password: the
/// issuer is the browser-facing one of the sign-in's discovery document, not the service-discovery back channel.
/// </summary>
public sealed partial class KeycloakAccountConsole(IOptionsMonitor<OpenIdConnectOptions> options, ILogger<KeycloakAccountConsole> logger)
{
    public async Task<string?> UrlAsync(CancellationToken cancellationToken)
    {
        var oidc = options.Get(OpenIdConnectDefaults.AuthenticationScheme);
        if (oidc.ConfigurationManager is null)
        {
            return null;
        }

        try
        {
            var configuration = await oidc.ConfigurationManager.GetConfigurationAsync(cancellationToken);
            return string.IsNullOrEmpty(configuration.Issuer) ? null : configuration.Issuer.TrimEnd('/') + "/account";
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException)
        {
            LogDiscoveryFailed(logger, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The sign-in service's discovery document could not be read for the account console link")]
    private static partial void LogDiscoveryFailed(ILogger logger, Exception exception);
}
