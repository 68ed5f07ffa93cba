using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Inbox;
using Gsv.Provisioner.Orders;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Npgsql;

namespace Gsv.Tests.Provisioner;

/// <summary>
/// Pull reconciliation: a paid order that never reached the inbox (Saleor gave up on its webhook) is found by the periodic
/// pull of Saleor's paid orders and provisioned through the same idempotent path — once.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PaidOrderPullTests(PlatformFixture platform)
{
    private readonly ProvisionerHarness _harness = new(platform);

    [Fact]
    public async Task A_paid_order_missing_from_the_inbox_is_recorded_by_the_next_pull_and_provisioned_once()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var email = ProvisionerHarness.NewEmail("pull");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        var order = await _harness.BuyAsync(email, ("research-agent", 1));
        await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);

        // As if the webhook had never been delivered: no trace of the order in the inbox.
        await using (var connection = new NpgsqlConnection(await platform.GetConnectionStringAsync("provisioner-db")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("DELETE FROM inbox_messages WHERE order_id = @id", connection);
            command.Parameters.AddWithValue("id", order.Id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        // The pull runs every 5 s here (every minute by default): the order is back and processed within a few intervals.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<(string Status, int Attempts, string? LastError)> rows;
        while ((rows = await _harness.InboxRowsAsync(order.Id)) is not [{ Status: "processed" }])
        {
            Assert.True(DateTime.UtcNow < deadline, $"the order was not pulled back and processed within 30 s: {string.Join(", ", rows)}");
            await Task.Delay(200);
        }

        Assert.Single(await _harness.InstancesOfOrderAsync(workspaceId, order.Id));
        Assert.Equal(200, (await _harness.WalletAsync(workspaceId)).Balance);          // the included credits, granted once
    }

    [Fact]
    public void A_pulled_order_reads_as_the_webhook_s_event()
    {
        var order = JsonDocument.Parse("""
            { "id": "T3JkZXI6MQ==", "number": "7", "isPaid": true, "chargeStatus": "FULL", "updatedAt": "2026-12-05T06:00:00+00:00",
              "userEmail": "buyer@example.com", "lines": [ { "id": "T3JkZXJMaW5lOjE=", "quantity": 2, "variant": { "id": "UHJvZHVjdFZhcmlhbnQ6MQ==",
              "product": { "id": "UHJvZHVjdDox", "slug": "research-agent", "attributes": [] } } } ] }
            """).RootElement;

        var paid = OrderPaidEvent.Parse(PaidOrderPuller.Payload(order, DateTimeOffset.UnixEpoch));

        Assert.Equal(("T3JkZXI6MQ==", "buyer@example.com", true), (paid.OrderId, paid.Email, paid.IsPaid));
        Assert.Equal(("research-agent", 2), (Assert.Single(paid.Lines).ProductSlug, paid.Lines[0].Quantity));
    }
}
