using Gsv.Provisioner.Inbox;
using Gsv.Saleor;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gsv.Provisioner.Catalog;

/// <summary>Runs the bootstrap at start-up, retrying with backoff while Saleor is not ready yet.</summary>
public sealed partial class CatalogBootstrapService(
    IServiceProvider services, SaleorBootstrapState state, IConfiguration configuration, ILogger<CatalogBootstrapService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Never block or crash the host: the rest of the Provisioner runs while Saleor comes up.
        await Task.Yield();
        var seed = SeedCatalog.Load();
        var publicUrl = new Uri(configuration["Provisioner:PublicUrl"] ?? throw new InvalidOperationException("Provisioner:PublicUrl is not configured."));
        // The Web app as Saleor sees it, for the product events that refresh its cached lists.
        var webPublicUrl = configuration["Provisioner:WebPublicUrl"] is { Length: > 0 } web ? new Uri(web) : null;
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                using var scope = services.CreateScope();
                var bootstrapper = scope.ServiceProvider.GetRequiredService<CatalogBootstrapper>();
                state.Complete(await bootstrapper.RunAsync(seed, publicUrl, webPublicUrl, stoppingToken));
                state.LastError = null;
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                state.LastError = e.Message;
                var delay = InboxOptions.Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), attempt);
                LogRetry(logger, delay, e);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Saleor bootstrap failed; retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, TimeSpan delay, Exception exception);
}

/// <summary>/health reports Unhealthy until the catalog, app and webhook are in place.</summary>
public sealed class SaleorBootstrapHealthCheck(SaleorBootstrapState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsReady
            ? HealthCheckResult.Healthy("Saleor catalog, app and webhook are in place.")
            : HealthCheckResult.Unhealthy(state.LastError is null ? "Saleor bootstrap is running." : $"Saleor bootstrap failed: {state.LastError}"));
}

public static class CatalogBootstrapExtensions
{
    /// <summary>Age at which the stored Saleor app token is replaced at the next start (default 30 days).</summary>
    public const string TokenRotationAgeKey = "Provisioner:SaleorAppTokenRotationAge";

    /// <summary>The Saleor staff client and the start-up bootstrap (same code path against the emulator or a real Saleor).</summary>
    public static IHostApplicationBuilder AddSaleorCatalogBootstrap(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSaleorClient(builder.Configuration);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SaleorOptions>>().Value;
            return new StaffTokenSource(
                options.StaffEmail ?? throw new InvalidOperationException("Saleor:StaffEmail is not configured."),
                options.StaffPassword ?? throw new InvalidOperationException("Saleor:StaffPassword is not configured."));
        });
        builder.Services.AddScoped<SaleorAppTokenStore>();
        var tokenRotationAge = builder.Configuration.GetValue(TokenRotationAgeKey, TimeSpan.FromDays(30));
        builder.Services.AddTransient(sp => new CatalogBootstrapper(
            sp.GetRequiredService<SaleorClient>().WithTokens(sp.GetRequiredService<StaffTokenSource>()),
            sp.GetRequiredService<SaleorAppTokenStore>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, tokenRotationAge,
            sp.GetRequiredService<ILogger<CatalogBootstrapper>>()));
        builder.Services.AddSingleton<SaleorBootstrapState>();
        builder.Services.AddHostedService<CatalogBootstrapService>();
        builder.Services.AddHealthChecks().AddCheck<SaleorBootstrapHealthCheck>("saleor-bootstrap");
        return builder;
    }
}
