using System.Diagnostics;
using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Inbox;

namespace Gsv.Provisioner.Orders;

/// <summary>
/// Turns a paid order into instances and credits, idempotently on order id + line id: the buyer is found or created by
/// e-mail; offering lines create an instance (then GitOps) and grant the included credits × quantity; credit packs
/// grant their size × quantity. Every Control Plane call is idempotent, so replaying a half-done order finishes it.
/// </summary>
public sealed partial class OrderProcessor(ControlPlaneClient controlPlane, InstanceProvisioning provisioning, ILogger<OrderProcessor> logger)
{
    public const string KindAttribute = "gsv-kind";
    public const string IncludedCreditsAttribute = "gsv-included-credits";

    private static readonly ActivitySource Activity = new("Gsv.Provisioner.Orders");

    public async Task ProcessAsync(OrderPaidEvent order, CancellationToken cancellationToken)
    {
        using var activity = Activity.StartActivity("order.provision");
        activity?.SetTag("gsv.order_id", order.OrderId);
        var buyer = await controlPlane.FindOrCreateUserAsync(order.Email, cancellationToken);
        var problems = new List<string>();
        foreach (var line in order.Lines)
        {
            try
            {
                await ProcessLineAsync(order, line, buyer.WorkspaceId, cancellationToken);
            }
            catch (Exception e) when (OrderFailures.IsPermanent(e))
            {
                // One bad line must not hold back the others; the order is still marked failed afterwards.
                LogLineFailed(logger, order.OrderId, line.LineId, e.Message);
                problems.Add($"line {line.LineId}: {e.Message}");
            }
        }

        if (problems.Count > 0)
        {
            throw new UnprovisionableLineException(string.Join("; ", problems));
        }
    }

    private async Task ProcessLineAsync(OrderPaidEvent order, PaidOrderLine line, Guid workspaceId, CancellationToken cancellationToken)
    {
        var (kind, includedCredits) = await DescribeAsync(line, cancellationToken);
        var idempotencyKey = $"order:{order.OrderId}:line:{line.LineId}";
        var credits = checked(includedCredits * line.Quantity);
        if (kind == OfferingKinds.CreditPack)
        {
            await GrantAsync(workspaceId, credits, GrantKind.CreditPack, idempotencyKey, $"Credit pack {line.ProductSlug} × {line.Quantity} (order {order.OrderNumber ?? order.OrderId})", cancellationToken);
            return;
        }

        if (!OfferingKinds.Runnable.Contains(kind))
        {
            throw new UnprovisionableLineException($"product '{line.ProductSlug}' has an unknown {KindAttribute} '{kind}'");
        }

        var instance = await controlPlane.CreateInstanceAsync(
            new CreateInstanceRequest(workspaceId, line.ProductSlug, line.ProductId, line.VariantId, order.OrderId, line.LineId), cancellationToken);
        LogInstance(logger, instance.Id, line.ProductSlug, order.OrderId, line.LineId, instance.State);
        await GrantAsync(workspaceId, credits, GrantKind.Purchase, idempotencyKey, $"{line.ProductSlug} × {line.Quantity} (order {order.OrderNumber ?? order.OrderId})", cancellationToken);
        await provisioning.RequestAsync(instance, cancellationToken);
    }

    private async Task GrantAsync(Guid workspaceId, long amount, GrantKind kind, string idempotencyKey, string reason, CancellationToken cancellationToken)
    {
        if (amount <= 0)
        {
            return;
        }

        var result = await controlPlane.GrantAsync(workspaceId, new GrantRequest(amount, kind, idempotencyKey, reason), cancellationToken);
        LogGrant(logger, amount, workspaceId, idempotencyKey, result.Created);
    }

    /// <summary>The line's kind and included credits from the product attributes in the payload, else the synced offering.</summary>
    private async Task<(string Kind, long IncludedCredits)> DescribeAsync(PaidOrderLine line, CancellationToken cancellationToken)
    {
        var kind = line.Attribute(KindAttribute);
        var credits = OrderPaidEvent.ParseCredits(line.Attribute(IncludedCreditsAttribute));
        if (kind is null || credits is null)
        {
            var offering = await controlPlane.GetOfferingAsync(line.ProductSlug, cancellationToken)
                ?? throw new UnprovisionableLineException($"product '{line.ProductSlug}' has no {KindAttribute}/{IncludedCreditsAttribute} and is no known offering");
            kind ??= offering.Kind;
            credits ??= offering.IncludedCredits;
        }

        return (kind, credits.Value);
    }

    [LoggerMessage(LogLevel.Information, "Instance {InstanceId} of {Offering} for order {OrderId} line {LineId} ({State})")]
    private static partial void LogInstance(ILogger logger, Guid instanceId, string offering, string orderId, string lineId, InstanceState state);

    [LoggerMessage(LogLevel.Information, "Granted {Amount} credits to workspace {WorkspaceId} ({IdempotencyKey}, new: {Created})")]
    private static partial void LogGrant(ILogger logger, long amount, Guid workspaceId, string idempotencyKey, bool created);

    [LoggerMessage(LogLevel.Error, "Order {OrderId} line {LineId} cannot be provisioned: {Error}")]
    private static partial void LogLineFailed(ILogger logger, string orderId, string lineId, string error);
}
