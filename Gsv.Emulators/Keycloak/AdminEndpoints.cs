using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// The Admin REST calls GSV provisions users with (<c>/admin/realms/{realm}/...</c>), authorised by an access token of
/// the master realm carrying its <c>admin</c> role, as the bootstrap administrator's admin-cli token does.
/// </summary>
public static class AdminEndpoints
{
    public static void MapKeycloakAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/admin/realms/{realm}").AddEndpointFilter(RequireAdminAsync);
        admin.MapPost("/users", CreateUserAsync);
        admin.MapGet("/users", FindUsers);
        admin.MapGet("/users/count", (string realm, KeycloakRealms realms) =>
            realms.TryGet(realm, out var r, out _) ? Results.Json(r.Users.Values.Count(u => u.ServiceAccountClientId is null)) : NotFound("Realm not found."));
        admin.MapGet("/users/{id}", (string realm, string id, KeycloakRealms realms) =>
            realms.TryGet(realm, out var r, out _) && r.Users.TryGetValue(id, out var user) ? Results.Json(Representation(user)) : NotFound("User not found"));
        admin.MapDelete("/users/{id}", (string realm, string id, KeycloakRealms realms) =>
        {
            if (!realms.TryGet(realm, out var r, out _) || !r.Users.TryRemove(id, out _))
            {
                return NotFound("User not found");
            }

            realms.UsersChanged(r);
            return Results.NoContent();
        });
        admin.MapPut("/users/{id}/reset-password", ResetPasswordAsync);
        admin.MapGet("/roles", (string realm, KeycloakRealms realms) =>
            realms.TryGet(realm, out var r, out _) ? Results.Json(r.Roles.Values.Select(Representation)) : NotFound("Realm not found."));
        admin.MapGet("/roles/{name}", (string realm, string name, KeycloakRealms realms) =>
            realms.TryGet(realm, out var r, out _) && r.Roles.TryGetValue(name, out var role) ? Results.Json(Representation(role)) : NotFound("Could not find role"));
        admin.MapGet("/users/{id}/role-mappings/realm", (string realm, string id, KeycloakRealms realms) =>
            realms.TryGet(realm, out var r, out _) && r.Users.TryGetValue(id, out var user)
                ? Results.Json(user.RealmRoles.Keys.Where(r.Roles.ContainsKey).Select(n => Representation(r.Roles[n])))
                : NotFound("User not found"));
        admin.MapPost("/users/{id}/role-mappings/realm", (string realm, string id, KeycloakRealms realms, HttpRequest request) => ChangeRolesAsync(realm, id, realms, request, add: true));
        admin.MapDelete("/users/{id}/role-mappings/realm", (string realm, string id, KeycloakRealms realms, HttpRequest request) => ChangeRolesAsync(realm, id, realms, request, add: false));
    }

    private static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var realms = http.RequestServices.GetRequiredService<KeycloakRealms>();
        realms.TryGet("master", out _, out var masterKeys);
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? await TokenIssuer.ValidateAsync(header[7..].Trim(), masterKeys, KeycloakRealms.Issuer(http.Request, "master"))
            : null;
        if (token is null)
        {
            return Results.Json(new { error = "HTTP 401 Unauthorized" }, statusCode: 401);
        }

        var isAdmin = token.TryGetPayloadValue<JsonElement>("realm_access", out var access)
            && access.TryGetProperty("roles", out var roles)
            && roles.EnumerateArray().Any(r => r.GetString() == "admin");
        if (!isAdmin)
        {
            return Results.Json(new { error = "HTTP 403 Forbidden" }, statusCode: 403);
        }

        var realm = http.GetRouteValue("realm") as string ?? "";
        return realms.TryGet(realm, out _, out _) ? await next(context) : NotFound("Realm not found.");
    }

    private static async Task<IResult> CreateUserAsync(string realm, KeycloakRealms realms, HttpRequest request)
    {
        realms.TryGet(realm, out var r, out _);
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return Results.Json(new { error = "unknown_error" }, statusCode: 400);
        }

        var username = (body["username"]?.GetValue<string>() ?? "").Trim().ToLowerInvariant();
        var email = body["email"]?.GetValue<string>()?.Trim().ToLowerInvariant();
        if (username.Length == 0)
        {
            return FieldError("username", "error-user-attribute-required");
        }

        if (email is { Length: > 0 } && !System.Net.Mail.MailAddress.TryCreate(email, out _))
        {
            return FieldError("email", "error-invalid-email");
        }

        var user = new RealmUser
        {
            Username = username,
            Email = string.IsNullOrEmpty(email) ? null : email,
            FirstName = body["firstName"]?.GetValue<string>(),
            LastName = body["lastName"]?.GetValue<string>(),
            Enabled = body["enabled"]?.GetValue<bool>() ?? false,
            EmailVerified = body["emailVerified"]?.GetValue<bool>() ?? false,
            RequiredActions = (body["requiredActions"] as JsonArray ?? []).Select(a => a!.GetValue<string>()).ToList(),
        };
        var password = (body["credentials"] as JsonArray ?? []).FirstOrDefault(c => c?["type"]?.GetValue<string>() == "password");
        if (password?["value"]?.GetValue<string>() is { } value)
        {
            user.Password = PasswordCredential.Create(value, password["temporary"]?.GetValue<bool>() ?? false);
        }

        // New users get the realm's default role; realmRoles/clientRoles in this body are ignored, as in Keycloak.
        user.RealmRoles[r.DefaultRoleName] = 0;
        lock (r.UserLock)
        {
            if (r.FindByUsername(username) is not null)
            {
                return Results.Json(new { errorMessage = "User exists with same username" }, statusCode: 409);
            }

            if (user.Email is not null && r.FindByEmail(user.Email) is not null)
            {
                return Results.Json(new { errorMessage = "User exists with same email" }, statusCode: 409);
            }

            r.Users[user.Id] = user;
        }

        realms.UsersChanged(r);
        return Results.Created($"{KeycloakRealms.Origin(request)}/admin/realms/{realm}/users/{user.Id}", null);
    }

    private static IResult FindUsers(string realm, KeycloakRealms realms, string? email, string? username, string? search, bool? exact, int? first, int? max)
    {
        realms.TryGet(realm, out var r, out _);
        bool Matches(string? value, string? wanted) =>
            wanted is null || (value is not null && (exact == true
                ? string.Equals(value, wanted, StringComparison.OrdinalIgnoreCase)
                : value.Contains(wanted, StringComparison.OrdinalIgnoreCase)));

        var users = r.Users.Values
            .Where(u => u.ServiceAccountClientId is null)
            .Where(u => Matches(u.Email, email) && Matches(u.Username, username))
            .Where(u => search is null || new[] { u.Username, u.Email, u.FirstName, u.LastName }.Any(v => v?.Contains(search.Trim('*'), StringComparison.OrdinalIgnoreCase) == true))
            .OrderBy(u => u.Username, StringComparer.Ordinal)
            .Skip(first ?? 0)
            .Take(max ?? 100)
            .Select(Representation);
        return Results.Json(users);
    }

    private static async Task<IResult> ResetPasswordAsync(string realm, string id, KeycloakRealms realms, HttpRequest request)
    {
        realms.TryGet(realm, out var r, out _);
        if (!r.Users.TryGetValue(id, out var user))
        {
            return NotFound("User not found");
        }

        var body = await JsonNode.ParseAsync(request.Body);
        if (body?["value"]?.GetValue<string>() is not { Length: > 0 } value)
        {
            return Results.Json(new { error = "missingCredentialsMessage" }, statusCode: 400);
        }

        user.Password = PasswordCredential.Create(value, body["temporary"]?.GetValue<bool>() ?? true);
        realms.UsersChanged(r);
        return Results.NoContent();
    }

    private static async Task<IResult> ChangeRolesAsync(string realm, string id, KeycloakRealms realms, HttpRequest request, bool add)
    {
        realms.TryGet(realm, out var r, out _);
        if (!r.Users.TryGetValue(id, out var user))
        {
            return NotFound("User not found");
        }

        var roles = await JsonNode.ParseAsync(request.Body) as JsonArray;
        var names = new List<string>();
        foreach (var role in roles ?? [])
        {
            var name = role?["name"]?.GetValue<string>();
            var roleId = role?["id"]?.GetValue<string>();
            var found = r.Roles.Values.FirstOrDefault(x => (roleId is not null && x.Id == roleId) || (roleId is null && x.Name == name));
            if (found is null)
            {
                return NotFound("Role not found");
            }

            names.Add(found.Name);
        }

        foreach (var name in names)
        {
            if (add)
            {
                user.RealmRoles[name] = 0;
            }
            else
            {
                user.RealmRoles.TryRemove(name, out _);
            }
        }

        realms.UsersChanged(r);
        return Results.NoContent();
    }

    private static IResult NotFound(string error) => Results.Json(new { error }, statusCode: 404);

    private static IResult FieldError(string field, string message) =>
        Results.Json(new { field, errorMessage = message, @params = new[] { field } }, statusCode: 400);

    private static object Representation(RealmUser user) => new
    {
        id = user.Id,
        username = user.Username,
        firstName = user.FirstName,
        lastName = user.LastName,
        email = user.Email,
        emailVerified = user.EmailVerified,
        createdTimestamp = user.CreatedTimestamp,
        enabled = user.Enabled,
        totp = false,
        disableableCredentialTypes = Array.Empty<string>(),
        requiredActions = user.RequiredActions,
        notBefore = 0,
        access = new { manage = true },
    };

    private static object Representation(RealmRole role) => new
    {
        id = role.Id,
        name = role.Name,
        description = role.Description,
        composite = role.Composite,
        clientRole = role.ClientId is not null,
        containerId = role.ClientId ?? "gsv",
    };
}
