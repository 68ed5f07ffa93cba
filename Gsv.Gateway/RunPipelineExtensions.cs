using Gsv.Gateway.Connectors;
using Gsv.Gateway.Credits;
using Gsv.Gateway.Idempotency;
using Gsv.Gateway.Instances;
using Gsv.Gateway.Knowledge;
using Gsv.Gateway.Observability;
using Gsv.Gateway.RateLimiting;
using Gsv.Gateway.Runs;
using Gsv.Langflow;
using Gsv.Ragflow;
using Gsv.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway;

public static class RunPipelineExtensions
{
    /// <summary>Everything a run goes through: instance lookup, rate limit, idempotency, hold (or one held ahead), knowledge retrieval, Langflow, settlement (batched, in the background), metrics.</summary>
    public static WebApplicationBuilder AddRunPipeline(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName)
            .Validate(o => o.RunsPerMinute > 0 && o.RuntimeTimeout > TimeSpan.Zero, "Gateway:RunsPerMinute and Gateway:RuntimeTimeout must be positive.")
            .Validate(o => o.CreditPrefetchMax >= 0 && o.CreditPrefetchIdle > TimeSpan.Zero,
                "Gateway:CreditPrefetchMax must not be negative and Gateway:CreditPrefetchIdle must be positive.")
            .Validate(o => o.CreditKeepWarm >= TimeSpan.Zero && o.CreditKeepWarm <= CreditPolicy.ForgetAfterTime,
                "Gateway:CreditKeepWarm must be between 0 and 10 min.")
            .Validate(o => o.CreditBatchLinger >= TimeSpan.Zero && o.CreditBatchLinger <= TimeSpan.FromSeconds(1),
                "Gateway:CreditBatchLinger must be between 0 and 1 s.")
            .Validate(o => o.CreditBatchesInFlight > 0 && o.CreditBatchMaxItems is > 0 and <= 500,
                "Gateway:CreditBatchesInFlight must be positive and Gateway:CreditBatchMaxItems between 1 and 500.")
            .Validate(o => o.ApiKeyCacheCapacity > 0 && o.InstanceCacheCapacity > 0 && o.ApiKeyLookupsPerSecond > 0 && o.ApiKeyLookupBurst >= 1,
                "Gateway:ApiKeyCacheCapacity, Gateway:InstanceCacheCapacity and Gateway:ApiKeyLookupsPerSecond must be positive, Gateway:ApiKeyLookupBurst at least 1.")
            .Validate(o => o.RunTokenKey is null || o.RunTokenKey.Length >= 32, "Gateway:RunTokenKey must have at least 32 characters.")
            .Validate(o => o.RunTokenLifetime > o.RuntimeTimeout, "Gateway:RunTokenLifetime must be longer than Gateway:RuntimeTimeout.")
            .Validate(o => o.McpUrl is null || Uri.TryCreate(o.McpUrl, UriKind.Absolute, out _), "Gateway:McpUrl must be an absolute URL.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<InstanceDirectory.Cache>();
        builder.Services.AddScoped<InstanceDirectory>();
        builder.Services.AddSingleton<WorkspaceRateLimiter>();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton<CreditBatcher>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<CreditBatcher>());
        // Registered after the batcher, so stopped before it: its ready holds are released while the batcher still sends.
        builder.Services.AddSingleton<CreditReserve>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<CreditReserve>());
        // Templates sellers uploaded are read from the Provisioner the first time an instance of theirs runs.
        builder.Services.AddHttpClient(FlowTemplateCatalog.ProvisionerClient, http => http.BaseAddress = new Uri("https+http://provisioner"))
            .AddServiceAccountToken();
        builder.Services.AddSingleton(provider => new FlowTemplateCatalog(
            LoadFlowTemplates(provider), provider.GetRequiredService<IHttpClientFactory>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<FlowTemplateCatalog>>()));
        builder.Services.AddSingleton<TweakPolicy>();
        // Knowledge instances' runs are given passages of the buyer's documents (RAGFlow retrieval, a read: retried as usual).
        builder.Services.AddRagflowClient();
        builder.Services.AddScoped<KnowledgeRetriever>();
        builder.Services.AddSingleton<RunTools>();
        builder.Services.AddScoped<RunAdmission>();
        builder.Services.AddScoped<RunExecutor>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));

        // A run is not idempotent on Langflow: never retried (a 5xx or a timeout releases the hold instead). The
        // gateway's own RuntimeTimeout bounds each call, so the client's default 100 s timeout must not cut in first.
        // No request logging: those logs are Information (filtered out by the service defaults), and the gateway logs
        // every failed run itself; their scope per call is not free on the hottest path.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental
        builder.Services.AddLangflowClient()
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers()
            .ConfigureHttpClient((provider, http) =>
                http.Timeout = provider.GetRequiredService<IOptions<GatewayOptions>>().Value.RuntimeTimeout + TimeSpan.FromSeconds(10));
#pragma warning restore EXTEXP0001
        // No gateway endpoint takes a larger body than a run's (Kestrel's default is 30 MB).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RunRequestReader.MaxBodyBytes);
        return builder;
    }

    /// <summary>
    /// The flow templates the gateway ships with, for their tweak allow-lists and context inputs
    /// (<c>Langflow:FlowTemplatesPath</c>, else <c>flows/</c> above the content root). Without them no tweak is allowed
    /// (the safe default) unless the Provisioner has the template.
    /// </summary>
    private static FlowTemplates? LoadFlowTemplates(IServiceProvider provider)
    {
        var directory = FlowTemplates.ResolveDirectory(
            provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>().ContentRootPath);
        if (directory is not null && Directory.Exists(directory))
        {
            return new FlowTemplates(directory);
        }

        provider.GetRequiredService<ILogger<TweakPolicy>>()
            .LogWarning("No flow templates found (set Langflow:FlowTemplatesPath): runs may send no tweaks");
        return null;
    }
}
