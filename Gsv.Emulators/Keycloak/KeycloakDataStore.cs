using System.Text.Json;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// What Keycloak keeps in its database and the emulator keeps in its data folder (<c>Keycloak:DataPath</c>), so that
/// a restart changes nothing the platform's own data refers to: each realm's keys (<c>{realm}.keys.json</c>) and the
/// users created at run time (<c>{realm}.users.json</c>; user ids are the tokens' <c>sub</c>). Users of the import file
/// are not stored: the file is imported at every start and gives them fixed ids. Without a data path nothing is kept.
/// </summary>
public sealed class KeycloakDataStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string? directory;
    private readonly Lock writeLock = new();

    public KeycloakDataStore(string? directory)
    {
        this.directory = string.IsNullOrWhiteSpace(directory) ? null : directory;
        if (this.directory is not null)
        {
            Directory.CreateDirectory(this.directory);
        }
    }

    /// <summary>The realm's stored keys, or new ones stored now.</summary>
    public KeycloakKeys LoadOrCreateKeys(string realm)
    {
        var path = PathOf(realm, "keys");
        if (path is not null && File.Exists(path))
        {
            return new KeycloakKeys(realm, Read<StoredKeys>(path));
        }

        var keys = new KeycloakKeys(realm);
        if (path is not null)
        {
            Write(path, keys.Stored);
        }

        return keys;
    }

    /// <summary>Adds the users stored by an earlier start (those the import file defines are left to the file).</summary>
    public void LoadUsers(Realm realm)
    {
        var path = PathOf(realm.Name, "users");
        if (path is null || !File.Exists(path))
        {
            return;
        }

        foreach (var stored in Read<List<StoredUser>>(path).Where(u => !realm.ImportedUserIds.Contains(u.Id)))
        {
            realm.Users[stored.Id] = stored.ToUser();
        }
    }

    /// <summary>Writes the realm's run-time users (call after every change to a user).</summary>
    public void SaveUsers(Realm realm)
    {
        var path = PathOf(realm.Name, "users");
        if (path is null)
        {
            return;
        }

        lock (writeLock)
        {
            var users = realm.Users.Values
                .Where(u => !realm.ImportedUserIds.Contains(u.Id))
                .OrderBy(u => u.CreatedTimestamp).ThenBy(u => u.Id, StringComparer.Ordinal)
                .Select(StoredUser.From)
                .ToList();
            Write(path, users);
        }
    }

    private string? PathOf(string realm, string what) => directory is null ? null : Path.Combine(directory, $"{realm}.{what}.json");

    private static T Read<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty.");

    private static void Write<T>(string path, T value) => AtomicFile.Write(path, JsonSerializer.Serialize(value, Json));
}

/// <summary>A password as stored: salt and PBKDF2 hash, never the password.</summary>
public sealed record StoredPassword(string Salt, string Hash, bool Temporary);

/// <summary>A user as the data folder keeps it.</summary>
public sealed record StoredUser(
    string Id,
    string Username,
    string? Email,
    string? FirstName,
    string? LastName,
    bool Enabled,
    bool EmailVerified,
    long CreatedTimestamp,
    string? ServiceAccountClientId,
    StoredPassword? Password,
    List<string> RequiredActions,
    List<string> RealmRoles,
    Dictionary<string, List<string>> ClientRoles,
    Dictionary<string, List<string>> Attributes)
{
    public static StoredUser From(RealmUser user) => new(
        user.Id, user.Username, user.Email, user.FirstName, user.LastName, user.Enabled, user.EmailVerified, user.CreatedTimestamp,
        user.ServiceAccountClientId, user.Password?.ToStored(), [.. user.RequiredActions], [.. user.RealmRoles.Keys.Order(StringComparer.Ordinal)],
        user.ClientRoles.ToDictionary(c => c.Key, c => c.Value.Keys.Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal),
        user.Attributes.ToDictionary(a => a.Key, a => a.Value.ToList(), StringComparer.Ordinal));

    public RealmUser ToUser()
    {
        var user = new RealmUser
        {
            Id = Id,
            Username = Username,
            Email = Email,
            FirstName = FirstName,
            LastName = LastName,
            Enabled = Enabled,
            EmailVerified = EmailVerified,
            CreatedTimestamp = CreatedTimestamp,
            ServiceAccountClientId = ServiceAccountClientId,
            Password = Password is null ? null : PasswordCredential.FromStored(Password),
            RequiredActions = [.. RequiredActions],
            Attributes = Attributes.ToDictionary(a => a.Key, a => a.Value.ToList(), StringComparer.Ordinal),
        };
        foreach (var role in RealmRoles)
        {
            user.RealmRoles[role] = 0;
        }

        foreach (var (clientId, roles) in ClientRoles)
        {
            var set = user.ClientRoles.GetOrAdd(clientId, _ => new(StringComparer.Ordinal));
            roles.ForEach(r => set[r] = 0);
        }

        return user;
    }
}
