using System.Globalization;
using System.Security.Claims;

namespace Gsv.Gateway.Authentication;

/// <summary>Who asks for a run: a Keycloak user (their token is forwarded to the Control Plane) or an instance API key.</summary>
public sealed record RunCaller(string? Sub, string? UserToken, Guid? ApiKeyId, Guid? KeyInstanceId, Guid? KeyWorkspaceId)
{
    public const string ApiKeyIdClaim = "gsv:api_key_id";
    public const string InstanceIdClaim = "gsv:instance_id";
    public const string WorkspaceIdClaim = "gsv:workspace_id";

    public bool IsApiKey => ApiKeyId is not null;

    /// <summary>How run records name the caller: <c>api-key:{id}</c> or <c>user:{sub}</c>.</summary>
    public string Describe() => IsApiKey
        ? "api-key:" + ApiKeyId!.Value.ToString()
        : "user:" + Sub;

    public static RunCaller From(HttpContext context)
    {
        var user = context.User;
        if (user.FindFirst(ApiKeyIdClaim) is { } keyId)
        {
            return new RunCaller(null, null, Parse(keyId.Value), Parse(user.FindFirst(InstanceIdClaim)!.Value), Parse(user.FindFirst(WorkspaceIdClaim)!.Value));
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        return new RunCaller(user.FindFirst("sub")?.Value, token, null, null, null);
    }

    private static Guid Parse(string value) => Guid.Parse(value, CultureInfo.InvariantCulture);
}
