using System.Globalization;
using Gsv.ControlPlane.Client;
using Gsv.ServiceDefaults.Problems;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Authentication;

/// <summary>
/// Authenticates an instance API key sent as <c>X-Api-Key: gsv_…</c> or <c>Authorization: Bearer gsv_…</c>; the
/// principal carries the key's id, instance and workspace (see <see cref="RunCaller"/>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyResolver resolver)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    private const string ThrottledItem = "gsv:api_key_lookup_throttled";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        ResolvedApiKey? resolved;
        try
        {
            resolved = await resolver.ResolveAsync(key, Context.Connection.RemoteIpAddress);
        }
        catch (ApiKeyLookupThrottledException throttled)
        {
            // Answered 429 by the challenge, before any Control Plane call.
            Context.Items[ThrottledItem] = throttled.RetryAfter;
            return AuthenticateResult.Fail(throttled.Message);
        }

        if (resolved is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(RunCaller.ApiKeyIdClaim, resolved.ApiKeyId.ToString()),
            new Claim(RunCaller.InstanceIdClaim, resolved.InstanceId.ToString()),
            new Claim(RunCaller.WorkspaceIdClaim, resolved.WorkspaceId.ToString()),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledItem] is TimeSpan retryAfter)
        {
            var seconds = (long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await GsvProblems.Problem(GsvProblems.RateLimited, StatusCodes.Status429TooManyRequests, "Too many API key lookups",
                $"This address looked up too many unknown API keys; retry in {seconds} s.").ExecuteAsync(Context);
            return;
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        await base.HandleChallengeAsync(properties);
    }

    /// <summary>The API key of the request, if it carries one rather than a Keycloak token.</summary>
    public static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count > 0 && !string.IsNullOrEmpty(header[0]))
        {
            return header[0];
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer " + ApiKeys.Prefix, StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : null;
    }
}
