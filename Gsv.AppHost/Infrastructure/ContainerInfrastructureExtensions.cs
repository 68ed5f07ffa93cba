namespace Gsv.AppHost.Infrastructure;

/// <summary>Containers mode: the real images. This is what the published manifest describes.</summary>
public static class ContainerInfrastructureExtensions
{
    public static PlatformInfrastructure AddContainerInfrastructure(
        this IDistributedApplicationBuilder builder, PlatformSecrets secrets, IResourceBuilder<ParameterResource> postgresPassword)
    {
        var postgres = builder.AddPostgres("postgres", password: postgresPassword).WithDataVolume("gsv-postgres-data");
        var controlPlaneDb = postgres.AddDatabase("controlplane-db", "controlplane");
        var provisionerDb = postgres.AddDatabase("provisioner-db", "provisioner");
        var saleorDb = postgres.AddDatabase("saleor-db", "saleor");
        var langflowDb = postgres.AddDatabase("langflow-db", "langflow");

        var redis = builder.AddRedis("redis").WithDataVolume("gsv-redis-data");

        var keycloak = builder.AddKeycloakContainer("keycloak", secrets);
        var saleor = builder.AddSaleorContainers(postgres, saleorDb, redis, secrets);
        var langflow = builder.AddLangflowContainer(postgres, langflowDb, secrets);
        var ragflow = builder.AddRagflowContainers(redis);

        return new PlatformInfrastructure(
            controlPlaneDb, provisionerDb, redis,
            keycloak, saleor.Api, langflow, ragflow,
            SaleorApiUrl: ReferenceExpression.Create($"{saleor.PublicUrl}graphql/"),
            // Saleor runs in a container; the services run on the host.
            UrlSeenBySaleor: endpoint => ReferenceExpression.Create($"http://host.docker.internal:{endpoint.Property(EndpointProperty.Port)}"));
    }
}
