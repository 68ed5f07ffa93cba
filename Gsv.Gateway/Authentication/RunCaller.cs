using System.Globalization;
using System.Security.Claims;

namespace Gsv.Gateway.Authentication;

/// <summary>Who asks for a run: an instance API key, or a Keycloak user (whose token is forwarded to the Control Plane).</summary>
public abstract record RunCaller
{
    public const string ApiKeyIdClaim = "gsv:api_key_id";
    public const string InstanceIdClaim = "gsv:instance_id";
    public const string WorkspaceIdClaim = "gsv:workspace_id";

    private RunCaller()
    {
    }

    /// <summary>How run records name the caller: <c>api-key:{id}</c> or <c>user:{sub}</c>.</summary>
    public abstract string Describe();

    public static RunCaller From(HttpContext context)
    {
        var user = context.User;
        if (user.FindFirst(ApiKeyIdClaim) is { } keyId)
        {
            return new ApiKey(Parse(keyId.Value), Parse(user.FindFirst(InstanceIdClaim)!.Value), Parse(user.FindFirst(WorkspaceIdClaim)!.Value));
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        return user.FindFirst("sub")?.Value is { Length: > 0 } sub && !string.IsNullOrEmpty(token) ? new User(sub, token) : new Unidentified();
    }

    private static Guid Parse(string value) => Guid.Parse(value, CultureInfo.InvariantCulture);

    /// <summary>An instance API key: it runs its own instance only.</summary>
    public sealed record ApiKey(Guid KeyId, Guid InstanceId, Guid WorkspaceId) : RunCaller
    {
        public override string Describe() => "api-key:" + KeyId.ToString();
    }

    /// <summary>A user, seeing what the Control Plane shows their token.</summary>
    public sealed record User(string Sub, string Token) : RunCaller
    {
        public override string Describe() => "user:" + Sub;
    }

    /// <summary>An authenticated principal without a subject or a bearer token: it sees nothing.</summary>
    public sealed record Unidentified : RunCaller
    {
        public override string Describe() => "unidentified";
    }
}
