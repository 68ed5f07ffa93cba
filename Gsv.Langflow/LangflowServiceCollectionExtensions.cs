using System.Net;
using Gsv.Langflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class LangflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LangflowClient"/>: base address <c>https+http://langflow</c> (service discovery),
    /// <c>x-api-key</c> from <c>Langflow:ApiKey</c>, gzip decompression (Langflow gzips flow lists unasked).
    /// Resilience comes from the caller's HttpClient defaults; note the standard handler also retries POST on 5xx.
    /// </summary>
    public static IHttpClientBuilder AddLangflowClient(this IServiceCollection services)
    {
        services.AddOptions<LangflowOptions>().BindConfiguration(LangflowOptions.SectionName);
        services.AddTransient<LangflowApiKeyHandler>();
        return services
            .AddHttpClient<LangflowClient>((provider, http) =>
                http.BaseAddress = provider.GetRequiredService<IOptions<LangflowOptions>>().Value.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                switch (handler)
                {
                    case SocketsHttpHandler sockets: sockets.AutomaticDecompression = DecompressionMethods.All; break;
                    case HttpClientHandler client: client.AutomaticDecompression = DecompressionMethods.All; break;
                }
            })
            .AddHttpMessageHandler<LangflowApiKeyHandler>();
    }

    /// <summary>
    /// Registers <see cref="FlowTemplates"/> from <c>Langflow:FlowTemplatesPath</c>, or the repository's <c>flows/</c>
    /// folder found by walking up from the content root.
    /// </summary>
    public static IServiceCollection AddFlowTemplates(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var contentRoot = provider.GetRequiredService<IHostEnvironment>().ContentRootPath;
            var directory = FlowTemplates.ResolveDirectory(provider.GetRequiredService<IConfiguration>(), contentRoot)
                ?? throw new DirectoryNotFoundException($"No flows/ folder found above '{contentRoot}'; set Langflow:FlowTemplatesPath.");
            return new FlowTemplates(directory);
        });
        return services;
    }
}
