using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;
using static Gsv.Tests.ControlPlane.ControlPlaneHttp;

namespace Gsv.Tests.ControlPlane;

/// <summary>The lists the account pages page through: the ledger by kind, an instance's runs by page.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountListingTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_ledger_filtered_by_kind_has_only_that_kind_and_an_unknown_kind_is_a_400()
    {
        var service = await ServiceClientAsync(platform);
        var offering = await NewOfferingAsync(service);
        var buyer = await NewBuyerAsync(platform);
        var instance = await ReadAsync<InstanceDto>(
            await buyer.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(offering.Slug)), HttpStatusCode.Created);
        var gateway = await GatewayClientAsync(platform);
        foreach (var amount in new[] { 2L, 3L })
        {
            await SpendAsync(gateway, buyer.WorkspaceId, instance.Id, amount);
        }

        var all = await ReadAsync<LedgerPageDto>(await buyer.Http.GetAsync("/api/v1/wallet/ledger"), HttpStatusCode.OK);
        Assert.Equal([LedgerEntryKind.Grant, LedgerEntryKind.Hold, LedgerEntryKind.Capture], all.Items.Select(e => e.Kind).Distinct().Order());

        var captures = await ReadAsync<LedgerPageDto>(await buyer.Http.GetAsync("/api/v1/wallet/ledger?kind=capture&pageSize=1"), HttpStatusCode.OK);
        Assert.Equal((2, 1), (captures.Total, captures.Items.Count));
        Assert.Equal((LedgerEntryKind.Capture, 3L), (captures.Items[0].Kind, captures.Items[0].Amount)); // newest first
        Assert.Contains("\"kind\":\"capture\"", await buyer.Http.GetStringAsync("/api/v1/wallet/ledger?kind=capture")); // the wire name
        var grants = await ReadAsync<LedgerPageDto>(await buyer.Http.GetAsync("/api/v1/wallet/ledger?kind=grant"), HttpStatusCode.OK);
        Assert.All(grants.Items, e => Assert.Equal(LedgerEntryKind.Grant, e.Kind));
        Assert.Single(grants.Items);

        await AssertProblemAsync(await buyer.Http.GetAsync("/api/v1/wallet/ledger?kind=charge"), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task An_instances_runs_come_page_by_page_newest_first_and_a_bad_page_is_a_400()
    {
        var service = await ServiceClientAsync(platform);
        var offering = await NewOfferingAsync(service);
        var buyer = await NewBuyerAsync(platform);
        var instance = await ReadAsync<InstanceDto>(
            await buyer.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(offering.Slug)), HttpStatusCode.Created);
        var gateway = await GatewayClientAsync(platform);
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var runs = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var runId = Guid.NewGuid();
            runs.Add(runId);
            await gateway.RecordRunAsync(new RunDto(runId, instance.Id, buyer.WorkspaceId, "api-key", RunStatus.Succeeded, 1, 100,
                start.AddMinutes(i), start.AddMinutes(i).AddSeconds(1), null));
        }

        var newestFirst = Enumerable.Reverse(runs).ToList();
        var client = new ControlPlaneUserClient(platform.CreateHttpClient("controlplane"));
        var first = await client.ListRunsPageAsync(buyer.User.AccessToken, instance.Id, 1, 2);
        var third = await client.ListRunsPageAsync(buyer.User.AccessToken, instance.Id, 3, 2);
        var past = await client.ListRunsPageAsync(buyer.User.AccessToken, instance.Id, 4, 2);
        Assert.Equal(newestFirst[..2], first.Select(r => r.RunId));
        Assert.Equal(newestFirst[4..], third.Select(r => r.RunId));
        Assert.Empty(past);
        // Without paging: all of them (at most 500), as before.
        Assert.Equal(newestFirst, (await client.ListRunsAsync(buyer.User.AccessToken, instance.Id)).Select(r => r.RunId));

        foreach (var query in new[] { "page=0", "pageSize=0", "pageSize=201", "page=2147483647&pageSize=200" })
        {
            await AssertProblemAsync(await buyer.Http.GetAsync($"/api/v1/runs?instanceId={instance.Id}&{query}"), HttpStatusCode.BadRequest, "validation");
        }
    }
}
