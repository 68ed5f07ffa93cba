namespace Gsv.ControlPlane.Data;

/// <summary>Credits reserved for one run until it is captured (charged) or released.</summary>
public sealed class CreditHold
{
    public const string Open = "open";
    public const string Captured = "captured";
    public const string Released = "released";

    public Guid RunId { get; set; }

    public Guid WorkspaceId { get; set; }

    public Guid? InstanceId { get; set; }

    public long Amount { get; set; }

    public required string Status { get; set; }

    public long Charged { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SettledAt { get; set; }
}
