namespace Gsv.Emulators.Keycloak;

/// <summary>Keycloak's OAuth2 error body <c>{"error","error_description"}</c> with the status codes it uses.</summary>
public static class OAuthErrors
{
    public static IResult Error(int status, string error, string? description = null) =>
        Results.Json(description is null
            ? new Dictionary<string, string> { ["error"] = error }
            : new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);

    public static IResult InvalidClient() => Error(401, "invalid_client", "Invalid client or Invalid client credentials");

    public static IResult InvalidGrant(string description, int status = 400) => Error(status, "invalid_grant", description);

    public static IResult InvalidRequest(string description) => Error(400, "invalid_request", description);

    public static IResult RealmNotFound() => Results.Json(new { error = "Realm does not exist" }, statusCode: 404);

    /// <summary>Keycloak's bearer-token failures on userinfo: status, <c>WWW-Authenticate</c> and the JSON body.</summary>
    public static IResult BearerError(HttpContext context, string realm, int status, string error, string description)
    {
        context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{realm}\", error=\"{error}\", error_description=\"{description}\"";
        return Error(status, error, description);
    }
}
