using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Gsv.ServiceDefaults;

/// <summary>
/// Writes <c>/health</c>'s answer (the status as plain text, like the default writer) and logs the service's health
/// once per change: its status, and which checks are not healthy and why. ASP.NET Core's health check service logs
/// every failing check at every request instead, as an error, and the AppHost asks ten times a second while a service
/// starts: a few hundred error entries in every normal start, repeating a reason already given.
/// </summary>
public sealed partial class HealthChangeLog(ILogger<HealthChangeLog> logger)
{
    /// <summary>The category of those per-request entries, which the service defaults keep to critical ones.</summary>
    public const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    private string? _last;

    public Task WriteAsync(HttpContext context, HealthReport report)
    {
        var failing = string.Join("; ", report.Entries
            .Where(entry => entry.Value.Status != HealthStatus.Healthy)
            .Select(entry => $"{entry.Key} {entry.Value.Status}: {entry.Value.Description ?? entry.Value.Exception?.Message ?? "no reason given"}"));
        var state = $"{report.Status} {failing}";
        if (!string.Equals(Interlocked.Exchange(ref _last, state), state, StringComparison.Ordinal))
        {
            if (report.Status == HealthStatus.Healthy)
            {
                LogHealthy(logger);
            }
            else
            {
                LogNotHealthy(logger, report.Status, failing);
            }
        }

        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(report.Status.ToString(), context.RequestAborted);
    }

    [LoggerMessage(LogLevel.Information, "Healthy: every health check passes")]
    private static partial void LogHealthy(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "{Status}: {Failing}")]
    private static partial void LogNotHealthy(ILogger logger, HealthStatus status, string failing);
}
