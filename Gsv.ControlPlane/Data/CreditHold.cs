namespace Gsv.ControlPlane.Data;

/// <summary>
/// Credits reserved for one run until it is captured (charged) or released; or, made ahead by the Gateway, shared by
/// several runs: each is charged its part (<see cref="Charged"/> adds up), parts no longer needed are released
/// (<see cref="Freed"/>), and the last settlement under its own id closes it.
/// </summary>
public sealed class CreditHold
{
    public Guid RunId { get; set; }

    public Guid WorkspaceId { get; set; }

    public Guid? InstanceId { get; set; }

    public long Amount { get; set; }

    public required CreditHoldStatus Status { get; set; }

    public long Charged { get; set; }

    /// <summary>What was released of it without charge (parts of a shared hold, or the rest when it closed).</summary>
    public long Freed { get; set; }

    /// <summary>What the hold still reserves: neither charged nor freed.</summary>
    public long Remaining => Amount - Charged - Freed;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SettledAt { get; set; }
}
