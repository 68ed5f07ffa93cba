using System.Globalization;
using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Catalog;
using Gsv.Saleor;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gsv.Provisioner.Offerings;

/// <summary>Completed once the Control Plane knows every offering of the Saleor catalog; orders wait for it.</summary>
public sealed class OfferingSyncState
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsSynced => _synced.Task.IsCompletedSuccessfully;

    public string? LastError { get; set; }

    public Task WhenSyncedAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public void Complete() => _synced.TrySetResult();
}

/// <summary>
/// After the Saleor bootstrap, copies the catalog as Saleor shows it (products of the channel and their <c>gsv-*</c>
/// attributes) into the Control Plane's offerings (<c>PUT /internal/v1/offerings/{slug}</c>, an upsert).
/// </summary>
public sealed partial class OfferingSyncService(
    IServiceProvider services, SaleorBootstrapState bootstrap, OfferingSyncState state, ILogger<OfferingSyncService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var result = await bootstrap.WhenReadyAsync(stoppingToken);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var count = await SyncAsync(
                    scope.ServiceProvider.GetRequiredService<SaleorClient>(), scope.ServiceProvider.GetRequiredService<ControlPlaneClient>(),
                    result.ChannelSlug, stoppingToken);
                state.LastError = null;
                state.Complete();
                LogSynced(logger, count, result.ChannelSlug);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                state.LastError = e.Message;
                LogRetry(logger, delay, e);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    private async Task<int> SyncAsync(SaleorClient saleor, ControlPlaneClient controlPlane, string channel, CancellationToken cancellationToken)
    {
        var count = 0;
        // Each product is one upsert of its own: a few at a time, while the next page of the catalog is read.
        var options = new ParallelOptions { MaxDegreeOfParallelism = CatalogBootstrapper.ConcurrentRequests, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(saleor.ProductsAsync(channel, cancellationToken: cancellationToken), options, async (product, ct) =>
        {
            if (OfferingAttributes.From(product) is not { } attributes)
            {
                return; // not a GSV product
            }

            if (!TryReadPrice(product, attributes.Kind, out var creditsPerRun, out var reason))
            {
                // Not sellable: a run would be free. The Control Plane would refuse its instances anyway.
                LogUnpriced(logger, product.Slug, reason);
                return;
            }

            var offering = ToOffering(product, attributes, creditsPerRun);
            try
            {
                await controlPlane.UpsertOfferingAsync(product.Slug, offering, ct);
                Interlocked.Increment(ref count);
            }
            catch (ControlPlaneProblemException e) when ((int)e.Status is >= 400 and < 500 and not 401 and not 403)
            {
                // One product the Control Plane refuses must not keep every other offering (and all orders) waiting.
                LogRefused(logger, product.Slug, e.Message);
            }
        });

        return count;
    }

    /// <summary>
    /// The price of a run (<c>gsv-credits-per-run</c>): a positive whole number of credits, at most
    /// <see cref="MaxCreditsPerRun"/>; a credit pack has none (0). Anything else (missing, 0, negative, fractional, not a
    /// number) is refused with the reason.
    /// </summary>
    public static bool TryReadPrice(CatalogProduct product, string kind, out long creditsPerRun, out string reason)
    {
        creditsPerRun = 0;
        reason = "";
        if (kind == OfferingKinds.CreditPack)
        {
            return true;
        }

        if (product.ValuesOf(GsvAttributes.CreditsPerRun) is not [{ Name: { Length: > 0 } text }, ..])
        {
            reason = $"it has no {GsvAttributes.CreditsPerRun}";
            return false;
        }

        if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            || value != decimal.Truncate(value) || value is < 1 or > MaxCreditsPerRun)
        {
            reason = $"its {GsvAttributes.CreditsPerRun} '{(text.Length > 40 ? text[..40] + "…" : text)}' is not a whole number from 1 to {MaxCreditsPerRun}";
            return false;
        }

        creditsPerRun = (long)value;
        return true;
    }

    public const long MaxCreditsPerRun = 1_000_000;

    /// <summary>The Control Plane's offering for a product of the catalog (its price of a run already read).</summary>
    public static UpsertOfferingRequest ToOffering(CatalogProduct product, OfferingAttributes attributes, long creditsPerRun) => new(
        product.Id, product.Name, attributes.Kind, attributes.Flow, creditsPerRun, attributes.IncludedCredits, attributes.TrialCredits ?? 0,
        [.. attributes.Connectors], attributes.Knowledge);

    [LoggerMessage(LogLevel.Information, "Synced {Count} offerings of Saleor channel {Channel} into the Control Plane")]
    private static partial void LogSynced(ILogger logger, int count, string channel);

    [LoggerMessage(LogLevel.Error, "Product {Slug} is not synced and cannot be sold: {Reason}")]
    private static partial void LogUnpriced(ILogger logger, string slug, string reason);

    [LoggerMessage(LogLevel.Error, "The Control Plane refused offering {Slug}: {Error}")]
    private static partial void LogRefused(ILogger logger, string slug, string error);

    [LoggerMessage(LogLevel.Warning, "Syncing offerings into the Control Plane failed; retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, TimeSpan delay, Exception exception);
}

/// <summary>/health is Unhealthy until the offerings are in the Control Plane (orders before that could not be provisioned).</summary>
public sealed class OfferingSyncHealthCheck(OfferingSyncState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsSynced
            ? HealthCheckResult.Healthy("Offerings are synced into the Control Plane.")
            : HealthCheckResult.Unhealthy(state.LastError is null ? "Offering sync pending." : $"Offering sync failed: {state.LastError}"));
}
