using System.Net;
using System.Net.Http.Headers;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Npgsql;

namespace Gsv.Tests.Provisioner;

/// <summary>The administrator's way back from a failure: <c>/admin/v1/…/requeue</c> on the Provisioner, role <c>gsv-admin</c> only.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AdminRequeueTests(PlatformFixture platform)
{
    private readonly ProvisionerHarness _harness = new(platform);

    private async Task<HttpClient> AdminAsync()
    {
        var token = await platform.Identity.GetUserTokenAsync("admin@gsv.local", await platform.Identity.GetParameterAsync("demo-admin-password"));
        var http = new HttpClient { BaseAddress = platform.App.GetEndpoint("provisioner", "http") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    [Fact]
    public async Task Only_an_administrator_may_requeue()
    {
        using var anonymous = new HttpClient { BaseAddress = platform.App.GetEndpoint("provisioner", "http") };
        using (var response = await anonymous.PostAsync($"/admin/v1/instances/{Guid.NewGuid()}/requeue", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var buyer = await platform.Identity.CreateUserAsync("not-admin");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", buyer.AccessToken);
        using (var response = await anonymous.PostAsync($"/admin/v1/orders/whatever/requeue", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var admin = await AdminAsync();
        using var unknown = await admin.PostAsync($"/admin/v1/instances/{Guid.NewGuid()}/requeue", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_failed_instance_goes_back_to_provisioning_and_a_second_requeue_is_a_conflict()
    {
        var controlPlane = await _harness.ControlPlaneAsync();
        var workspaceId = await _harness.WorkspaceOfAsync(ProvisionerHarness.NewEmail("requeue"));
        var instance = await controlPlane.CreateInstanceAsync(new CreateInstanceRequest(workspaceId, "research-agent", null, null, $"requeue-{Guid.NewGuid():N}", "line-1"));
        await controlPlane.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Provisioning, "test"));
        await controlPlane.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Failed, "test: gave up", Error: "flow template missing"));
        using var admin = await AdminAsync();

        using var requeued = await admin.PostAsync($"/admin/v1/instances/{instance.Id}/requeue", null);

        Assert.Equal(HttpStatusCode.Accepted, requeued.StatusCode);
        Assert.Equal(InstanceState.Provisioning, (await controlPlane.GetInstanceAsync(instance.Id))!.State);
        var last = (await controlPlane.GetTransitionsAsync(instance.Id))[^1];
        Assert.Equal((InstanceState.Failed, InstanceState.Provisioning), (last.From, last.To));
        Assert.Contains("requeued by an administrator", last.Reason);

        using var again = await admin.PostAsync($"/admin/v1/instances/{instance.Id}/requeue", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_failed_order_is_processed_again_and_what_it_provisioned_before_is_not_repeated()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var email = ProvisionerHarness.NewEmail("requeue-order");
        var workspaceId = await _harness.WorkspaceOfAsync(email);
        var order = await _harness.BuyAsync(email, ("research-agent", 1));
        await _harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);
        using var admin = await AdminAsync();
        using (var notFailed = await admin.PostAsync($"/admin/v1/orders/{Uri.EscapeDataString(order.Id)}/requeue", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, notFailed.StatusCode);
        }

        // As if its processing had given up earlier.
        await using (var connection = new NpgsqlConnection(await platform.GetConnectionStringAsync("provisioner-db")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE inbox_messages SET status = 'failed', last_error = 'test: gave up' WHERE order_id = @id", connection);
            command.Parameters.AddWithValue("id", order.Id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        using var requeued = await admin.PostAsync($"/admin/v1/orders/{Uri.EscapeDataString(order.Id)}/requeue", null);

        Assert.Equal(HttpStatusCode.Accepted, requeued.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await _harness.InboxRowsAsync(order.Id)).Single().Status != "processed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the requeued order was not processed again within 60 s");
            await Task.Delay(200);
        }

        Assert.Single(await _harness.InstancesOfOrderAsync(workspaceId, order.Id));
        Assert.Equal(200, (await _harness.WalletAsync(workspaceId)).Balance);          // research-agent's included credits, once
    }
}
