using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// Local mode: real PostgreSQL and Redis servers from the operating system's packages, started and stopped by
/// the AppHost, and the in-repo emulators in place of Keycloak, Saleor, Langflow, Ragflow and Wagtail.
/// </summary>
public static class LocalInfrastructureExtensions
{
    public static PlatformInfrastructure AddLocalInfrastructure(
        this IDistributedApplicationBuilder builder, PlatformSecrets secrets, IResourceBuilder<ParameterResource> postgresPassword)
    {
        var data = LocalDataSettings.From(builder);

        var postgres = builder.AddLocalPostgres("postgres", postgresPassword, data);
        var controlPlaneDb = postgres.AddLocalDatabase("controlplane-db", "controlplane");
        var provisionerDb = postgres.AddLocalDatabase("provisioner-db", "provisioner");
        // Saleor and Langflow own databases in containers mode; created here too so the topology is the same.
        postgres.AddLocalDatabase("saleor-db", "saleor");
        postgres.AddLocalDatabase("langflow-db", "langflow");

        var redisPassword = builder.AddParameter("redis-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var redis = builder.AddLocalRedis("redis", redisPassword, data);

        // The browser opens Keycloak's login pages: behind DCP's proxy, like the Web front end. The other emulators
        // are called by services only, and directly.
        var keycloak = builder.AddEmulator("keycloak", "/health/ready", direct: false)
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_USERNAME", "admin")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_PASSWORD", secrets.KeycloakAdminPassword)
            // Keycloak keeps users (their ids are the tokens' sub) and keys in its database: the emulator keeps them here.
            .WithEnvironment("Keycloak__DataPath", Path.Combine(data.Root, "keycloak"))
            .WithRealmSettings(builder, secrets);
        var saleor = builder.AddEmulator("saleor", "/health/")
            .WithEnvironment("Saleor__StaffEmail", SaleorContainerExtensions.StaffEmail)
            .WithEnvironment("Saleor__StaffPassword", secrets.SaleorAdminPassword);
        saleor.WithEnvironment("PUBLIC_URL", ReferenceExpression.Create($"{saleor.GetEndpoint("http")}/"));
        var langflow = builder.AddEmulator("langflow", "/health_check")
            .WithEnvironment("LANGFLOW_API_KEY", secrets.LangflowApiKey)
            .WithEnvironment("Langflow__DataPath", Path.Combine(data.Root, "langflow"))
            // Streamed answers come at a model's pace (about 50 tokens a second), not all in one network packet.
            .WithEnvironment("Langflow__TokenIntervalMs", "20")
            .WithModelCredentials(secrets);
        var ragflow = builder.AddEmulator("ragflow", "/api/v1/system/healthz")
            .WithEnvironment("RAGFLOW_API_KEY", secrets.RagflowApiKey)
            .WithEnvironment("Ragflow__DataPath", Path.Combine(data.Root, "ragflow"))
            // Parsing takes RAGFlow seconds (layout analysis, embeddings): a buyer sees a document "parsing" before it is ready.
            .WithEnvironment("Ragflow__ParseDelayMs", "1200");
        // Wagtail's API v2 over the repository's content/ folder (the pages the containers' Wagtail imports).
        var cms = builder.AddEmulator("cms", "/health/")
            .WithEnvironment("Cms__ContentPath", CmsContainerExtensions.ContentPath(builder));

        return new PlatformInfrastructure(
            controlPlaneDb, provisionerDb, redis,
            keycloak, saleor, langflow, ragflow, cms,
            SaleorApiUrl: ReferenceExpression.Create($"{saleor.GetEndpoint("http")}/graphql/"),
            UrlSeenByContainers: endpoint => ReferenceExpression.Create($"{endpoint}"));
    }

