namespace Gsv.Provisioner.Data;

/// <summary>How far a periodic pull has read (e.g. Saleor's paid orders, by their <c>updatedAt</c>); it only moves forward.</summary>
public sealed class PullWatermark
{
    public const string PaidOrders = "saleor-paid-orders";

    public required string Name { get; set; }

    public DateTimeOffset Value { get; set; }
}
