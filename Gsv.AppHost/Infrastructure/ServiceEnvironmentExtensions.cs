namespace Gsv.AppHost.Infrastructure;

public static class ServiceEnvironmentExtensions
{
    /// <summary>
    /// The GSV services' ASP.NET Core environment: Production in containers mode and in anything published; a local
    /// run keeps its launch profile's Development (the services return no exception details in any environment).
    /// </summary>
    public static void WithServiceEnvironment(this IDistributedApplicationBuilder builder, InfrastructureMode mode, params IResourceBuilder<ProjectResource>[] services)
    {
        if (mode == InfrastructureMode.Local && !builder.ExecutionContext.IsPublishMode)
        {
            return;
        }

        foreach (var service in services)
        {
            service.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production").WithEnvironment("DOTNET_ENVIRONMENT", "Production");
        }
    }
}
