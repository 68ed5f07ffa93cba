using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// The Account REST API a signed-in user manages their own profile with (<c>/realms/{realm}/account</c>, used by the
/// account console): read the profile, update it. The realm's user profile decides what the user may change; an
/// attribute only administrators may edit (GSV's e-mail) is refused, as Keycloak's read-only validator does.
/// </summary>
public static class AccountEndpoints
{
    public static void MapKeycloakAccount(this WebApplication app)
    {
        app.MapGet("/realms/{realm}/account", GetAsync);
        app.MapPost("/realms/{realm}/account", UpdateAsync);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string realm, KeycloakRealms realms)
    {
        var (r, user, failure) = await AuthenticateAsync(context, realm, realms, "view-profile");
        return failure ?? Results.Json(Representation(user!, r!));
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, string realm, KeycloakRealms realms)
    {
        var (r, user, failure) = await AuthenticateAsync(context, realm, realms, "manage-account");
        if (failure is not null)
        {
            return failure;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return Results.Json(new { error = "unknown_error" }, statusCode: 400);
        }

        // A member left out of the body is unchanged (Keycloak treats an omitted attribute the same way).
        var email = body["email"]?.GetValue<string>()?.Trim().ToLowerInvariant();
        var firstName = body["firstName"]?.GetValue<string>();
        var lastName = body["lastName"]?.GetValue<string>();
        var changes = new (string Field, bool Changed)[]
        {
            ("email", email is not null && !string.Equals(email, user!.Email ?? "", StringComparison.Ordinal)),
            ("firstName", firstName is not null && firstName != (user!.FirstName ?? "")),
            ("lastName", lastName is not null && lastName != (user!.LastName ?? "")),
        };
        if (changes.FirstOrDefault(c => c.Changed && !r!.Profile.UserCanEdit(c.Field)) is { Field: not null } readOnly)
        {
            return FieldError(readOnly.Field, "updateReadOnlyAttributesRejectedMessage", 400);
        }

        if (changes[0].Changed && email!.Length > 0 && !System.Net.Mail.MailAddress.TryCreate(email, out _))
        {
            return FieldError("email", "invalidEmailMessage", 400);
        }

        lock (r!.UserLock)
        {
            if (changes[0].Changed)
            {
                if (email!.Length > 0 && r.FindByEmail(email) is { } other && other.Id != user!.Id)
                {
                    return FieldError("email", "emailExistsMessage", 409);
                }

                // A changed address is not verified yet.
                user!.Email = email.Length == 0 ? null : email;
                user.EmailVerified = false;
            }

            if (changes[1].Changed)
            {
                user!.FirstName = firstName;
            }

            if (changes[2].Changed)
            {
                user!.LastName = lastName;
            }
        }

        realms.UsersChanged(r);
        return Results.NoContent();
    }

    /// <summary>A bearer access token of the realm whose user holds the <c>account</c> client role needed.</summary>
    private static async Task<(Realm? Realm, RealmUser? User, IResult? Failure)> AuthenticateAsync(
        HttpContext context, string realm, KeycloakRealms realms, string accountRole)
    {
        if (!realms.TryGet(realm, out var r, out var keys))
        {
            return (null, null, OAuthErrors.RealmNotFound());
        }

        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? await TokenIssuer.ValidateAsync(header[7..].Trim(), keys, KeycloakRealms.Issuer(context.Request, r.Name))
            : null;
        if (token is null || !token.TryGetPayloadValue<string>("typ", out var typ) || typ != "Bearer"
            || !r.Users.TryGetValue(token.Subject, out var user) || !user.Enabled)
        {
            return (r, null, Results.Json(new { error = "HTTP 401 Unauthorized" }, statusCode: 401));
        }

        var roles = token.TryGetPayloadValue<JsonElement>("resource_access", out var access)
            && access.TryGetProperty("account", out var account) && account.TryGetProperty("roles", out var names)
                ? names.EnumerateArray().Select(n => n.GetString()).ToHashSet()
                : [];
        var allowed = roles.Contains(accountRole) || (accountRole == "view-profile" && roles.Contains("manage-account"));
        return allowed ? (r, user, null) : (r, null, Results.Json(new { error = "HTTP 403 Forbidden" }, statusCode: 403));
    }

    private static object Representation(RealmUser user, Realm realm) => new
    {
        id = user.Id,
        username = user.Username,
        firstName = user.FirstName,
        lastName = user.LastName,
        email = user.Email,
        emailVerified = user.EmailVerified,
        userProfileMetadata = new
        {
            attributes = new[] { "username", "email", "firstName", "lastName" }
                .Select(name => new { name, readOnly = !realm.Profile.UserCanEdit(name) }),
        },
    };

    private static IResult FieldError(string field, string message, int status) =>
        Results.Json(new { field, errorMessage = message, @params = new[] { field } }, statusCode: status);
}
