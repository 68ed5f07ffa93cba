namespace Gsv.AppHost.Infrastructure;

/// <summary>Saleor 3.23 API, its Celery worker and the dashboard (contracts/saleor/README.md §6).</summary>
public static class SaleorContainerExtensions
{
    public const string Image = "ghcr.io/saleor/saleor";
    public const string Tag = "3.23.28";
    public const string DashboardImage = "ghcr.io/saleor/saleor-dashboard";
    public const string DashboardTag = "3.23.27";

    /// <summary>The staff user the Provisioner bootstraps the catalog with (created by <c>createsuperuser</c>).</summary>
    public const string StaffEmail = "admin@gsv.local";

    public sealed record SaleorContainers(
        IResourceBuilder<ContainerResource> Api,
        IResourceBuilder<ContainerResource> Worker,
        IResourceBuilder<ContainerResource> Dashboard,
        IResourceBuilder<ParameterResource> PublicUrl);

    public static SaleorContainers AddSaleorContainers(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<PostgresServerResource> postgres,
        IResourceBuilder<PostgresDatabaseResource> database,
        IResourceBuilder<RedisResource> redis,
        PlatformSecrets secrets)
    {
        var secretKey = builder.AddParameter("saleor-secret-key", new GenerateParameterDefault { MinLength = 50, Special = false }, secret: true, persist: true);
        // Signs webhooks and JWTs and feeds /.well-known/jwks.json: must be stable across restarts and replicas.
        var rsaPrivateKey = builder.AddParameter("saleor-rsa-private-key", secret: true);
        // Saleor validates PUBLIC_URL with Django's URLValidator (a dotted host or localhost); it drives Saleor-Api-Url.
        var publicUrl = builder.AddParameterWithDefault("saleor-public-url", "http://localhost:8000/", publishValueAsDefault: true);

        var pg = postgres.Resource.PrimaryEndpoint;
        var databaseUrl = ReferenceExpression.Create(
            $"postgres://postgres:{postgres.Resource.PasswordParameter}@{pg.Property(EndpointProperty.Host)}:{pg.Property(EndpointProperty.Port)}/{database.Resource.DatabaseName}");
        var rd = redis.Resource.PrimaryEndpoint;
        var redisBase = ReferenceExpression.Create(
            $"redis://:{redis.Resource.PasswordParameter!}@{rd.Property(EndpointProperty.Host)}:{rd.Property(EndpointProperty.Port)}");

        void Configure(IResourceBuilder<ContainerResource> saleor) => saleor
            .WithEnvironment("DATABASE_URL", databaseUrl)
            .WithEnvironment("SECRET_KEY", secretKey)
            .WithEnvironment("RSA_PRIVATE_KEY", rsaPrivateKey)
            .WithEnvironment("DEBUG", "False")
            .WithEnvironment("PUBLIC_URL", publicUrl)
            .WithEnvironment("ALLOWED_HOSTS", "localhost,127.0.0.1,saleor")
            .WithEnvironment("ALLOWED_CLIENT_HOSTS", "localhost,127.0.0.1")
            .WithEnvironment(context => context.EnvironmentVariables["CELERY_BROKER_URL"] = ReferenceExpression.Create($"{redisBase}/1"))
            .WithEnvironment(context => context.EnvironmentVariables["CACHE_URL"] = ReferenceExpression.Create($"{redisBase}/2"))
            // Webhooks and app fetches only to public addresses (Saleor's default; the Provisioner is reached at its public URL).
            .WithEnvironment("HTTP_IP_FILTER_ENABLED", "True")
            .WithEnvironment("DJANGO_SUPERUSER_PASSWORD", secrets.SaleorAdminPassword)
            .WaitFor(database)
            .WaitFor(redis);

        var api = builder.AddContainer("saleor", Image, Tag)
            .WithHttpEndpoint(port: 8000, targetPort: 8000, name: "http")
            .WithEntrypoint("/bin/sh")
            .WithArgs("-c",
                "python3 manage.py migrate --no-input"
                + $" && (python3 manage.py createsuperuser --noinput --email {StaffEmail} || true)"
                + " && exec uvicorn saleor.asgi:application --host=0.0.0.0 --port=8000 --workers=2 --lifespan=off --ws=none --no-server-header --no-access-log --timeout-keep-alive=35")
            .WithHttpHealthCheck("/health/");
        Configure(api);

        var worker = builder.AddContainer("saleor-worker", Image, Tag)
            .WithArgs("celery", "-A", "saleor", "--app=saleor.celeryconf:app", "worker", "--loglevel=info", "-B")
            .WaitFor(api);
        Configure(worker);

        var dashboard = builder.AddContainer("saleor-dashboard", DashboardImage, DashboardTag)
            .WithHttpEndpoint(targetPort: 80, name: "http")
            // API_URL is read by the browser, so it is Saleor's public URL.
            .WithEnvironment(context => context.EnvironmentVariables["API_URL"] = ReferenceExpression.Create($"{publicUrl}graphql/"))
            .WithHttpHealthCheck("/dashboard/")
            .WaitFor(api);

        return new SaleorContainers(api, worker, dashboard, publicUrl);
    }
}
