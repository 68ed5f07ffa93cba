using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// Reads a Keycloak realm-import file the way <c>--import-realm</c> does: <c>${VAR}</c> / <c>${VAR:default}</c>
/// replaced from the environment (left as written when unset), then realm, roles, clients and users created.
/// </summary>
public static partial class RealmImport
{
    /// <summary>Built-in client roles every realm has on the <c>account</c> client (the default role points at two).</summary>
    private static readonly string[] AccountRoles = ["manage-account", "manage-account-links", "view-profile", "view-applications", "view-consent", "manage-consent", "delete-account", "view-groups"];

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?\}")]
    private static partial Regex Placeholder();

    public static string Substitute(string text, Func<string, string?> environment) =>
        Placeholder().Replace(text, match =>
        {
            var value = environment(match.Groups[1].Value) ?? (match.Groups[2].Success ? match.Groups[2].Value : null);
            // Placeholders sit inside JSON strings: keep the document valid whatever the value holds.
            return value is null ? match.Value : JsonEncodedText.Encode(value).ToString();
        });

    public static Realm Load(string path, Func<string, string?> environment)
    {
        var json = JsonNode.Parse(Substitute(File.ReadAllText(path), environment))?.AsObject()
            ?? throw new InvalidDataException($"Realm file {path} is empty.");

        var realm = new Realm
        {
            Name = Required(json, "realm"),
            AccessTokenLifespan = Int(json, "accessTokenLifespan") ?? 300,
            SsoSessionIdleTimeout = Int(json, "ssoSessionIdleTimeout") ?? 1800,
            AccessCodeLifespan = Int(json, "accessCodeLifespan") ?? 60,
            AccessCodeLifespanLogin = Int(json, "accessCodeLifespanLogin") ?? 1800,
            LoginWithEmailAllowed = Bool(json, "loginWithEmailAllowed") ?? true,
            DefaultRoleName = json["defaultRole"]?["name"]?.GetValue<string>() ?? $"default-roles-{Required(json, "realm")}",
            Profile = UserProfile.FromRealm(json),
        };

        AddBuiltInClients(realm);
        foreach (var node in Array(json["clients"]))
        {
            var client = ReadClient(node!.AsObject());
            realm.Clients[client.ClientId] = client;
        }

        foreach (var node in Array(json["roles"]?["realm"]))
        {
            var role = ReadRole(node!.AsObject(), clientId: null);
            realm.Roles[role.Name] = role;
        }

        if (json["roles"]?["client"] is JsonObject clientRoles)
        {
            foreach (var (clientId, roles) in clientRoles)
            {
                if (realm.Clients.TryGetValue(clientId, out var client))
                {
                    foreach (var node in Array(roles))
                    {
                        var role = ReadRole(node!.AsObject(), clientId);
                        client.Roles[role.Name] = role;
                    }
                }
            }
        }

        // Keycloak creates the default composite role when the file does not define it.
        if (!realm.Roles.ContainsKey(realm.DefaultRoleName))
        {
            var role = new RealmRole { Name = realm.DefaultRoleName, Description = "${role_default-roles}" };
            role.RealmComposites.AddRange(["offline_access", "uma_authorization"]);
            role.ClientComposites["account"] = ["view-profile", "manage-account"];
            realm.Roles[role.Name] = role;
        }

        foreach (var builtIn in new[] { "offline_access", "uma_authorization" })
        {
            realm.Roles.TryAdd(builtIn, new RealmRole { Name = builtIn });
        }

        foreach (var node in Array(json["users"]))
        {
            var user = ReadUser(node!.AsObject(), realm.Name);
            realm.Users[user.Id] = user;
            realm.ImportedUserIds.Add(user.Id);
        }

        // Every service-account client has its user, whether or not the file lists it.
        foreach (var client in realm.Clients.Values.Where(c => c.ServiceAccountsEnabled && realm.ServiceAccountOf(c) is null))
        {
            var username = $"service-account-{client.ClientId}";
            var user = new RealmUser { Id = StableUserId(realm.Name, username), Username = username, ServiceAccountClientId = client.ClientId };
            user.RealmRoles[realm.DefaultRoleName] = 0;
            realm.Users[user.Id] = user;
            realm.ImportedUserIds.Add(user.Id);
        }

        return realm;
    }

    /// <summary>The master realm with the bootstrap administrator (KC_BOOTSTRAP_ADMIN_USERNAME/PASSWORD).</summary>
    public static Realm Master(string adminUsername, string? adminPassword)
    {
        var realm = new Realm { Name = "master", AccessTokenLifespan = 60, DefaultRoleName = "default-roles-master" };
        AddBuiltInClients(realm);
        foreach (var name in new[] { "admin", "create-realm", "offline_access", "uma_authorization" })
        {
            realm.Roles[name] = new RealmRole { Name = name };
        }

        var defaultRole = new RealmRole { Name = realm.DefaultRoleName };
        defaultRole.RealmComposites.AddRange(["offline_access", "uma_authorization"]);
        defaultRole.ClientComposites["account"] = ["view-profile", "manage-account"];
        realm.Roles[defaultRole.Name] = defaultRole;

        if (!string.IsNullOrEmpty(adminPassword))
        {
            var admin = new RealmUser { Username = adminUsername.ToLowerInvariant(), Password = PasswordCredential.Create(adminPassword) };
            admin.RealmRoles["admin"] = 0;
            admin.RealmRoles["create-realm"] = 0;
            admin.RealmRoles[realm.DefaultRoleName] = 0;
            realm.Users[admin.Id] = admin;
        }

        return realm;
    }

    private static void AddBuiltInClients(Realm realm)
    {
        var account = new RealmClient { ClientId = "account", PublicClient = true, StandardFlowEnabled = true };
        foreach (var name in AccountRoles)
        {
            account.Roles[name] = new RealmRole { Name = name, ClientId = "account" };
        }

        account.Roles["manage-account"].ClientComposites["account"] = ["manage-account-links"];
        realm.Clients[account.ClientId] = account;
        realm.Clients["admin-cli"] = new RealmClient { ClientId = "admin-cli", PublicClient = true, StandardFlowEnabled = false, DirectAccessGrantsEnabled = true };
    }

    private static RealmClient ReadClient(JsonObject node)
    {
        var attributes = node["attributes"] as JsonObject;
        var redirectUris = Strings(node["redirectUris"]);
        var postLogout = attributes?["post.logout.redirect.uris"]?.GetValue<string>() is { } uris
            ? uris.Split("##", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : [];
        if (postLogout.Remove("+"))
        {
            postLogout.AddRange(redirectUris);
        }

        var audiences = Array(node["protocolMappers"])
            .Where(m => m?["protocolMapper"]?.GetValue<string>() == "oidc-audience-mapper"
                && m["config"]?["access.token.claim"]?.GetValue<string>() != "false")
            .Select(m => m!["config"]?["included.custom.audience"]?.GetValue<string>() ?? m["config"]?["included.client.audience"]?.GetValue<string>())
            .OfType<string>()
            .ToList();

        var bearerOnly = Bool(node, "bearerOnly") ?? false;
        return new RealmClient
        {
            Id = node["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString(),
            ClientId = Required(node, "clientId"),
            Secret = node["secret"]?.GetValue<string>(),
            Enabled = Bool(node, "enabled") ?? true,
            PublicClient = Bool(node, "publicClient") ?? false,
            BearerOnly = bearerOnly,
            StandardFlowEnabled = Bool(node, "standardFlowEnabled") ?? true,
            DirectAccessGrantsEnabled = Bool(node, "directAccessGrantsEnabled") ?? false,
            ServiceAccountsEnabled = Bool(node, "serviceAccountsEnabled") ?? false,
            RedirectUris = redirectUris,
            WebOrigins = Strings(node["webOrigins"]),
            PostLogoutRedirectUris = postLogout,
            PkceMethod = attributes?["pkce.code.challenge.method"]?.GetValue<string>() is { Length: > 0 } method ? method : null,
            Audiences = audiences,
        };
    }

    private static RealmRole ReadRole(JsonObject node, string? clientId)
    {
        var role = new RealmRole
        {
            Id = node["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString(),
            Name = Required(node, "name"),
            Description = node["description"]?.GetValue<string>(),
            ClientId = clientId,
        };
        if (node["composites"] is JsonObject composites)
        {
            role.RealmComposites.AddRange(Strings(composites["realm"]));
            if (composites["client"] is JsonObject clients)
            {
                foreach (var (client, names) in clients)
                {
                    role.ClientComposites[client] = Strings(names);
                }
            }
        }

        return role;
    }

    /// <summary>
    /// The id of an imported user the file gives none: derived from realm and username, so it is the same at every
    /// start (Keycloak draws one once and keeps it in its database; the emulator re-imports the file each time).
    /// </summary>
    public static string StableUserId(string realm, string username)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{realm}/{username}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5 layout (name-based)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static RealmUser ReadUser(JsonObject node, string realm)
    {
        var username = Required(node, "username").ToLowerInvariant();
        var user = new RealmUser
        {
            Id = node["id"]?.GetValue<string>() ?? StableUserId(realm, username),
            Username = username,
            Email = node["email"]?.GetValue<string>()?.ToLowerInvariant(),
            FirstName = node["firstName"]?.GetValue<string>(),
            LastName = node["lastName"]?.GetValue<string>(),
            Enabled = Bool(node, "enabled") ?? false,
            EmailVerified = Bool(node, "emailVerified") ?? false,
            ServiceAccountClientId = node["serviceAccountClientId"]?.GetValue<string>(),
            RequiredActions = Strings(node["requiredActions"]),
        };

        var password = Array(node["credentials"]).FirstOrDefault(c => c?["type"]?.GetValue<string>() == "password");
        if (password?["value"]?.GetValue<string>() is { } value)
        {
            user.Password = PasswordCredential.Create(value, Bool(password.AsObject(), "temporary") ?? false);
        }

        // Import assigns exactly the listed realm roles (the default role only when listed, as in Keycloak).
        foreach (var role in Strings(node["realmRoles"]))
        {
            user.RealmRoles[role] = 0;
        }

        if (node["clientRoles"] is JsonObject clientRoles)
        {
            foreach (var (clientId, names) in clientRoles)
            {
                var set = user.ClientRoles.GetOrAdd(clientId, _ => new(StringComparer.Ordinal));
                Strings(names).ForEach(n => set[n] = 0);
            }
        }

        if (node["attributes"] is JsonObject attributes)
        {
            user.Attributes = attributes.ToDictionary(a => a.Key, a => Strings(a.Value), StringComparer.Ordinal);
        }

        return user;
    }

    private static string Required(JsonObject node, string name) =>
        node[name]?.GetValue<string>() is { Length: > 0 } value ? value : throw new InvalidDataException($"Realm file: '{name}' is required.");

    private static int? Int(JsonObject node, string name) => node[name]?.GetValue<int>();

    private static bool? Bool(JsonObject node, string name) => node[name]?.GetValue<bool>();

    private static IEnumerable<JsonNode?> Array(JsonNode? node) => node as JsonArray ?? [];

    private static List<string> Strings(JsonNode? node) => Array(node).Select(n => n!.GetValue<string>()).ToList();
}
