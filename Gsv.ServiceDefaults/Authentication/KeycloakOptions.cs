namespace Gsv.ServiceDefaults.Authentication;

/// <summary>
/// Section <c>Keycloak</c>, set by the AppHost: the realm, and for services that call others, their client.
/// The server itself is found through service discovery as <c>keycloak</c>.
/// </summary>
public sealed class KeycloakOptions
{
    public const string SectionName = "Keycloak";

    /// <summary>Base address resolved by service discovery (HTTPS preferred, HTTP fallback).</summary>
    public string ServiceUrl { get; set; } = "https+http://keycloak";

    public string Realm { get; set; } = "gsv";

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Metadata and keys only over HTTPS (the default); the AppHost turns it off for the local emulator only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public string RealmUrl => $"{ServiceUrl.TrimEnd('/')}/realms/{Realm}";

    public string TokenEndpoint => $"{RealmUrl}/protocol/openid-connect/token";
}
