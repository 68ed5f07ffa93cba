using Gsv.ControlPlane.Client;
using Gsv.Saleor;

namespace Gsv.Web.Commerce;

/// <summary>
/// What the Control Plane has made of a paid order so far: per order line, the instance created for it (offerings) or
/// the credit-pack grant (the Provisioner's idempotency key <c>order:{orderId}:line:{lineId}</c>).
/// </summary>
public sealed class OrderProgress(string orderId, IReadOnlyList<InstanceDto> instances, IReadOnlyList<LedgerEntryDto> ledger)
{
    public static readonly OrderProgress Empty = new("", [], []);

    public sealed record LineProgress(InstanceDto? Instance, LedgerEntryDto? CreditPack);

    public LineProgress Of(OrderLine line) => new(
        instances.FirstOrDefault(i => i.OrderId == orderId && i.OrderLineId == line.Id),
        ledger.FirstOrDefault(e => e.IdempotencyKey == $"order:{orderId}:line:{line.Id}" && e.GrantKind == GrantKind.CreditPack));

    public bool HasCreditPack => ledger.Any(e => e.GrantKind == GrantKind.CreditPack && e.IdempotencyKey.StartsWith($"order:{orderId}:", StringComparison.Ordinal));

    /// <summary>Every line has reached an end: an active or failed instance, or its credits granted.</summary>
    public bool IsSettled(SaleorOrder order) => order.Lines.All(line => Of(line) switch
    {
        { Instance.State: InstanceState.Active or InstanceState.Failed } => true,
        { Instance: null, CreditPack: not null } => true,
        _ => false,
    });
}
