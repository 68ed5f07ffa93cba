namespace Gsv.Emulators.Keycloak;

/// <summary>The realms this emulator serves: <c>master</c> (bootstrap admin) and the one from the import file.</summary>
public sealed class KeycloakRealms
{
    private readonly Dictionary<string, (Realm Realm, KeycloakKeys Keys)> realms = new(StringComparer.Ordinal);

    private readonly KeycloakDataStore store;

    public KeycloakRealms(IConfiguration configuration)
    {
        store = new KeycloakDataStore(configuration["Keycloak:DataPath"]);
        var master = RealmImport.Master(
            configuration["KC_BOOTSTRAP_ADMIN_USERNAME"] ?? "temp-admin", configuration["KC_BOOTSTRAP_ADMIN_PASSWORD"]);
        realms[master.Name] = (master, store.LoadOrCreateKeys(master.Name));

        if (configuration["Keycloak:RealmImportPath"] is { Length: > 0 } path)
        {
            var realm = RealmImport.Load(path, Environment.GetEnvironmentVariable);
            store.LoadUsers(realm);
            realms[realm.Name] = (realm, store.LoadOrCreateKeys(realm.Name));
        }
    }

    /// <summary>Keeps the realm's users in the data folder; every change to a user calls it.</summary>
    public void UsersChanged(Realm realm) => store.SaveUsers(realm);

    public bool TryGet(string name, out Realm realm, out KeycloakKeys keys)
    {
        var found = realms.TryGetValue(name, out var entry);
        (realm, keys) = entry;
        return found;
    }

    /// <summary>Keycloak without KC_HOSTNAME derives the issuer from the incoming request (scheme, host, port).</summary>
    public static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    public static string Issuer(HttpRequest request, string realm) => $"{Origin(request)}/realms/{realm}";
}
