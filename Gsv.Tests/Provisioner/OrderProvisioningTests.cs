using System.Diagnostics;
using System.Net;
using System.Text;
using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Reconciliation;
using Gsv.Saleor;
using Gsv.Tests.Infrastructure;
using Gsv.Tests.Knowledge;
using Xunit.Abstractions;

namespace Gsv.Tests.Provisioner;

/// <summary>
/// T1, T2, T5 and exactly-once provisioning, end to end through the AppHost: real checkouts in Saleor (dummy gateway),
/// Saleor's signed ORDER_FULLY_PAID webhook, the Provisioner's inbox, the Control Plane, the GitOps repository, Langflow.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OrderProvisioningTests(PlatformFixture platform, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ProvisionerHarness _harness = new(platform);
    private WebhookCapture _capture = null!;

    public async Task InitializeAsync() => _capture = await WebhookCapture.StartAsync(await _harness.StaffAsync());

    public async Task DisposeAsync() => await _capture.DisposeAsync();

    [Fact]
    public async Task Paid_offering_becomes_an_active_instance_with_a_committed_manifest_and_a_flow()
    {
        var email = ProvisionerHarness.NewEmail("t1");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        var order = await _harness.BuyAsync(email, ("research-agent", 1));

        // T1: the paid order line is an instance of the buyer's workspace.
        var created = await _harness.WaitForInstanceAsync(workspaceId, order.Id, _ => true);
        Assert.Equal("research-agent", created.OfferingSlug);
        Assert.Equal(order.Id, created.OrderId);
        Assert.Equal(order.Lines.Single().Id, created.OrderLineId);
        Assert.Equal(workspaceId, created.WorkspaceId);
        Assert.False(created.IsTrial);

        // T2: it reaches ACTIVE with a flow in Langflow, through a manifest committed in the GitOps repository.
        var active = await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);
        Assert.NotNull(active.LangflowFlowId);

        var path = $"instances/{workspaceId}/{active.Id}.yaml";
        var manifest = await _harness.GitAsync("show", $"HEAD:{path}");
        Assert.Contains("apiVersion: gsv.dev/v1", manifest, StringComparison.Ordinal);
        Assert.Contains("kind: GsvInstance", manifest, StringComparison.Ordinal);
        Assert.Contains($"workspace: {workspaceId}", manifest, StringComparison.Ordinal);
        Assert.Contains("offering: research-agent", manifest, StringComparison.Ordinal);
        Assert.Contains("flowTemplate: research-agent", manifest, StringComparison.Ordinal);
        Assert.Contains("knowledge: false", manifest, StringComparison.Ordinal);
        Assert.Contains("connectors: []", manifest, StringComparison.Ordinal);
        var commits = (await _harness.GitAsync("log", "--format=%s", "--", path)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var commit = Assert.Single(commits);
        Assert.Contains(active.Id.ToString(), commit, StringComparison.Ordinal);
        Assert.Equal("", (await _harness.GitAsync("status", "--porcelain", "--", path)).Trim());

        var flow = await (await _harness.LangflowAsync()).FindFlowAsync(Guid.Parse(active.LangflowFlowId!));
        Assert.NotNull(flow);
        Assert.Contains(active.Id.ToString("N"), flow.EndpointName, StringComparison.Ordinal);

        var transitions = await (await _harness.ControlPlaneAsync()).GetTransitionsAsync(active.Id);
        Assert.Equal([InstanceState.Pending, InstanceState.Provisioning, InstanceState.Active], transitions.Select(t => t.To));

        // The offering's included credits (200 for research-agent) × quantity 1.
        Assert.Equal(200, (await _harness.WalletAsync(workspaceId)).Balance);
    }

    [Fact]
    public async Task Removing_the_manifest_from_the_repository_deletes_the_flow_and_knowledge_base_and_terminates_the_instance()
    {
        var email = ProvisionerHarness.NewEmail("removal");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        var order = await _harness.BuyAsync(email, ("code-review-assistant", 1));
        var active = await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);

        // A knowledge offering: its dataset was created with the flow, named after the instance.
        var ragflow = await _harness.Platform.CreateRagflowClientAsync();
        Assert.True(active.Knowledge);
        var dataset = Assert.Single(await ragflow.FindDatasetsByNameAsync(KnowledgeBaseDeployer.DatasetName(active.Id)));
        Assert.Equal(active.KnowledgeBaseId, dataset.Id);

        // An operator's change to the desired state, made with git alone.
        var path = $"instances/{workspaceId}/{active.Id}.yaml";
        Assert.Contains("- github", await _harness.GitAsync("show", $"HEAD:{path}"), StringComparison.Ordinal);
        await _harness.GitWithRetryAsync("rm", "--quiet", "--", path);
        await _harness.GitWithRetryAsync("-c", "user.name=Operator", "-c", "user.email=operator@gsv.local", "commit", "--quiet", "-m", $"Remove {active.Id}", "--", path);

        var terminated = await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Terminated);
        Assert.Equal(active.Id, terminated.Id);
        Assert.Null(await (await _harness.LangflowAsync()).FindFlowAsync(Guid.Parse(active.LangflowFlowId!)));
        Assert.Empty(await ragflow.FindDatasetsByNameAsync(KnowledgeBaseDeployer.DatasetName(active.Id)));
    }

    [Fact]
    public async Task Credit_pack_order_raises_the_wallet_by_pack_size_times_quantity()
    {
        var email = ProvisionerHarness.NewEmail("t5");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        Assert.Equal(0, (await _harness.WalletAsync(workspaceId)).Balance);

        var order = await _harness.BuyAsync(email, ("credits-500", 3));
        await WaitForProcessedAsync(order.Id);

        Assert.Equal(1500, (await _harness.WalletAsync(workspaceId)).Balance);
        Assert.Empty(await _harness.InstancesOfOrderAsync(workspaceId, order.Id));
    }

    [Fact]
    public async Task Same_webhook_delivered_many_times_also_concurrently_provisions_once()
    {
        var email = ProvisionerHarness.NewEmail("redelivery");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        var order = await _harness.BuyAsync(email, ("support-agent", 2));
        var delivery = await _capture.WaitForOrderAsync(order.Id);

        // Saleor's own delivery, plus 5 concurrent and 5 sequential replays of the same signed request.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _harness.DeliverAsync(delivery)));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        for (var i = 0; i < 5; i++)
        {
            using var response = await _harness.DeliverAsync(delivery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);
        await WaitForProcessedAsync(order.Id);

        Assert.Single(await _harness.InstancesOfOrderAsync(workspaceId, order.Id));
        Assert.Single(await _harness.InboxRowsAsync(order.Id));
        Assert.Equal(600, (await _harness.WalletAsync(workspaceId)).Balance); // 300 included × 2, granted once
    }

    [Fact]
    public async Task Forged_tampered_unsigned_or_foreign_webhooks_are_refused_and_record_nothing()
    {
        var email = ProvisionerHarness.NewEmail("forged");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        var order = await _harness.BuyAsync(email, ("lead-qualifier", 1));
        var delivery = await _capture.WaitForOrderAsync(order.Id);
        var fakeOrderId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"Order:{Guid.NewGuid()}"));
        var tampered = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(delivery.Body).Replace(order.Id, fakeOrderId, StringComparison.Ordinal));
        Assert.NotEqual(delivery.Body, tampered);

        // Tampered: Saleor's genuine signature over a changed body.
        using (var response = await _harness.DeliverAsync(delivery, tampered))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Forged: a well-formed detached JWS naming Saleor's key id, but signed with another key.
        var forged = ForgedSaleorSignature.Sign(delivery.Header("Saleor-Signature").Split('.')[0], tampered);
        using (var response = await _harness.DeliverAsync(delivery, tampered, new Dictionary<string, string?> { ["Saleor-Signature"] = forged, ["X-Saleor-Signature"] = forged }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Unsigned.
        using (var response = await _harness.DeliverAsync(delivery, tampered, new Dictionary<string, string?> { ["Saleor-Signature"] = null, ["X-Saleor-Signature"] = null }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // From another Saleor (genuine body and signature, foreign API URL).
        using (var response = await _harness.DeliverAsync(delivery, headers: new Dictionary<string, string?> { ["Saleor-Api-Url"] = "https://shop.elsewhere.example/graphql/" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Signed, but not the event this endpoint takes: 400 (Saleor would not retry it).
        using (var response = await _harness.DeliverAsync(delivery, headers: new Dictionary<string, string?> { ["Saleor-Event"] = "order_created", ["X-Saleor-Event"] = "order_created" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Empty(await _harness.InboxRowsAsync(fakeOrderId));

        // The genuine order is provisioned (a barrier: the worker has been through the inbox), the fake one is not.
        await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);
        var all = await (await _harness.ControlPlaneAsync()).ListInstancesAsync(Enum.GetValues<InstanceState>());
        Assert.DoesNotContain(all, i => i.OrderId == fakeOrderId);
        Assert.Equal(200, (await _harness.WalletAsync(workspaceId)).Balance);
    }

    [Fact]
    public async Task Signed_payload_of_an_order_that_is_not_paid_is_recorded_as_ignored_and_provisions_nothing()
    {
        // A genuine Saleor-signed body of another event (ORDER_CREATED of an order whose payment is still pending),
        // sent as ORDER_FULLY_PAID: the signature holds (it covers the body), Saleor-Event is not signed.
        await using var created = await WebhookCapture.StartAsync(await _harness.StaffAsync(), "ORDER_CREATED");
        var email = ProvisionerHarness.NewEmail("unpaid");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        var order = await _harness.CheckoutAsync(email, "pending", ("research-agent", 1));
        Assert.False(order.IsPaid);
        var delivery = await created.WaitForOrderAsync(order.Id);

        using (var response = await _harness.DeliverAsync(delivery, headers: new Dictionary<string, string?> { ["Saleor-Event"] = "order_fully_paid", ["X-Saleor-Event"] = "order_fully_paid" }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"ignored\":true", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var row = Assert.Single(await _harness.InboxRowsAsync(order.Id));
        Assert.Equal("ignored", row.Status);

        // A paid order bought afterwards is provisioned (a barrier: the worker has been through the inbox since).
        var paidEmail = ProvisionerHarness.NewEmail("paid-after-unpaid");
        var paidWorkspace = await _harness.WorkspaceOfAsync(paidEmail);
        var paid = await _harness.BuyAsync(paidEmail, ("research-agent", 1));
        await _harness.WaitForInstanceAsync(paidWorkspace, paid.Id, i => i.State == InstanceState.Active);
        await WaitForProcessedAsync(paid.Id);

        Assert.Equal("ignored", Assert.Single(await _harness.InboxRowsAsync(order.Id)).Status);
        Assert.Empty(await _harness.InstancesOfOrderAsync(workspaceId, order.Id));
        Assert.Equal(0, (await _harness.WalletAsync(workspaceId)).Balance);
    }

    [Fact]
    public async Task Instance_stays_provisioning_while_Langflow_is_down_and_becomes_active_when_it_is_back()
    {
        var email = ProvisionerHarness.NewEmail("outage");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        await _harness.StopResourceAsync("langflow");
        SaleorOrder order;
        try
        {
            order = await _harness.BuyAsync(email, ("meeting-assistant", 1));
            var waiting = await _harness.WaitForInstanceAsync(
                workspaceId, order.Id, i => i.State != InstanceState.Pending && i.LastError is not null, TimeSpan.FromMinutes(4));
            Assert.Equal(InstanceState.Provisioning, waiting.State);
            Assert.Null(waiting.LangflowFlowId);
            output.WriteLine($"While Langflow was down: {waiting.State}, lastError: {waiting.LastError}");
        }
        finally
        {
            await _harness.StartResourceAsync("langflow");
        }

        var active = await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active, TimeSpan.FromMinutes(8));
        Assert.NotNull(await (await _harness.LangflowAsync()).FindFlowAsync(Guid.Parse(active.LangflowFlowId!)));
        var transitions = await (await _harness.ControlPlaneAsync()).GetTransitionsAsync(active.Id);
        Assert.DoesNotContain(transitions, t => t.To == InstanceState.Failed);
    }

    [Fact]
    public async Task Order_acknowledged_just_before_a_Provisioner_restart_is_still_provisioned()
    {
        var staff = await _harness.StaffAsync();
        var webhook = (await staff.AppsAsync(null)).SelectMany(a => a.Webhooks ?? []).First(w => w.Name == ProvisionerHarness.ProvisionerWebhookName);
        var email = ProvisionerHarness.NewEmail("restart");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        SaleorOrder order;

        // Saleor's own delivery is held back so that the only delivery is ours, followed at once by the restart.
        await staff.WebhookUpdateAsync(webhook.Id, new WebhookUpdateInput(IsActive: false));
        try
        {
            order = await _harness.BuyAsync(email, ("inbox-triage", 1));
            var delivery = await _capture.WaitForOrderAsync(order.Id);
            using var response = await _harness.DeliverAsync(delivery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await _harness.StopResourceAsync("provisioner");
            await _harness.StartResourceAsync("provisioner");
        }
        finally
        {
            await staff.WebhookUpdateAsync(webhook.Id, new WebhookUpdateInput(IsActive: true));
        }

        await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);
        await WaitForProcessedAsync(order.Id);
        Assert.Single(await _harness.InstancesOfOrderAsync(workspaceId, order.Id));
        Assert.Equal(250, (await _harness.WalletAsync(workspaceId)).Balance);
    }

    [Fact]
    public async Task Offerings_of_every_kind_are_provisioned_to_active_after_payment_and_their_time_is_reported()
    {
        // Agents, apps, an assistant and an automation (every kind of the seed catalog but credit packs).
        string[] offerings = ["research-agent", "support-agent", "content-studio", "data-insights", "code-review-assistant", "inbox-triage"];
        var times = new List<TimeSpan>();
        foreach (var offering in offerings)
        {
            var email = ProvisionerHarness.NewEmail("timing");
            var workspaceId = await _harness.WorkspaceOfAsync(email);
            var order = await _harness.BuyAsync(email, (offering, 1));
            var paid = Stopwatch.StartNew();
            var active = await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active, poll: TimeSpan.FromMilliseconds(50));
            times.Add(paid.Elapsed);
            Assert.Equal(offering, active.OfferingSlug);
            Assert.False(string.IsNullOrEmpty(active.LangflowFlowId), $"{offering} is ACTIVE without a deployed flow.");
            output.WriteLine($"{offering}: payment → ACTIVE in {paid.Elapsed.TotalMilliseconds:F0} ms");
        }

        var sorted = times.Order().ToList();
        output.WriteLine($"Median payment → ACTIVE over {sorted.Count} orders: {sorted[sorted.Count / 2].TotalMilliseconds:F0} ms");
    }

    private async Task WaitForProcessedAsync(string orderId)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ProvisionerHarness.ProvisioningTimeout)
        {
            var rows = await _harness.InboxRowsAsync(orderId);
            if (rows.Count == 1 && rows[0].Status == "processed")
            {
                return;
            }

            Assert.False(rows.Count == 1 && rows[0].Status == "failed", $"Order {orderId} failed: {(rows.Count == 1 ? rows[0].LastError : "")}");
            await Task.Delay(200);
        }

        throw new TimeoutException($"Order {orderId} was not processed within {ProvisionerHarness.ProvisioningTimeout}.");
    }
}
