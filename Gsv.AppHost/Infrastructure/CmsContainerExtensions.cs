namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// The headless CMS: a small Wagtail project (<c>deploy/cms/</c>) built from its Dockerfile, with the repository's
/// <c>content/</c> folder copied into the image and imported at start (<c>manage.py load_content</c>). Its database is
/// <c>cms</c> on the shared PostgreSQL server. The Web app reads it through Wagtail's API v2 (<c>/api/v2/</c>).
/// </summary>
public static class CmsContainerExtensions
{
    public const int Port = 8000;

    /// <summary>The repository's <c>content/</c> folder: the pages, one JSON file each.</summary>
    public static string ContentPath(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "content"));

    public static IResourceBuilder<ContainerResource> AddCmsContainer(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<PostgresServerResource> postgres,
        IResourceBuilder<PostgresDatabaseResource> database)
    {
        var secretKey = builder.AddParameter("cms-secret-key", new GenerateParameterDefault { MinLength = 50, Special = false }, secret: true, persist: true);
        var pg = postgres.Resource.PrimaryEndpoint;
        var databaseUrl = ReferenceExpression.Create(
            $"postgres://postgres:{postgres.Resource.PasswordParameter}@{pg.Property(EndpointProperty.Host)}:{pg.Property(EndpointProperty.Port)}/{database.Resource.DatabaseName}");

        // The build context is the repository root, so the image can copy content/ (deploy/cms/Dockerfile.dockerignore
        // keeps everything else out of it).
        return builder.AddDockerfile("cms", Path.Combine(builder.AppHostDirectory, ".."), "deploy/cms/Dockerfile")
            .WithHttpEndpoint(targetPort: Port, name: "http")
            .WithEnvironment("DATABASE_URL", databaseUrl)
            .WithEnvironment("DJANGO_SECRET_KEY", secretKey)
            .WithEnvironment("DJANGO_ALLOWED_HOSTS", "*")
            .WithHttpHealthCheck("/health/")
            .WaitFor(database);
    }
}
