using Gsv.Ragflow;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class RagflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RagflowClient"/>: base address <c>https+http://ragflow</c> (service discovery),
    /// <c>Authorization: Bearer</c> from <c>Ragflow:ApiKey</c>. Resilience comes from the caller's HttpClient defaults.
    /// </summary>
    public static IHttpClientBuilder AddRagflowClient(this IServiceCollection services)
    {
        services.AddOptions<RagflowOptions>().BindConfiguration(RagflowOptions.SectionName);
        services.AddTransient<RagflowApiKeyHandler>();
        return services
            .AddHttpClient<RagflowClient>((provider, http) =>
                http.BaseAddress = provider.GetRequiredService<IOptions<RagflowOptions>>().Value.BaseAddress)
            .AddHttpMessageHandler<RagflowApiKeyHandler>();
    }
}
