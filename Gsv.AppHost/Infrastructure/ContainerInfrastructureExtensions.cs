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
        var keycloakDb = postgres.AddDatabase("keycloak-db", "keycloak");
        var cmsDb = postgres.AddDatabase("cms-db", "cms");

        var redis = builder.AddRedis("redis").WithDataVolume("gsv-redis-data");

        var keycloak = builder.AddKeycloakContainer("keycloak", secrets, postgres, keycloakDb);
        var saleor = builder.AddSaleorContainers(postgres, saleorDb, redis, secrets);
        var langflow = builder.AddLangflowContainer(postgres, langflowDb, secrets);
        var ragflow = builder.AddRagflowContainers(redis);
        var cms = builder.AddCmsContainer(postgres, cmsDb);

        return new PlatformInfrastructure(
            controlPlaneDb, provisionerDb, redis,
            keycloak, saleor.Api, langflow, ragflow, cms,
            SaleorApiUrl: ReferenceExpression.Create($"{saleor.PublicUrl}graphql/"),
            // Saleor's IP filter (on) refuses private webhook targets: a webhook goes to the service's public address,
            // parameter "<service>-public-url" (provisioner-public-url, web-public-url); asked once per service.
            UrlSeenByContainers: endpoint => ReferenceExpression.Create($"{builder.AddParameter($"{endpoint.Resource.Name}-public-url")}"));
    }
}
