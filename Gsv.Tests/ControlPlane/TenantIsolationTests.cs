using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;
using static Gsv.Tests.ControlPlane.ControlPlaneHttp;

namespace Gsv.Tests.ControlPlane;

/// <summary>Every public endpoint that takes an id answers 404 for another workspace's object; lists never leak.</summary>
[Collection(PlatformCollection.Name)]
public sealed class TenantIsolationTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_second_user_gets_404_for_every_object_of_the_first_and_never_sees_them_in_lists()
    {
        var service = await ServiceClientAsync(platform);
        var offering = await NewOfferingAsync(service);
        var owner = await NewBuyerAsync(platform);
        var stranger = await NewBuyerAsync(platform);
        Assert.NotEqual(owner.WorkspaceId, stranger.WorkspaceId);

        // The owner's objects: a trial instance, an API key, a run, ledger entries.
        var instance = await ReadAsync<InstanceDto>(
            await owner.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(offering.Slug)), HttpStatusCode.Created);
        var key = await ReadAsync<CreatedApiKeyDto>(
            await owner.Http.PostJsonAsync($"/api/v1/instances/{instance.Id}/api-keys", new CreateApiKeyRequest("ci")), HttpStatusCode.Created);
        var runId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await (await GatewayClientAsync(platform)).RecordRunAsync(new RunDto(runId, instance.Id, owner.WorkspaceId, "api-key", RunStatus.Succeeded, 2, 1200, now.AddSeconds(-2), now, null));
        var ledger = await ReadAsync<LedgerPageDto>(await owner.Http.GetAsync("/api/v1/wallet/ledger"), HttpStatusCode.OK);
        var entryId = Assert.Single(ledger.Items).Id;

        // Positive control: the owner reaches every one of them.
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/v1/instances/{instance.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/v1/instances/{instance.Id}/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/v1/runs/{runId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/v1/wallet/ledger/{entryId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"/api/v1/wallet?workspaceId={owner.WorkspaceId}")).StatusCode);

        // The stranger: read, update and delete of each → 404 not_found.
        var w = owner.WorkspaceId;
        HttpRequestMessage[] attempts =
        [
            new(HttpMethod.Get, $"/api/v1/instances/{instance.Id}"),
            new(HttpMethod.Post, $"/api/v1/instances/{instance.Id}/api-keys") { Content = JsonContent(new CreateApiKeyRequest("stolen")) },
            new(HttpMethod.Get, $"/api/v1/instances/{instance.Id}/api-keys"),
            new(HttpMethod.Delete, $"/api/v1/instances/{instance.Id}/api-keys/{key.Id}"),
            new(HttpMethod.Get, $"/api/v1/runs/{runId}"),
            new(HttpMethod.Get, $"/api/v1/wallet/ledger/{entryId}"),
            new(HttpMethod.Get, $"/api/v1/wallet?workspaceId={w}"),
            new(HttpMethod.Get, $"/api/v1/wallet/ledger?workspaceId={w}"),
            new(HttpMethod.Get, $"/api/v1/wallet/events?workspaceId={w}"),
            new(HttpMethod.Get, $"/api/v1/wallet/low-credit?workspaceId={w}"),
            new(HttpMethod.Put, $"/api/v1/wallet/low-credit?workspaceId={w}") { Content = JsonContent(new LowCreditSettingsRequest(1)) },
            new(HttpMethod.Post, "/api/v1/instances/trial") { Content = JsonContent(new CreateTrialRequest(offering.Slug, w)) },
        ];
        foreach (var attempt in attempts)
        {
            var what = $"{attempt.Method} {attempt.RequestUri}";
            var response = await stranger.Http.SendAsync(attempt);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{what} answered {(int)response.StatusCode}");
            await AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        }

        // Nothing changed: the key still works, no key was added, the owner's wallet is untouched.
        Assert.NotNull(await (await GatewayClientAsync(platform)).ResolveApiKeyAsync(key.Key));
        var keys = await ReadAsync<List<ApiKeyDto>>(await owner.Http.GetAsync($"/api/v1/instances/{instance.Id}/api-keys"), HttpStatusCode.OK);
        Assert.Equal(key.Id, Assert.Single(keys).Id);
        Assert.Null(keys[0].RevokedAt);
        Assert.Equal(offering.TrialCredits, (await service.GetWalletAsync(owner.WorkspaceId))!.Balance);

        // Lists of the stranger never contain the owner's objects.
        var instances = await ReadAsync<List<InstanceDto>>(await stranger.Http.GetAsync("/api/v1/instances"), HttpStatusCode.OK);
        Assert.DoesNotContain(instances, i => i.Id == instance.Id || i.WorkspaceId == w);
        Assert.Empty(await ReadAsync<List<RunDto>>(await stranger.Http.GetAsync("/api/v1/runs"), HttpStatusCode.OK));
        Assert.Empty(await ReadAsync<List<RunDto>>(await stranger.Http.GetAsync($"/api/v1/runs?instanceId={instance.Id}"), HttpStatusCode.OK));
        var strangerLedger = await ReadAsync<LedgerPageDto>(await stranger.Http.GetAsync("/api/v1/wallet/ledger"), HttpStatusCode.OK);
        Assert.Equal(0, strangerLedger.Total);
        var workspaces = await ReadAsync<List<WorkspaceDto>>(await stranger.Http.GetAsync("/api/v1/workspaces"), HttpStatusCode.OK);
        Assert.Equal(stranger.WorkspaceId, Assert.Single(workspaces).Id);
        var wallet = await ReadAsync<WalletDto>(await stranger.Http.GetAsync("/api/v1/wallet"), HttpStatusCode.OK);
        Assert.Equal((stranger.WorkspaceId, 0L), (wallet.WorkspaceId, wallet.Balance));

        // And the owner's lists hold exactly their own.
        var ownRuns = await ReadAsync<List<RunDto>>(await owner.Http.GetAsync("/api/v1/runs"), HttpStatusCode.OK);
        Assert.Equal(runId, Assert.Single(ownRuns).RunId);
    }

    [Fact]
    public async Task Internal_api_refuses_user_tokens_and_public_api_refuses_anonymous_calls()
    {
        var buyer = await NewBuyerAsync(platform);
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.Http.GetAsync($"/internal/v1/wallets/{buyer.WorkspaceId}")).StatusCode);
        using var anonymous = platform.Identity.CreateClient("controlplane", null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Api_keys_are_shown_once_stored_hashed_resolved_while_valid_and_revocable()
    {
        var service = await ServiceClientAsync(platform);
        var offering = await NewOfferingAsync(service);
        var buyer = await NewBuyerAsync(platform);
        var instance = await ReadAsync<InstanceDto>(
            await buyer.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(offering.Slug)), HttpStatusCode.Created);
        var key = await ReadAsync<CreatedApiKeyDto>(
            await buyer.Http.PostJsonAsync($"/api/v1/instances/{instance.Id}/api-keys", new CreateApiKeyRequest("ci")), HttpStatusCode.Created);
        Assert.StartsWith("gsv_", key.Key, StringComparison.Ordinal);
        Assert.StartsWith(key.Prefix, key.Key, StringComparison.Ordinal);
        Assert.True(key.Key.Length > 40);

        var listed = await buyer.Http.GetStringAsync($"/api/v1/instances/{instance.Id}/api-keys");
        Assert.DoesNotContain(key.Key, listed, StringComparison.Ordinal);

        var resolved = await (await GatewayClientAsync(platform)).ResolveApiKeyAsync(key.Key);
        Assert.Equal((key.Id, instance.Id, buyer.WorkspaceId), (resolved!.ApiKeyId, resolved.InstanceId, resolved.WorkspaceId));
        Assert.Null(await (await GatewayClientAsync(platform)).ResolveApiKeyAsync(key.Key + "x"));
        var keys = await ReadAsync<List<ApiKeyDto>>(await buyer.Http.GetAsync($"/api/v1/instances/{instance.Id}/api-keys"), HttpStatusCode.OK);
        Assert.NotNull(Assert.Single(keys).LastUsedAt);

        Assert.Equal(HttpStatusCode.NoContent, (await buyer.Http.DeleteAsync($"/api/v1/instances/{instance.Id}/api-keys/{key.Id}")).StatusCode);
        Assert.Null(await (await GatewayClientAsync(platform)).ResolveApiKeyAsync(key.Key));
        keys = await ReadAsync<List<ApiKeyDto>>(await buyer.Http.GetAsync($"/api/v1/instances/{instance.Id}/api-keys"), HttpStatusCode.OK);
        Assert.NotNull(Assert.Single(keys).RevokedAt);
    }

    private static System.Net.Http.Json.JsonContent JsonContent<T>(T value) => System.Net.Http.Json.JsonContent.Create(value, options: Json);
}
