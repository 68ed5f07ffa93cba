using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Data;

/// <summary>
/// The wallet's balance crossed its low threshold (<c>low</c>), came back above it (<c>resolved</c>) or reached zero
/// (<c>empty</c>). A <c>low</c> or <c>empty</c> crossing also queues an email to each member (<see cref="EmailOutboxMessage"/>).
/// </summary>
public sealed class WalletEvent
{
    /// <summary>The crossings the workspace's members are told about by email.</summary>
    public static bool IsNotified(WalletEventKind kind) => kind is WalletEventKind.Low or WalletEventKind.Empty;

    public long Id { get; set; }

    public Guid WorkspaceId { get; set; }

    public required WalletEventKind Kind { get; set; }

    public long Balance { get; set; }

    public long Threshold { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
