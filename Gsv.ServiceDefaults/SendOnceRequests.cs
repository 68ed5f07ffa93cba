using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Requests the resilience handler must never send twice: a create, an upload or a run whose first attempt may have
/// reached the server (a 5xx or a timeout does not say it did not) would leave a duplicate. A client marks such a request
/// with the request option <c>gsv.send-once</c> = true (<see cref="Key"/>; the typed clients of <c>Gsv.Langflow</c> and
/// <c>Gsv.Ragflow</c> declare the same key by name, without a reference to this assembly) and retries it itself, knowing
/// what is safe (e.g. looking the flow up by name first). Everything else keeps the standard retries.
/// </summary>
public static class SendOnceRequests
{
    public const string OptionName = "gsv.send-once";

    public static readonly HttpRequestOptionsKey<bool> Key = new(OptionName);

    public static bool IsMarked(HttpRequestMessage? request) => request is not null && request.Options.TryGetValue(Key, out var once) && once;

    /// <summary>
    /// The standard resilience handler (retries, timeouts, circuit breaker), which leaves marked requests unretried;
    /// <paramref name="configure"/> may change its options first.
    /// </summary>
    public static IHttpStandardResiliencePipelineBuilder AddGsvStandardResilienceHandler(
        this IHttpClientBuilder http, Action<HttpStandardResilienceOptions>? configure = null) =>
        http.AddStandardResilienceHandler(options =>
        {
            configure?.Invoke(options);
            var retryable = options.Retry.ShouldHandle;
            options.Retry.ShouldHandle = arguments =>
                IsMarked(arguments.Context.GetRequestMessage()) ? ValueTask.FromResult(false) : retryable(arguments);
        });
}
