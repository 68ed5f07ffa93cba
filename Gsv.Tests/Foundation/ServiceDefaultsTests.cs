using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gsv.Tests.Foundation;

public sealed class ServiceDefaultsTests
{
    private const string HttpClientCategory = "System.Net.Http.HttpClient.Default.LogicalHandler";

    [Fact]
    public void Http_client_and_Polly_logs_start_at_warning_and_configuration_can_raise_them()
    {
        using var quiet = Build([]);
        var loggers = quiet.Services.GetRequiredService<ILoggerFactory>();
        Assert.False(loggers.CreateLogger(HttpClientCategory).IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger(HttpClientCategory).IsEnabled(LogLevel.Warning));
        Assert.False(loggers.CreateLogger("Polly").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Gsv.Anything").IsEnabled(LogLevel.Information));
        // Health changes are logged by HealthChangeLog, not every failing check at every /health request.
        Assert.False(loggers.CreateLogger(Gsv.ServiceDefaults.HealthChangeLog.HealthCheckServiceCategory).IsEnabled(LogLevel.Error));

        using var verbose = Build(["--Logging:LogLevel:System.Net.Http.HttpClient=Information"]);
        Assert.True(verbose.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HttpClientCategory).IsEnabled(LogLevel.Information));
    }

    private static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        return builder.Build();
    }
}
