namespace Gsv.ControlPlane.Data;

/// <summary>The wallet's balance crossed its low threshold (<c>low</c>) or came back above it (<c>resolved</c>).</summary>
public sealed class WalletEvent
{
    public const string Low = "low";
    public const string Resolved = "resolved";

    public long Id { get; set; }

    public Guid WorkspaceId { get; set; }

    public required string Kind { get; set; }

    public long Balance { get; set; }

    public long Threshold { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
