using Gsv.Provisioner.Data;
using Microsoft.EntityFrameworkCore;

namespace Gsv.Provisioner.Inbox;

/// <summary>Records verified events: one row per (order, event), whatever the number or concurrency of deliveries.</summary>
public sealed class InboxStore(ProvisionerDbContext db, TimeProvider time)
{
    /// <summary>Inserts the event unless it is already there; true when it is new.</summary>
    public async Task<bool> RecordAsync(string eventType, string orderId, string payload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // ON CONFLICT, not check-then-insert: concurrent redeliveries must not both get in (nor fail).
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO inbox_messages (event_type, order_id, payload, status, attempts, received_at, next_attempt_at)
            VALUES ({eventType}, {orderId}, {payload}, {InboxStatus.Pending}, 0, {now}, {now})
            ON CONFLICT (order_id, event_type) DO NOTHING
            """, cancellationToken);
        return inserted == 1;
    }
}
