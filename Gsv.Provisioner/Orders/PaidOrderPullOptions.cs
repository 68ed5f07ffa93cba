namespace Gsv.Provisioner.Orders;

/// <summary>Section <c>Provisioner:PaidOrderPull</c>: the periodic pull that recovers paid orders whose webhook never arrived.</summary>
public sealed class PaidOrderPullOptions
{
    public const string SectionName = "Provisioner:PaidOrderPull";

    /// <summary>How often Saleor is asked for paid orders; a missed webhook is recovered within one interval.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far back each pull reads before its watermark (clock skew, orders committed late).</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Where the first pull starts when there is no watermark yet.</summary>
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromDays(7);
}
