using Gsv.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Gsv.Tests.Foundation;

public sealed class HealthChangeLogTests
{
    [Fact]
    public async Task Health_is_logged_once_per_change_with_the_failing_checks_and_answered_as_plain_text()
    {
        var logger = new RecordingLogger();
        var log = new HealthChangeLog(logger);
        var starting = Report(("database", HealthStatus.Healthy, null), ("saleor-bootstrap", HealthStatus.Unhealthy, "Saleor bootstrap is running."));

        Assert.Equal("Unhealthy", await WriteAsync(log, starting));
        Assert.Equal("Unhealthy", await WriteAsync(log, starting));
        Assert.Equal((LogLevel.Warning, "Unhealthy: saleor-bootstrap Unhealthy: Saleor bootstrap is running."), Assert.Single(logger.Entries));

        // Another reason is another state; then healthy, once however often it is asked.
        await WriteAsync(log, Report(("saleor-bootstrap", HealthStatus.Unhealthy, "Saleor bootstrap failed: connection refused")));
        Assert.Equal("Healthy", await WriteAsync(log, Report(("saleor-bootstrap", HealthStatus.Healthy, null))));
        await WriteAsync(log, Report(("saleor-bootstrap", HealthStatus.Healthy, null)));
        Assert.Equal(
            [
                (LogLevel.Warning, "Unhealthy: saleor-bootstrap Unhealthy: Saleor bootstrap is running."),
                (LogLevel.Warning, "Unhealthy: saleor-bootstrap Unhealthy: Saleor bootstrap failed: connection refused"),
                (LogLevel.Information, "Healthy: every health check passes"),
            ],
            logger.Entries);
    }

    [Fact]
    public async Task A_check_that_threw_is_named_with_its_exception()
    {
        var logger = new RecordingLogger();
        var entry = new HealthReportEntry(HealthStatus.Unhealthy, null, TimeSpan.Zero, new InvalidOperationException("no route to host"), null);
        await WriteAsync(new HealthChangeLog(logger), new HealthReport(new Dictionary<string, HealthReportEntry> { ["redis"] = entry }, TimeSpan.Zero));
        Assert.Equal((LogLevel.Warning, "Unhealthy: redis Unhealthy: no route to host"), Assert.Single(logger.Entries));
    }

    private static HealthReport Report(params (string Name, HealthStatus Status, string? Description)[] checks) =>
        new(checks.ToDictionary(c => c.Name, c => new HealthReportEntry(c.Status, c.Description, TimeSpan.Zero, null, null)), TimeSpan.Zero);

    private static async Task<string> WriteAsync(HealthChangeLog log, HealthReport report)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await log.WriteAsync(context, report);
        Assert.Equal("text/plain", context.Response.ContentType);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }

    private sealed class RecordingLogger : ILogger<HealthChangeLog>
    {
        public List<(LogLevel, string)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
