namespace Gsv.Provisioner.Data;

/// <summary>
/// A verified webhook event, recorded before Saleor gets its 200 and processed afterwards. Unique on
/// (<see cref="OrderId"/>, <see cref="EventType"/>): a redelivery of the same event is recognised and ignored.
/// </summary>
public sealed class InboxMessage
{
    public long Id { get; set; }

    /// <summary>Saleor's event name as sent in <c>Saleor-Event</c>, e.g. <c>order_fully_paid</c>.</summary>
    public required string EventType { get; set; }

    public required string OrderId { get; set; }

    /// <summary>The exact body Saleor signed.</summary>
    public required string Payload { get; set; }

    public InboxStatus Status { get; set; } = InboxStatus.Pending;

    public int Attempts { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }

    public string? LastError { get; set; }
}

/// <summary>Where an <see cref="InboxMessage"/> stands.</summary>
public enum InboxStatus
{
    /// <summary>To be processed (again, after a transient error, at <see cref="InboxMessage.NextAttemptAt"/>).</summary>
    Pending,

    Processed,

    /// <summary>Signed, but not an order that is paid: kept for the record, never provisioned (a later paid delivery replaces it).</summary>
    Ignored,

    /// <summary>Gave up: a permanent error, or transient ones beyond the attempt limit. Visible with its last error.</summary>
    Failed,
}
