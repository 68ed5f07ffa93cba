using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Simmy;

namespace Microsoft.Extensions.Hosting;

/// <summary>The chaos profile (<see cref="ChaosOptions"/>): Polly's chaos strategies in the HTTP clients it names.</summary>
public static partial class ChaosExtensions
{
    /// <summary>When <c>Gsv:Chaos:Enabled</c> is true, adds the chaos handler to the named clients; otherwise nothing at all.</summary>
    public static IServiceCollection AddChaosProfile(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ChaosOptions.SectionName).Get<ChaosOptions>();
        if (options is { Enabled: true })
        {
            services.AddSingleton<IHttpMessageHandlerBuilderFilter>(provider =>
                new ChaosHandlerFilter(options, provider.GetRequiredService<ILoggerFactory>().CreateLogger("Gsv.Chaos")));
        }

        return services;
    }

    /// <summary>
    /// Appends the chaos handler after a client's own handlers, so it is the innermost: the standard resilience handler's
    /// retries and timeouts meet injected faults as they would meet real ones.
    /// </summary>
    private sealed class ChaosHandlerFilter(ChaosOptions options, ILogger logger) : IHttpMessageHandlerBuilderFilter
    {
        public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
        {
            next(builder);
            if (options.Applies(builder.Name))
            {
                LogChaos(logger, builder.Name!, options.FaultRate, options.LatencyRate, options.Latency.TotalMilliseconds, options.OutcomeRate);
                builder.AdditionalHandlers.Add(new ChaosHandler(Pipeline(options)));
            }
        };
    }

    private sealed class ChaosHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            await pipeline.ExecuteAsync(async token => await base.SendAsync(request, token), cancellationToken);
    }

    public static ResiliencePipeline<HttpResponseMessage> Pipeline(ChaosOptions options) => new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddChaosLatency(Rate(options.LatencyRate), options.Latency)
        .AddChaosFault(Rate(options.FaultRate), () => new HttpRequestException("Chaos: injected connection failure."))
        .AddChaosOutcome(Rate(options.OutcomeRate), () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            Content = new StringContent("Chaos: injected 503."),
        })
        .Build();

    private static double Rate(double rate) => Math.Clamp(rate, 0, 1);

    [LoggerMessage(LogLevel.Warning,
        "Chaos enabled for HTTP client {Client}: faults {FaultRate}, latency {LatencyRate} × {LatencyMs} ms, 503 answers {OutcomeRate}")]
    private static partial void LogChaos(ILogger logger, string client, double faultRate, double latencyRate, double latencyMs, double outcomeRate);
}
