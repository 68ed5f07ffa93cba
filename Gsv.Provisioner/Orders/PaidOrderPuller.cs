using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.Provisioner.Data;
using Gsv.Provisioner.Inbox;
using Gsv.Provisioner.Offerings;
using Gsv.Saleor;
using Microsoft.Extensions.Options;

namespace Gsv.Provisioner.Orders;

/// <summary>
/// Pull reconciliation of paid orders: every <see cref="PaidOrderPullOptions.Interval"/> it lists Saleor's orders paid in
/// full and changed since its watermark (less an overlap) and records each in the inbox exactly as the ORDER_FULLY_PAID
/// webhook would — same event type, same payload shape — so an order whose webhook Saleor gave up on is provisioned by
/// the same idempotent path, and an order already in the inbox is left as it is. The watermark moves forward only once
/// the orders up to it are recorded.
/// </summary>
public sealed partial class PaidOrderPuller(
    IServiceScopeFactory scopes, OfferingSyncState offerings, InboxSignal signal, IOptions<PaidOrderPullOptions> options, TimeProvider time,
    ILogger<PaidOrderPuller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await offerings.WhenSyncedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PullOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPullFailed(logger, e.Message);
            }

            await Task.Delay(options.Value.Interval, time, stoppingToken);
        }
    }

    /// <summary>One pull: returns how many paid orders were new to the inbox.</summary>
    public async Task<int> PullOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProvisionerDbContext>();
        var inbox = scope.ServiceProvider.GetRequiredService<InboxStore>();
        var saleor = scope.ServiceProvider.GetRequiredService<SaleorClient>().WithTokens(scope.ServiceProvider.GetRequiredService<StaffTokenSource>());

        var watermark = await db.PullWatermarks.FindAsync([PullWatermark.PaidOrders], cancellationToken);
        var since = (watermark?.Value ?? time.GetUtcNow() - options.Value.InitialLookback) - options.Value.Overlap;
        var (seen, recorded, latest) = (0, 0, watermark?.Value);
        string? cursor = null;
        do
        {
            var page = await saleor.PaidOrdersAsync(since, cursor, cancellationToken);
            foreach (var order in page.Orders)
            {
                seen++;
                var orderId = order.GetProperty("id").GetString()!;
                if (await inbox.RecordAsync(OrderPaidEvent.EventType, orderId, Payload(order, time.GetUtcNow()), cancellationToken))
                {
                    recorded++;
                    LogRecovered(logger, orderId);
                }

                if (order.TryGetProperty("updatedAt", out var updated) && updated.TryGetDateTimeOffset(out var at) && (latest is null || at > latest))
                {
                    latest = at;
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        if (latest is { } moved && moved != watermark?.Value)
        {
            if (watermark is null)
            {
                db.PullWatermarks.Add(new PullWatermark { Name = PullWatermark.PaidOrders, Value = moved });
            }
            else
            {
                watermark.Value = moved;
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        if (recorded > 0)
        {
            signal.WakeUp.Notify();
        }

        LogPulled(logger, seen, recorded, since);
        return recorded;
    }

    /// <summary>The order in the shape of the ORDER_FULLY_PAID subscription's event (what the inbox parses).</summary>
    public static string Payload(JsonElement order, DateTimeOffset issuedAt) => new JsonObject
    {
        ["issuedAt"] = issuedAt.ToString("O"),
        ["version"] = "pull",
        ["order"] = JsonNode.Parse(order.GetRawText()),
    }.ToJsonString();

    [LoggerMessage(LogLevel.Warning, "Order {OrderId} was paid but never reached the inbox (missed webhook): recorded by the pull")]
    private static partial void LogRecovered(ILogger logger, string orderId);

    [LoggerMessage(LogLevel.Debug, "Paid-order pull: {Seen} orders changed since {Since}, {Recorded} new to the inbox")]
    private static partial void LogPulled(ILogger logger, int seen, int recorded, DateTimeOffset since);

    [LoggerMessage(LogLevel.Warning, "Paid-order pull failed (next one in an interval): {Error}")]
    private static partial void LogPullFailed(ILogger logger, string error);
}
