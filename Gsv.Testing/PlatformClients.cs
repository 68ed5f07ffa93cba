using Aspire.Hosting;
using Gsv.Langflow;
using Gsv.Ragflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gsv.Testing;

/// <summary>Typed clients of the platform's Langflow and RAGFlow, registered as the services register them, with the AppHost's keys.</summary>
public static class PlatformClients
{
    public static async Task<LangflowClient> CreateLangflowClientAsync(this DistributedApplication app, string? apiKey = null) =>
        Build(app, "Langflow", "langflow", apiKey ?? await new IdentityClient(app).GetParameterAsync("langflow-api-key"), services => services.AddLangflowClient())
            .GetRequiredService<LangflowClient>();

    public static async Task<RagflowClient> CreateRagflowClientAsync(this DistributedApplication app, string? apiKey = null) =>
        Build(app, "Ragflow", "ragflow", apiKey ?? await new IdentityClient(app).GetParameterAsync("ragflow-api-key"), services => services.AddRagflowClient())
            .GetRequiredService<RagflowClient>();

    private static ServiceProvider Build(DistributedApplication app, string section, string resource, string apiKey, Action<IServiceCollection> add)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{section}:BaseAddress"] = app.GetEndpoint(resource, "http").ToString(),
            [$"{section}:ApiKey"] = apiKey,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        add(services);
        return services.BuildServiceProvider();
    }
}
