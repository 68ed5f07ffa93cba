using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Gsv.Emulators.Keycloak;

/// <summary>A realm or client role; composites name other realm roles and client roles (clientId → names).</summary>
public sealed class RealmRole
{
    public string Id { get; init; } = Guid.NewGuid().ToString();
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? ClientId { get; init; }
    public List<string> RealmComposites { get; } = [];
    public Dictionary<string, List<string>> ClientComposites { get; } = new(StringComparer.Ordinal);
    public bool Composite => RealmComposites.Count > 0 || ClientComposites.Count > 0;
}

public sealed class RealmClient
{
    public string Id { get; init; } = Guid.NewGuid().ToString();
    public required string ClientId { get; init; }
    public string? Secret { get; init; }
    public bool Enabled { get; init; } = true;
    public bool PublicClient { get; init; }
    public bool BearerOnly { get; init; }
    public bool StandardFlowEnabled { get; init; } = true;
    public bool DirectAccessGrantsEnabled { get; init; }
    public bool ServiceAccountsEnabled { get; init; }
    public List<string> RedirectUris { get; init; } = [];
    public List<string> WebOrigins { get; init; } = [];
    public List<string> PostLogoutRedirectUris { get; init; } = [];
    public string? PkceMethod { get; init; }

    /// <summary>Values added to <c>aud</c> by this client's <c>oidc-audience-mapper</c>s (access token).</summary>
    public List<string> Audiences { get; init; } = [];
    public Dictionary<string, RealmRole> Roles { get; } = new(StringComparer.Ordinal);

    public bool IsConfidential => !PublicClient && !BearerOnly;
}

public sealed class RealmUser
{
    public string Id { get; init; } = Guid.NewGuid().ToString();
    public required string Username { get; set; }
    public string? Email { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public bool Enabled { get; set; } = true;
    public bool EmailVerified { get; set; }
    public long CreatedTimestamp { get; init; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public string? ServiceAccountClientId { get; init; }
    public PasswordCredential? Password { get; set; }
    public List<string> RequiredActions { get; set; } = [];
    public ConcurrentDictionary<string, byte> RealmRoles { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> ClientRoles { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<string>> Attributes { get; set; } = new(StringComparer.Ordinal);

    public string? FullName => string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrEmpty(n))) is { Length: > 0 } name ? name : null;
}

/// <summary>A salted PBKDF2 hash, as Keycloak stores passwords (clear-text import values are hashed on load).</summary>
public sealed class PasswordCredential
{
    private const int Iterations = 27_500;
    public string Id { get; } = Guid.NewGuid().ToString();
    public bool Temporary { get; init; }
    private readonly byte[] salt;
    private readonly byte[] hash;

    private PasswordCredential(byte[] salt, byte[] hash, bool temporary)
    {
        this.salt = salt;
        this.hash = hash;
        Temporary = temporary;
    }

    /// <summary>The stored form (salt and hash, never the password), as Keycloak keeps it in its database.</summary>
    public StoredPassword ToStored() => new(Convert.ToBase64String(salt), Convert.ToBase64String(hash), Temporary);

    public static PasswordCredential FromStored(StoredPassword stored) =>
        new(Convert.FromBase64String(stored.Salt), Convert.FromBase64String(stored.Hash), stored.Temporary);

    public static PasswordCredential Create(string password, bool temporary = false)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return new(salt, Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32), temporary);
    }

    public bool Verify(string password) =>
        CryptographicOperations.FixedTimeEquals(hash, Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32));
}

/// <summary>An SSO session (Keycloak's user session): its id is the tokens' <c>sid</c>.</summary>
public sealed class UserSession
{
    public string Id { get; } = Guid.NewGuid().ToString();
    public required string UserId { get; init; }
    public long AuthTime { get; init; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    public DateTimeOffset LastRefresh { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>What <c>/auth</c> was asked for, kept while the login form is shown.</summary>
public sealed record AuthorizationRequest(
    string ClientId, string RedirectUri, string Scope, string? State, string? Nonce,
    string? CodeChallenge, string? CodeChallengeMethod, string ResponseMode);

/// <summary>A single-use authorization code.</summary>
public sealed record AuthorizationCode(AuthorizationRequest Request, string UserId, string SessionId, DateTimeOffset ExpiresAt);

/// <summary>One realm's state: definitions from the import file, users, sessions, pending logins and codes.</summary>
public sealed class Realm
{
    public required string Name { get; init; }
    public int AccessTokenLifespan { get; init; } = 300;
    public int SsoSessionIdleTimeout { get; init; } = 1800;
    public int AccessCodeLifespan { get; init; } = 60;
    public int AccessCodeLifespanLogin { get; init; } = 1800;
    public string DefaultRoleName { get; init; } = "";
    public bool LoginWithEmailAllowed { get; init; } = true;
    public UserProfile Profile { get; init; } = UserProfile.Default;

    /// <summary>Users the import file defines (and their service accounts): recreated from it at every start, never stored.</summary>
    public HashSet<string> ImportedUserIds { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, RealmRole> Roles { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, RealmClient> Clients { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, RealmUser> Users { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, UserSession> Sessions { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, (AuthorizationRequest Request, DateTimeOffset ExpiresAt)> PendingLogins { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, AuthorizationCode> Codes { get; } = new(StringComparer.Ordinal);
    public Lock UserLock { get; } = new();

    public RealmUser? FindByUsername(string username) =>
        Users.Values.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));

    public RealmUser? FindByEmail(string email) =>
        Users.Values.FirstOrDefault(u => u.Email is not null && string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase));

    /// <summary>Username first, then e-mail when the realm allows logging in with it (Keycloak's order).</summary>
    public RealmUser? FindForLogin(string usernameOrEmail) =>
        FindByUsername(usernameOrEmail) ?? (LoginWithEmailAllowed ? FindByEmail(usernameOrEmail) : null);

    public RealmUser? ServiceAccountOf(RealmClient client) =>
        Users.Values.FirstOrDefault(u => u.ServiceAccountClientId == client.ClientId);

    /// <summary>Effective roles: the user's mappings with composites expanded (realm names, clientId → names).</summary>
    public (SortedSet<string> Realm, SortedDictionary<string, SortedSet<string>> Clients) EffectiveRoles(RealmUser user)
    {
        var realm = new SortedSet<string>(StringComparer.Ordinal);
        var clients = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);

        void AddRealm(string name)
        {
            if (Roles.TryGetValue(name, out var role) && realm.Add(name))
            {
                Expand(role);
            }
        }

        void AddClient(string clientId, string name)
        {
            if (Clients.TryGetValue(clientId, out var client) && client.Roles.TryGetValue(name, out var role))
            {
                var set = clients.TryGetValue(clientId, out var existing) ? existing : clients[clientId] = new(StringComparer.Ordinal);
                if (set.Add(name))
                {
                    Expand(role);
                }
            }
        }

        void Expand(RealmRole role)
        {
            role.RealmComposites.ForEach(AddRealm);
            foreach (var (clientId, names) in role.ClientComposites)
            {
                names.ForEach(n => AddClient(clientId, n));
            }
        }

        foreach (var name in user.RealmRoles.Keys)
        {
            AddRealm(name);
        }

        foreach (var (clientId, names) in user.ClientRoles)
        {
            foreach (var name in names.Keys)
            {
                AddClient(clientId, name);
            }
        }

        return (realm, clients);
    }
}
