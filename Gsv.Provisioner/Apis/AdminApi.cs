using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Data;
using Gsv.Provisioner.Inbox;
using Gsv.Provisioner.Observability;
using Gsv.Provisioner.Reconciliation;
using Gsv.ServiceDefaults.Authentication;
using Gsv.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;

namespace Gsv.Provisioner.Apis;

/// <summary>
/// <c>/admin/v1</c> (realm role <c>gsv-admin</c>): put failed work back. A failed order goes back to the inbox as a new
/// attempt (processing is idempotent: what was provisioned before is found, not repeated); a FAILED instance goes back
/// to PROVISIONING, so the reconciler deploys it again.
/// </summary>
public static partial class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").WithTags("Admin").RequireAuthorization(GsvPolicies.Admin);
        admin.MapPost("/orders/{orderId}/requeue", RequeueOrderAsync);
        admin.MapPost("/instances/{id:guid}/requeue", RequeueInstanceAsync);
        return app;
    }

    public sealed record RequeuedOrder(string OrderId, string Status, int Attempts, string? PreviousError);

    private static async Task<IResult> RequeueOrderAsync(
        string orderId, ProvisionerDbContext db, InboxSignal signal, TimeProvider time, ProvisionerMetrics metrics, ILogger<AdminApiLog> logger,
        CancellationToken cancellationToken)
    {
        if (orderId.Length is 0 or > 200)
        {
            return GsvProblems.NotFoundProblem("Order");
        }

        var messages = await db.Inbox.Where(m => m.OrderId == orderId).ToListAsync(cancellationToken);
        if (messages.Count == 0)
        {
            return GsvProblems.NotFoundProblem($"Order {orderId} in the inbox");
        }

        var failed = messages.Where(m => m.Status == InboxStatus.Failed).ToList();
        if (failed.Count == 0)
        {
            return GsvProblems.Problem(GsvProblems.Conflict, StatusCodes.Status409Conflict, "Not failed",
                $"Order {orderId} is {string.Join(", ", messages.Select(m => m.Status.WireName()).Distinct())}: only a failed order can be requeued.");
        }

        var previous = failed[0].LastError;
        foreach (var message in failed)
        {
            message.Status = InboxStatus.Pending;
            message.Attempts = 0;
            message.NextAttemptAt = time.GetUtcNow();
            message.ProcessedAt = null;
        }

        await db.SaveChangesAsync(cancellationToken);
        signal.WakeUp.Notify();
        metrics.Requeued("order");
        LogOrderRequeued(logger, orderId, previous);
        return TypedResults.Accepted($"/admin/v1/orders/{orderId}", new RequeuedOrder(orderId, InboxStatus.Pending.WireName(), 0, previous));
    }

    private static async Task<IResult> RequeueInstanceAsync(
        Guid id, ControlPlaneClient controlPlane, ProvisionerDbContext db, ReconcilerSignal signal, ProvisionerMetrics metrics,
        ILogger<AdminApiLog> logger, CancellationToken cancellationToken)
    {
        var instance = await controlPlane.GetInstanceAsync(id, cancellationToken);
        if (instance is null)
        {
            return GsvProblems.NotFoundProblem($"Instance {id}");
        }

        if (instance.State != InstanceState.Failed)
        {
            return GsvProblems.Problem(GsvProblems.Conflict, StatusCodes.Status409Conflict, "Not failed",
                $"Instance {id} is {instance.State.ToString().ToUpperInvariant()}: only a FAILED instance can be requeued.");
        }

        await db.ReconcileFailures.Where(f => f.InstanceId == id).ExecuteDeleteAsync(cancellationToken);
        var requeued = await controlPlane.TransitionInstanceAsync(
            id, new TransitionRequest(InstanceState.Provisioning, $"requeued by an administrator after: {instance.LastError}"), cancellationToken);
        signal.WakeUp.Notify();
        metrics.Requeued("instance");
        LogInstanceRequeued(logger, id, instance.LastError);
        return TypedResults.Accepted($"/admin/v1/instances/{id}", requeued);
    }

    /// <summary>The category of the admin endpoints' logs.</summary>
    public sealed class AdminApiLog;

    [LoggerMessage(LogLevel.Warning, "Order {OrderId} requeued by an administrator (it had failed: {PreviousError})")]
    private static partial void LogOrderRequeued(ILogger logger, string orderId, string? previousError);

    [LoggerMessage(LogLevel.Warning, "Instance {InstanceId} requeued by an administrator (it had failed: {PreviousError})")]
    private static partial void LogInstanceRequeued(ILogger logger, Guid instanceId, string? previousError);
}
