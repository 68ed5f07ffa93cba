using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Data;

/// <summary>
/// An email waiting to be sent (or sent): one per member of the workspace and notified crossing, written in the same
/// transaction as the ledger change that caused it (<see cref="LowCreditOutbox"/>), then sent by
/// <c>EmailOutboxSender</c>, which claims it before sending so two senders never send it twice.
/// </summary>
public sealed class EmailOutboxMessage
{
    public long Id { get; set; }

    public Guid WorkspaceId { get; set; }

    /// <summary>The crossing told about: <see cref="WalletEventKind.Low"/> or <see cref="WalletEventKind.Empty"/>.</summary>
    public required WalletEventKind Kind { get; set; }

    public required string Recipient { get; set; }

    public long Balance { get; set; }

    public long Threshold { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Not sent before this (the retry backoff after a failure).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A sender is sending it until then; after that another may claim it again (the sender died).</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}
