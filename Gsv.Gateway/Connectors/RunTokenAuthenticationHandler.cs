using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Connectors;

/// <summary>
/// Authenticates the MCP endpoint's callers: <c>Authorization: Bearer gsvrt_…</c>, a run token this gateway (or a
/// replica) minted. A missing, forged or expired token is a 401; the principal names the run's instance.
/// </summary>
public sealed class RunTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, RunTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "RunToken";
    public const string PolicyName = "mcp";
    public const string InstanceClaim = "gsv:instance";
    public const string WorkspaceClaim = "gsv:workspace";
    public const string RunClaim = "gsv:run";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (tokens.Validate(header["Bearer ".Length..].Trim()) is not { } grant)
        {
            return Task.FromResult(AuthenticateResult.Fail("The run token is not valid or has expired."));
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, $"run:{grant.RunId}"),
            new Claim(InstanceClaim, grant.InstanceId.ToString()),
            new Claim(WorkspaceClaim, grant.WorkspaceId.ToString()),
            new Claim(RunClaim, grant.RunId.ToString()),
        ], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"gsv-mcp\", error=\"invalid_token\"";
        return Task.CompletedTask;
    }

    /// <summary>The run an authenticated MCP caller's token is for.</summary>
    public static RunTokenGrant? GrantOf(ClaimsPrincipal? user) =>
        user?.FindFirstValue(InstanceClaim) is { } instance && Guid.TryParse(instance, out var instanceId)
        && Guid.TryParse(user.FindFirstValue(WorkspaceClaim), out var workspaceId) && Guid.TryParse(user.FindFirstValue(RunClaim), out var runId)
            ? new RunTokenGrant(instanceId, workspaceId, runId, default)
            : null;
}
