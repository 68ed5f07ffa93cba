using System.Diagnostics;
using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Data;
using Gsv.Provisioner.Observability;
using Gsv.Provisioner.Offerings;
using Gsv.Provisioner.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gsv.Provisioner.Inbox;

/// <summary>
/// Processes the inbox after the webhook was acknowledged. A row is claimed with <c>FOR UPDATE SKIP LOCKED</c> inside a
/// transaction held while it is processed: a crash rolls the claim back and the row is picked up again (every step of
/// processing is idempotent), and several Provisioner replicas never process the same row at once.
/// </summary>
public sealed partial class InboxWorker(
    IServiceScopeFactory scopes, InboxSignal signal, OfferingSyncState offerings, IOptions<InboxOptions> options, TimeProvider time,
    ProvisionerMetrics metrics, ILogger<InboxWorker> logger)
    : BackgroundService
{
    private static readonly ActivitySource Activity = new("Gsv.Provisioner.Inbox");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Events keep arriving (and are recorded) meanwhile; processing them needs the offerings in the Control Plane.
        await offerings.WhenSyncedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            bool processed;
            try
            {
                processed = await ProcessNextAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLoopError(logger, e);
                processed = false;
            }

            if (!processed)
            {
                await signal.WakeUp.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Claims and processes one due row; false when there is none.</summary>
    public async Task<bool> ProcessNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProvisionerDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var message = (await db.Inbox.FromSql($"""
                SELECT * FROM inbox_messages
                WHERE status = {InboxStatus.Pending.WireName()} AND next_attempt_at <= {now}
                ORDER BY next_attempt_at, id
                LIMIT 1
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken)).SingleOrDefault();
        if (message is null)
        {
            return false;
        }

        using var activity = Activity.StartActivity("inbox.process");
        activity?.SetTag("gsv.order_id", message.OrderId);
        message.Attempts++;
        var processor = scope.ServiceProvider.GetRequiredService<OrderProcessor>();
        try
        {
            var order = OrderPaidEvent.Parse(message.Payload);
            if (order.IsPaid)
            {
                await processor.ProcessAsync(order, cancellationToken);
                message.Status = InboxStatus.Processed;
                message.LastError = null;
                LogProcessed(logger, message.OrderId, message.Attempts);
            }
            else
            {
                // Checked at the edge already; a row recorded before that check existed is not provisioned either.
                message.Status = InboxStatus.Ignored;
                message.LastError = OrderPaidEvent.NotPaidReason;
            }

            message.ProcessedAt = time.GetUtcNow();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // shutting down: the transaction rolls back and the row stays pending
        }
        catch (Exception e) when (OrderFailures.IsPermanent(e))
        {
            message.Status = InboxStatus.Failed;
            message.LastError = e.Message;
            metrics.OrderFailed();
            LogPermanentFailure(logger, message.OrderId, e);
        }
        catch (Exception e)
        {
            // A transient fault (an outage of the Control Plane, Keycloak, Langflow…) is retried for as long as it lasts;
            // an unexplained error only up to MaxAttempts.
            message.LastError = e.Message;
            var transient = TransientFaults.IsTransient(e);
            if (!transient && message.Attempts >= options.Value.MaxAttempts)
            {
                message.Status = InboxStatus.Failed;
                metrics.OrderFailed();
                LogGaveUp(logger, message.OrderId, message.Attempts, e);
            }
            else
            {
                var delay = TransientFaults.JitteredBackoff(options.Value.InitialBackoff, options.Value.MaxBackoff, message.Attempts);
                message.NextAttemptAt = time.GetUtcNow() + delay;
                metrics.TransientFailure("order");
                LogTransientFailure(logger, message.OrderId, message.Attempts, delay, transient ? "transient" : "unexplained", e.Message);
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return true;
    }

    [LoggerMessage(LogLevel.Information, "Order {OrderId} provisioned (attempt {Attempt})")]
    private static partial void LogProcessed(ILogger logger, string orderId, int attempt);

    [LoggerMessage(LogLevel.Error, "Order {OrderId} cannot be provisioned; marked failed in the inbox")]
    private static partial void LogPermanentFailure(ILogger logger, string orderId, Exception exception);

    [LoggerMessage(LogLevel.Error, "Order {OrderId} still failing after {Attempts} attempts (not a transient fault); marked failed in the inbox")]
    private static partial void LogGaveUp(ILogger logger, string orderId, int attempts, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Order {OrderId} attempt {Attempt} failed ({Kind}), retrying in {Delay}: {Error}")]
    private static partial void LogTransientFailure(ILogger logger, string orderId, int attempt, TimeSpan delay, string kind, string error);

    [LoggerMessage(LogLevel.Error, "Inbox worker loop failed")]
    private static partial void LogLoopError(ILogger logger, Exception exception);
}
