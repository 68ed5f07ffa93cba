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

    /// <summary>Containers mode: Keycloak's public base URL (e.g. <c>https://auth.example.com</c>), no default.</summary>
    public const string PublicUrlParameter = "keycloak-public-url";

    public static string RealmDirectory(IDistributedApplicationBuilder builder) => Path.Combine(builder.AppHostDirectory, "Realm");

    /// <summary>
    /// Keycloak 26 container with production settings (containers mode is what gets published): <c>start</c>, its
    /// public URL (<c>keycloak-public-url</c>, HTTPS through a TLS-terminating proxy that sends X-Forwarded headers),
    /// users and keys in the platform's PostgreSQL, and the production realm (<see cref="ContainerRealm"/>).
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddKeycloakContainer(
        this IDistributedApplicationBuilder builder, string name, PlatformSecrets secrets,
        IResourceBuilder<PostgresServerResource> postgres, IResourceBuilder<PostgresDatabaseResource> database)
    {
        var pg = postgres.Resource.PrimaryEndpoint;
        return builder.AddContainer(name, Image, Tag)
            .WithHttpEndpoint(targetPort: 8080, name: "http")
            .WithHttpEndpoint(targetPort: 9000, name: "management")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_USERNAME", "admin")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_PASSWORD", secrets.KeycloakAdminPassword)
            .WithEnvironment("KC_HEALTH_ENABLED", "true")
            // TLS ends at the proxy in front; Keycloak serves HTTP behind it and builds its URLs from KC_HOSTNAME.
            .WithEnvironment("KC_HTTP_ENABLED", "true")
            .WithEnvironment("KC_HOSTNAME", PublicUrl(builder))
            .WithEnvironment("KC_PROXY_HEADERS", "xforwarded")
            .WithEnvironment("KC_DB", "postgres")
            .WithEnvironment(context => context.EnvironmentVariables["KC_DB_URL"] = ReferenceExpression.Create(
                $"jdbc:postgresql://{pg.Property(EndpointProperty.Host)}:{pg.Property(EndpointProperty.Port)}/{database.Resource.DatabaseName}"))
            .WithEnvironment("KC_DB_USERNAME", "postgres")
            .WithEnvironment("KC_DB_PASSWORD", postgres.Resource.PasswordParameter)
            .WithBindMount(ContainerRealm.WriteImportDirectory(builder), "/opt/keycloak/data/import", isReadOnly: true)
            .WithArgs("start", "--import-realm")
            .WithHttpHealthCheck("/health/ready", endpointName: "management")
            .WaitFor(database)
            .WithRealmSettings(builder, secrets, ContainerRealm.DemoUsers(builder));
    }

    /// <summary>
    /// The values the realm file takes from the environment (Keycloak substitutes <c>${VAR}</c> on import; the
    /// emulator does the same): client secrets and demo passwords, never literals in the file.
    /// </summary>
    public static IResourceBuilder<T> WithRealmSettings<T>(
        this IResourceBuilder<T> keycloak, IDistributedApplicationBuilder builder, PlatformSecrets secrets, bool demoUsers = true)
        where T : IResourceWithEnvironment
    {
        keycloak
            .WithEnvironment("GSV_WEB_CLIENT_SECRET", secrets.WebClientSecret)
            .WithEnvironment("GSV_PROVISIONER_CLIENT_SECRET", secrets.ProvisionerClientSecret)
            .WithEnvironment("GSV_GATEWAY_CLIENT_SECRET", secrets.GatewayClientSecret);
        if (demoUsers)
        {
            keycloak
                .WithEnvironment("GSV_DEMO_BUYER_PASSWORD", secrets.DemoBuyerPassword)
                .WithEnvironment("GSV_DEMO_ADMIN_PASSWORD", secrets.DemoAdminPassword);
        }

        if (keycloak.Resource is not ContainerResource)
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
        if (keycloak.Resource is ContainerResource)
        {
            // Production: Keycloak at its public HTTPS address (the tokens' issuer), and metadata only over HTTPS.
            service.WithEnvironment("Keycloak__ServiceUrl", PublicUrl(service.ApplicationBuilder))
                .WithEnvironment("Keycloak__RequireHttpsMetadata", "true");
        }
        else
        {
            // The local emulator speaks plain HTTP on the loopback interface.
            service.WithEnvironment("Keycloak__RequireHttpsMetadata", "false");
        }

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

    private static IResourceBuilder<ParameterResource> PublicUrl(IDistributedApplicationBuilder builder) =>
        builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == PublicUrlParameter) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : builder.AddParameter(PublicUrlParameter);
}
