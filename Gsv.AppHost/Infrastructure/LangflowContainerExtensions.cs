namespace Gsv.AppHost.Infrastructure;

/// <summary>Langflow 1.11 with PostgreSQL, real auth and a fixed API key from a parameter (contracts/langflow/README.md §7).</summary>
public static class LangflowContainerExtensions
{
    public const string Image = "langflowai/langflow";
    public const string Tag = "1.11.5";

    public static IResourceBuilder<ContainerResource> AddLangflowContainer(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<PostgresServerResource> postgres,
        IResourceBuilder<PostgresDatabaseResource> database,
        PlatformSecrets secrets)
    {
        var secretKey = builder.AddParameter("langflow-secret-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var superuserPassword = builder.AddParameter("langflow-superuser-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var pg = postgres.Resource.PrimaryEndpoint;
        var databaseUrl = ReferenceExpression.Create(
            $"postgresql://postgres:{postgres.Resource.PasswordParameter}@{pg.Property(EndpointProperty.Host)}:{pg.Property(EndpointProperty.Port)}/{database.Resource.DatabaseName}");

        return builder.AddContainer("langflow", Image, Tag)
            .WithHttpEndpoint(targetPort: 7860, name: "http")
            .WithEnvironment("LANGFLOW_DATABASE_URL", databaseUrl)
            .WithEnvironment("LANGFLOW_AUTO_LOGIN", "false")
            .WithEnvironment("LANGFLOW_SUPERUSER", "gsv")
            .WithEnvironment("LANGFLOW_SUPERUSER_PASSWORD", superuserPassword)
            .WithEnvironment("LANGFLOW_SECRET_KEY", secretKey)
            .WithEnvironment("LANGFLOW_API_KEY_SOURCE", "env")
            .WithEnvironment("LANGFLOW_API_KEY", secrets.LangflowApiKey)
            .WithEnvironment("LANGFLOW_CONFIG_DIR", "/app/langflow")
            .WithEnvironment("LANGFLOW_DO_NOT_TRACK", "true")
            .WithModelCredentials(secrets)
            .WithVolume("gsv-langflow-data", "/app/langflow")
            .WithHttpHealthCheck("/health_check")
            .WaitFor(database);
    }

    /// <summary>
    /// The flows' model nodes read their key from the Langflow global variable <c>OPENAI_API_KEY</c>
    /// (<c>load_from_db</c>); Langflow creates it from the environment variable of that name at startup.
    /// </summary>
    public static IResourceBuilder<T> WithModelCredentials<T>(this IResourceBuilder<T> langflow, PlatformSecrets secrets)
        where T : IResourceWithEnvironment =>
        langflow
            .WithEnvironment("OPENAI_API_KEY", secrets.OpenAiApiKey)
            .WithEnvironment("LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT", "OPENAI_API_KEY");
}
