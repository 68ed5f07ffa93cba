namespace Gsv.Emulators.Keycloak;

/// <summary>The realms this emulator serves: <c>master</c> (bootstrap admin) and the one from the import file.</summary>
public sealed class KeycloakRealms
{
    private readonly Dictionary<string, (Realm Realm, KeycloakKeys Keys)> realms = new(StringComparer.Ordinal);

    public KeycloakRealms(IConfiguration configuration)
    {
        var master = RealmImport.Master(
            configuration["KC_BOOTSTRAP_ADMIN_USERNAME"] ?? "temp-admin", configuration["KC_BOOTSTRAP_ADMIN_PASSWORD"]);
        realms[master.Name] = (master, new KeycloakKeys(master.Name));

        if (configuration["Keycloak:RealmImportPath"] is { Length: > 0 } path)
        {
            var realm = RealmImport.Load(path, Environment.GetEnvironmentVariable);
            realms[realm.Name] = (realm, new KeycloakKeys(realm.Name));
        }
    }

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
