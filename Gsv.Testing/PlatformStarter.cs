using Aspire.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Gsv.Testing;

/// <summary>
/// Starts the real AppHost in local mode on a throw-away data folder (<c>Gsv:Ephemeral</c>), as the integration tests
/// and the benchmark do, and waits until the GSV services are healthy.
/// </summary>
public static class PlatformStarter
{
    /// <summary>The GSV services (projects) of the resource graph.</summary>
    public static readonly string[] Services = ["controlplane", "gateway", "provisioner", "web"];

    /// <summary>Every resource of the local-mode graph that has a health check or a process.</summary>
    public static readonly string[] Resources =
    [
        "postgres", "controlplane-db", "provisioner-db", "saleor-db", "langflow-db", "redis", "keycloak", "saleor", "langflow", "ragflow", "cms", "mail",
        "controlplane", "gateway", "provisioner", "web",
    ];

    /// <param name="arguments">Extra AppHost arguments, after the defaults (later ones win: <c>--Parameters:x=y</c>).</param>
    /// <param name="environment">Environment for every GSV service (e.g. <c>Gsv__Chaos__Enabled</c>), or for the program each variable names.</param>
    /// <param name="configure">Last changes to the builder (logging, one service's environment…).</param>
    /// <param name="starting">Called with the built application just before it starts (to watch its resources come up).</param>
    public static async Task<DistributedApplication> StartAsync(
        string dataPath,
        IReadOnlyList<string>? arguments = null,
        IEnumerable<ServiceVariable>? environment = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null,
        TimeSpan? startupTimeout = null,
        Action<DistributedApplication>? starting = null,
        CancellationToken cancellationToken = default)
    {
        // Created with the default mode (not 0700 like CreateTempSubdirectory) so the 'postgres' OS user can reach it.
        Directory.CreateDirectory(dataPath);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gsv_AppHost>(
            ["--Gsv:Infrastructure=local", $"--Gsv:DataPath={dataPath}", "--Gsv:Ephemeral=true", .. arguments ?? []],
            cancellationToken);
        // No dashboard runs here, so nothing listens at the telemetry endpoint Aspire hands out: a program that exports
        // there keeps retrying in memory, and waits for its last export, up to 10 s, before it exits (each stop of a
        // service in a test took 10 to 18 s). Spans and metrics are still produced; they are just not sent.
        foreach (var resource in builder.Resources.OfType<IResourceWithEnvironment>().Where(r => r.HasAnnotationOfType<OtlpExporterAnnotation>()))
        {
            builder.CreateResourceBuilder(resource).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
        }

        foreach (var variable in environment ?? [])
        {
            foreach (var program in variable.Service is { } one ? [one] : Services)
            {
                builder.CreateResourceBuilder(builder.Resources.OfType<IResourceWithEnvironment>().Single(r => r.Name == program))
                    .WithEnvironment(variable.Name, variable.Value);
            }
        }

        configure?.Invoke(builder);
        var app = await builder.BuildAsync(cancellationToken);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(startupTimeout ?? TimeSpan.FromMinutes(8));
        starting?.Invoke(app);
        try
        {
            await app.StartAsync(startup.Token);
            foreach (var service in Services)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
            }
        }
        catch (Exception e)
        {
            // A platform that did not come up is stopped here: the caller has no application to dispose.
            var timedOut = e is OperationCanceledException && startup.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
            var unhealthy = timedOut ? Unhealthy(app) : null;
            await app.DisposeAsync();
            if (timedOut)
            {
                throw new TimeoutException(
                    $"The platform was not healthy within {startupTimeout ?? TimeSpan.FromMinutes(8)}; not healthy: {unhealthy} (see each resource's log above).", e);
            }

            throw;
        }

        return app;
    }

    /// <summary>A resource's state and health as the AppHost last saw them, e.g. <c>redis (Running, Unhealthy)</c>.</summary>
    public static string Describe(DistributedApplication app, string resource) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var current)
            ? $"{resource} ({current.Snapshot.State?.Text ?? "no state"}, {current.Snapshot.HealthStatus?.ToString() ?? "no health yet"})"
            : $"{resource} (no state)";

    /// <summary>The resources that are not healthy, each described (for a start that failed).</summary>
    private static string Unhealthy(DistributedApplication app)
    {
        var resources = Resources
            .Where(resource => !app.ResourceNotifications.TryGetCurrentState(resource, out var current) || current.Snapshot.HealthStatus != HealthStatus.Healthy)
            .Select(resource => Describe(app, resource))
            .ToList();
        return resources.Count == 0 ? "none (the wait itself timed out)" : string.Join(", ", resources);
    }

    /// <summary>
    /// Logging for a platform under test: warnings, and DCP's own chatter only when it fails. The resources' health
    /// checks are not logged: they fail by design while a resource starts or after it stops (an error with a stack
    /// trace each time, hundreds per run, filling the end of CI's output); a start that never becomes healthy names
    /// its unhealthy resources in its exception instead.
    /// </summary>
    public static ILoggingBuilder QuietLogging(ILoggingBuilder logging) => logging
        .SetMinimumLevel(LogLevel.Warning)
        .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
        .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
}
