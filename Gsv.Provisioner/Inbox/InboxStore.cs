using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Data;
using Microsoft.EntityFrameworkCore;

namespace Gsv.Provisioner.Inbox;

/// <summary>Records verified events: one row per (order, event), whatever the number or concurrency of deliveries.</summary>
public sealed class InboxStore(ProvisionerDbContext db, TimeProvider time)
{
    /// <summary>
    /// Inserts the event to be processed unless it is already there; true when it is new. A row recorded as
    /// <see cref="InboxStatus.Ignored"/> (an unpaid order replayed here) is replaced: it must not block the real event.
    /// </summary>
    public async Task<bool> RecordAsync(string eventType, string orderId, string payload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // ON CONFLICT, not check-then-insert: concurrent redeliveries must not both get in (nor fail).
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO inbox_messages (event_type, order_id, payload, status, attempts, received_at, next_attempt_at)
            VALUES ({eventType}, {orderId}, {payload}, {InboxStatus.Pending.WireName()}, 0, {now}, {now})
            ON CONFLICT (order_id, event_type) DO UPDATE
                SET payload = EXCLUDED.payload, status = EXCLUDED.status, attempts = 0, received_at = EXCLUDED.received_at,
                    next_attempt_at = EXCLUDED.next_attempt_at, processed_at = NULL, last_error = NULL
                WHERE inbox_messages.status = {InboxStatus.Ignored.WireName()}
            """, cancellationToken);
        return inserted == 1;
    }

    /// <summary>Records a signed event that will not be acted on (with why); true when it is new.</summary>
    public async Task<bool> RecordIgnoredAsync(string eventType, string orderId, string payload, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO inbox_messages (event_type, order_id, payload, status, attempts, received_at, next_attempt_at, processed_at, last_error)
            VALUES ({eventType}, {orderId}, {payload}, {InboxStatus.Ignored.WireName()}, 0, {now}, {now}, {now}, {reason})
            ON CONFLICT (order_id, event_type) DO NOTHING
            """, cancellationToken);
        return inserted == 1;
    }
}