    private static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password, LocalDataSettings data)
    {
        var script = Path.Combine(builder.AppHostDirectory, "scripts", "start-postgres.sh");
        var resource = new LocalPostgresServerResource(name, "bash", builder.AppHostDirectory, password.Resource);

        builder.Services.AddHealthChecks().Add(new($"{name}_check", _ => new PostgresQueryHealthCheck(resource), null, null));
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (@event, ct) =>
        {
            await CreateDatabasesAsync(resource, ct);
            await MarkDatabasesRunningAsync(resource, @event.Services.GetRequiredService<ResourceNotificationService>());
        });

        return builder.AddResource(resource)
            .WithArgs(script, Path.Combine(data.Root, "postgres"))
            .WithEndpoint(name: LocalPostgresServerResource.EndpointName, scheme: "tcp", env: "PGPORT", isProxied: false)
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithEnvironment("GSV_EPHEMERAL", data.Ephemeral ? "true" : "false")
            .WithHealthCheck($"{name}_check")
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, string name, string databaseName)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName, server.Resource);
        server.Resource.Databases.Add(database);

        var builder = server.ApplicationBuilder;
        builder.Services.AddHealthChecks().Add(new($"{name}_check", _ => new PostgresQueryHealthCheck(database), null, null));
        return builder.AddResource(database).WithHealthCheck($"{name}_check").ExcludeFromManifest();
    }

    private static async Task CreateDatabasesAsync(LocalPostgresServerResource server, CancellationToken cancellationToken)
    {
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        foreach (var database in server.Databases.Select(d => d.DatabaseName))
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(database);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// DCP only runs the server; a database has no process of its own. Aspire mirrors a container's state onto its
    /// databases, not an executable's, so once they exist they are marked running here and their health checks
    /// (which query each database) take over, which is what <c>WaitFor(database)</c> waits on.
    /// </summary>
    private static async Task MarkDatabasesRunningAsync(LocalPostgresServerResource server, ResourceNotificationService notifications)
    {
        foreach (var database in server.Databases)
        {
            await notifications.PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
                ResourceType = "PostgresDatabase",
                Properties = [.. state.Properties, new("postgres.database", database.DatabaseName)],
            });
        }
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password, LocalDataSettings data)
    {
        var script = Path.Combine(builder.AppHostDirectory, "scripts", "start-redis.sh");
        var resource = new LocalRedisResource(name, "bash", builder.AppHostDirectory, password.Resource);
        builder.Services.AddHealthChecks().Add(new($"{name}_check", _ => new RedisPingHealthCheck(resource), null, null));

        return builder.AddResource(resource)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add(script);
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add(Path.Combine(data.Root, "redis"));
            })
            .WithEnvironment("REDIS_PASSWORD", password)
            .WithEnvironment("GSV_EPHEMERAL", data.Ephemeral ? "true" : "false")
            .WithHealthCheck($"{name}_check")
            .ExcludeFromManifest();
    }

    /// <summary>
    /// One of the in-repo emulators (<c>Gsv.Emulators</c>), started under the name of the system it stands in for,
    /// as the built program (<see cref="BuiltPrograms"/>): the emulators are local-mode-only executables.
    /// Like the systems they stand in for in containers mode, they send no telemetry to the dashboard (their console
    /// logs are there; the services' own spans show every call to them). Their export cost 1 to 2 s of CPU each at
    /// every start of the platform, when the CPU is what the start waits for (docs/benchmarks.md, platform start).
    /// </summary>
    private static IResourceBuilder<ExecutableResource> AddEmulator(
        this IDistributedApplicationBuilder builder, string system, string healthPath, bool direct = true)
    {
        var project = new Projects.Gsv_Emulators();
        var emulator = builder.AddExecutable(system, BuiltPrograms.ProgramPath(builder, project), BuiltPrograms.ProjectDirectory(project), "--emulator", system)
            .WithHttpEndpoint(name: "http")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithReadinessHealthCheck(healthPath)
            .ExcludeFromManifest();
        var http = emulator.GetEndpoint("http");
        // What a project is given from its endpoints: the address Kestrel listens on.
        emulator.WithEnvironment("ASPNETCORE_URLS", ReferenceExpression.Create($"http://localhost:{http.Property(EndpointProperty.TargetPort)}"));
        return direct ? emulator.WithDirectEndpoints(InfrastructureMode.Local) : emulator;
    }
}
