namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// Keycloak wiring written for GSV (the Aspire Keycloak integration is not available here): the container in
/// containers mode, and the settings the realm-import file reads in both modes.
/// </summary>
public static class KeycloakExtensions
{
    public const string Image = "quay.io/keycloak/keycloak";
    public const string Tag = "26.5";
    public const string RealmName = "gsv";
    public const string RealmFileName = "gsv-realm.json";

    public static string RealmDirectory(IDistributedApplicationBuilder builder) => Path.Combine(builder.AppHostDirectory, "Realm");

    /// <summary>Keycloak 26 container: realm imported from the AppHost's realm file, health on the management port.</summary>
    public static IResourceBuilder<ContainerResource> AddKeycloakContainer(
        this IDistributedApplicationBuilder builder, string name, PlatformSecrets secrets)
    {
        return builder.AddContainer(name, Image, Tag)
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithHttpEndpoint(targetPort: 9000, name: "management")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_USERNAME", "admin")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_PASSWORD", secrets.KeycloakAdminPassword)
            .WithEnvironment("KC_HEALTH_ENABLED", "true")
            .WithEnvironment("KC_HTTP_ENABLED", "true")
            .WithEnvironment("KC_HOSTNAME_STRICT", "false")
            .WithBindMount(RealmDirectory(builder), "/opt/keycloak/data/import", isReadOnly: true)
            .WithArgs("start-dev", "--import-realm")
            .WithHttpHealthCheck("/health/ready", endpointName: "management")
            .WithRealmSettings(builder, secrets);
    }

    /// <summary>
    /// The values the realm file takes from the environment (Keycloak substitutes <c>${VAR}</c> on import; the
    /// emulator does the same): client secrets and demo passwords, never literals in the file.
    /// </summary>
    public static IResourceBuilder<T> WithRealmSettings<T>(
        this IResourceBuilder<T> keycloak, IDistributedApplicationBuilder builder, PlatformSecrets secrets)
        where T : IResourceWithEnvironment
    {
        keycloak
            .WithEnvironment("GSV_WEB_CLIENT_SECRET", secrets.WebClientSecret)
            .WithEnvironment("GSV_PROVISIONER_CLIENT_SECRET", secrets.ProvisionerClientSecret)
            .WithEnvironment("GSV_GATEWAY_CLIENT_SECRET", secrets.GatewayClientSecret)
            .WithEnvironment("GSV_DEMO_BUYER_PASSWORD", secrets.DemoBuyerPassword)
            .WithEnvironment("GSV_DEMO_ADMIN_PASSWORD", secrets.DemoAdminPassword);

        if (keycloak.Resource is ProjectResource)
        {
            keycloak.WithEnvironment("Keycloak__RealmImportPath", Path.Combine(RealmDirectory(builder), RealmFileName));
        }

        return keycloak;
    }

    /// <summary>Tells the realm where the web front end lives, for its redirect URIs.</summary>
    public static void WithWebFrontEnd(this IResourceBuilder<IResourceWithEndpoints> keycloak, IDistributedApplicationBuilder builder, EndpointReference web)
    {
        var withEnvironment = builder.CreateResourceBuilder((IResourceWithEnvironment)keycloak.Resource);
        withEnvironment.WithEnvironment("GSV_WEB_URL", web);
    }

    /// <summary>Gives a service what it needs to validate Keycloak tokens (and, with a client, to obtain them).</summary>
    public static IResourceBuilder<ProjectResource> WithKeycloak(
        this IResourceBuilder<ProjectResource> service,
        IResourceBuilder<IResourceWithEndpoints> keycloak,
        string? clientId = null,
        IResourceBuilder<ParameterResource>? clientSecret = null)
    {
        service.WithReference(keycloak.GetEndpoint("http"))
            .WithEnvironment("Keycloak__Realm", RealmName)
            .WaitFor(keycloak);
        if (clientId is not null)
        {
            service.WithEnvironment("Keycloak__ClientId", clientId);
        }

        if (clientSecret is not null)
        {
            service.WithEnvironment("Keycloak__ClientSecret", clientSecret);
        }

        return service;
    }
}
