using System.Diagnostics;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Commerce;
using Gsv.Tests.Provisioner;
using Xunit.Abstractions;

namespace Gsv.Tests.Resilience;

/// <summary>
/// The outage the webhooks cannot bridge: the Provisioner is down while buyers pay, long enough for Saleor to give up on
/// every ORDER_FULLY_PAID delivery. When it is back, the pull reconciliation finds the paid orders: all of them ACTIVE
/// within two pull intervals (plus provisioning), each exactly once — and with the chaos profile on.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class ProvisionerOutageTests(ResiliencePlatform resilience, ITestOutputHelper output)
{
    private const int Orders = 5;

    [Fact]
    public async Task Orders_paid_while_the_Provisioner_was_down_are_all_active_once_it_is_back()
    {
        var platform = resilience.Platform;
        var harness = new ProvisionerHarness(platform);
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var buyers = new List<(Guid WorkspaceId, string OrderId)>();
        await platform.StopResourceAsync("provisioner");
        try
        {
            for (var i = 0; i < Orders; i++)
            {
                // The buyer's workspace comes from the Control Plane (a pending user for the e-mail), not the Provisioner.
                var email = ProvisionerHarness.NewEmail("outage");
                var workspaceId = await harness.WorkspaceOfAsync(email);
                buyers.Add((workspaceId, (await harness.BuyAsync(email, ("research-agent", 1))).Id));
            }

            // Saleor's five retries (0.2 s doubling: about 6 s) all meet a closed port: it gives up on every delivery.
            await Task.Delay(TimeSpan.FromSeconds(ResiliencePlatform.SaleorRetryBackoffSeconds * 31 + 3));
        }
        finally
        {
            await platform.StartResourceAsync("provisioner");
        }

        var back = Stopwatch.StartNew();
        foreach (var (workspaceId, orderId) in buyers)
        {
            await harness.WaitForInstanceAsync(workspaceId, orderId, i => i.State == InstanceState.Active, TimeSpan.FromMinutes(2));
        }

        output.WriteLine($"{Orders} orders paid during the outage: all ACTIVE {back.Elapsed.TotalSeconds:0.0} s after the Provisioner was healthy again.");
        foreach (var (workspaceId, orderId) in buyers)
        {
            Assert.Single(await harness.InstancesOfOrderAsync(workspaceId, orderId));
            Assert.Equal(200, (await harness.WalletAsync(workspaceId)).Balance);
            Assert.Single(await harness.InboxRowsAsync(orderId));
        }
    }
}
