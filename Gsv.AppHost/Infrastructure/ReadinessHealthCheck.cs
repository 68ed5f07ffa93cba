using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// An HTTP health check (a <c>GET</c> that must answer 200, like <c>WithHttpHealthCheck</c>) that does not make a
/// starting resource wait for Aspire's next look. Aspire checks an unhealthy resource again after 1, 2, 3, 4, then
/// every 5 s, counting from when the resource was created, so a service that waited for its dependencies is checked
/// every 5 s by the time it starts, and was seen healthy on average 2.5 s after it was (1 to 4 s per service in the
/// start benchmark), each service in the chain Control Plane → Gateway → Web adding its own wait. While the resource
/// is not healthy, this check asks again every 100 ms for up to 10 s before it answers unhealthy; once healthy, it
/// asks once, so a resource that goes down is reported at the next check.
/// </summary>
public static class ReadinessHealthCheckExtensions
{
    public static IResourceBuilder<T> WithReadinessHealthCheck<T>(this IResourceBuilder<T> builder, string path)
        where T : IResourceWithEndpoints
    {
        var endpoint = builder.GetEndpoint("http");
        var check = new ReadinessHealthCheck(builder.Resource.Name);
        builder.OnBeforeResourceStarted((_, _, _) =>
        {
            check.Uri = new Uri(new Uri(endpoint.Url, UriKind.Absolute), path);
            return Task.CompletedTask;
        });

        var key = $"{builder.Resource.Name}_http_{path}_ready_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check, failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }
}

public sealed class ReadinessHealthCheck(string resourceName) : IHealthCheck
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private volatile bool _healthy;

    /// <summary>The address to ask, known once the resource's endpoint is allocated (before it starts).</summary>
    public Uri? Uri { get; set; }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Uri is not { } uri)
        {
            return HealthCheckResult.Unhealthy($"{resourceName} has not started yet.");
        }

        var started = Stopwatch.GetTimestamp();
        var window = _healthy ? TimeSpan.Zero : Window;
        while (true)
        {
            var failure = await ProbeAsync(uri, cancellationToken);
            if (failure is null)
            {
                _healthy = true;
                return HealthCheckResult.Healthy();
            }

            if (Stopwatch.GetElapsedTime(started) + Step >= window)
            {
                _healthy = false;
                return HealthCheckResult.Unhealthy(failure);
            }

            await Task.Delay(Step, cancellationToken);
        }
    }

    /// <summary>Null when the resource answered 200, otherwise what it answered or why it did not.</summary>
    private static async Task<string?> ProbeAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.StatusCode == System.Net.HttpStatusCode.OK ? null : $"GET {uri} answered {(int)response.StatusCode}.";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"GET {uri} failed: {exception.Message}";
        }
    }
}
