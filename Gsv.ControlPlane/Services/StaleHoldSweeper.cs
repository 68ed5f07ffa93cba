using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gsv.ControlPlane.Services;

public sealed class StaleHoldOptions
{
    public const string SectionName = "ControlPlane:Holds";

    /// <summary>
    /// An open hold older than this is released (no charge): the gateway that took it has crashed or lost the run.
    /// Far above the gateway's runtime timeout (30 s), so a run still in progress is never swept.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the sweep looks for stale holds.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Expires the unspent credits of ended trials, and releases holds left open by a gateway that stopped in the middle of a run, so their credits become available
/// again. The run is not charged: if the gateway comes back and captures, it gets a conflict and the run stays free.
/// </summary>
public sealed partial class StaleHoldSweeper(
    IServiceScopeFactory scopes, IOptions<StaleHoldOptions> options, TimeProvider time, ILogger<StaleHoldSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var released = await scope.ServiceProvider.GetRequiredService<LedgerService>()
                    .ReleaseStaleHoldsAsync(time.GetUtcNow() - options.Value.StaleAfter, stoppingToken);
                if (released > 0)
                {
                    LogReleased(logger, released, options.Value.StaleAfter);
                }

                // Ended trials: their unspent credits leave the wallet even if the workspace never runs anything again.
                var expired = await scope.ServiceProvider.GetRequiredService<LedgerService>().ExpireTrialsAsync(stoppingToken);
                if (expired > 0)
                {
                    LogExpired(logger, expired);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released {Count} holds left open for more than {StaleAfter} (their runs were not charged)")]
    private static partial void LogReleased(ILogger logger, int count, TimeSpan staleAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took the unspent credits of ended trials out of {Count} wallets")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stale hold sweep failed; it runs again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
