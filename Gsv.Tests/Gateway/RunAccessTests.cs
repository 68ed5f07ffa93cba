using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Gateway;

/// <summary>Who may run an instance, and in which state.</summary>
[Collection(PlatformCollection.Name)]
public sealed class RunAccessTests(PlatformFixture platform)
{
    /// <summary>Gateway:ApiKeyCacheDuration and Gateway:InstanceCacheDuration are 5 s and 2 s; poll well past them.</summary>
    private static readonly TimeSpan PropagationDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_revoked_api_key_stops_working_within_the_cache_delay()
    {
        var scenario = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 50);
        using var gateway = scenario.CreateApiKeyClient();
        using (var before = await gateway.PostAsync(scenario.RunsPath, GatewayScenario.Body("still valid")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await scenario.UserControlPlane.RevokeApiKeyAsync(scenario.User.AccessToken, scenario.Instance.Id, scenario.ApiKeyId);

        var status = await PollStatusAsync(gateway, scenario.RunsPath, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        using var withHeader = scenario.CreateGatewayClient(apiKeyHeader: scenario.ApiKey);
        using var again = await withHeader.PostAsync(scenario.RunsPath, GatewayScenario.Body("revoked"));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task Another_workspace_gets_404_for_the_instance_and_its_runs()
    {
        var owner = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 10);
        var stranger = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 10);
        using var ownerGateway = owner.CreateApiKeyClient();
        using var ran = await ownerGateway.PostAsync(owner.RunsPath, GatewayScenario.Body("mine"));
        var runId = (string)(await ran.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!;

        // The stranger's user token and the stranger's own instance key both get 404, never 403.
        using var strangerUser = stranger.CreateGatewayClient(bearer: stranger.User.AccessToken);
        using var byToken = await strangerUser.PostAsync(owner.RunsPath, GatewayScenario.Body("not yours"));
        Assert.Equal(HttpStatusCode.NotFound, byToken.StatusCode);
        Assert.Equal("not_found", (string?)(await byToken.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
        using var strangerKey = stranger.CreateApiKeyClient();
        using var byKey = await strangerKey.PostAsync(owner.RunsPath, GatewayScenario.Body("not yours"));
        Assert.Equal(HttpStatusCode.NotFound, byKey.StatusCode);
        using var readRun = await strangerUser.GetAsync($"/v1/runs/{runId}");
        Assert.Equal(HttpStatusCode.NotFound, readRun.StatusCode);
        using var readRunByKey = await strangerKey.GetAsync($"/v1/runs/{runId}");
        Assert.Equal(HttpStatusCode.NotFound, readRunByKey.StatusCode);

        Assert.Equal(9, (await owner.SettledWalletAsync()).Balance);
        Assert.Equal(10, (await stranger.SettledWalletAsync()).Balance);
    }

    [Fact]
    public async Task Without_credentials_or_with_a_bad_token_the_gateway_answers_401()
    {
        var scenario = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 1);
        using var anonymous = scenario.CreateGatewayClient();
        using var none = await anonymous.PostAsync(scenario.RunsPath, GatewayScenario.Body("hi"));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);

        using var forged = scenario.CreateGatewayClient(bearer: "gsv_" + Guid.NewGuid().ToString("N"));
        using var unknownKey = await forged.PostAsync(scenario.RunsPath, GatewayScenario.Body("hi"));
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
        Assert.Equal(1, (await scenario.SettledWalletAsync()).Balance);
    }

    [Fact]
    public async Task A_suspended_instance_gets_409_instance_not_active_and_runs_again_once_reactivated()
    {
        var scenario = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 10);
        using var gateway = scenario.CreateApiKeyClient();
        using (var active = await gateway.PostAsync(scenario.RunsPath, GatewayScenario.Body("before")))
        {
            Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        }

        await scenario.ControlPlane.TransitionInstanceAsync(scenario.Instance.Id, new TransitionRequest(InstanceState.Suspended, "test: suspended"));

        Assert.Equal(HttpStatusCode.Conflict, await PollStatusAsync(gateway, scenario.RunsPath, HttpStatusCode.Conflict));
        var before = await scenario.SettledWalletAsync();
        using var refused = await gateway.PostAsync(scenario.RunsPath, GatewayScenario.Body("while suspended"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("instance_not_active", (string?)problem["code"]);
        Assert.Equal("SUSPENDED", (string?)problem["state"]);
        // Read at once, not waited for: the refused run took no hold at all.
        var after = await scenario.ControlPlane.GetWalletAsync(scenario.WorkspaceId);
        Assert.Equal((before.Balance, 0L), (after!.Balance, after.Held));

        await scenario.ControlPlane.TransitionInstanceAsync(scenario.Instance.Id, new TransitionRequest(InstanceState.Active, "test: resumed"));
        Assert.Equal(HttpStatusCode.OK, await PollStatusAsync(gateway, scenario.RunsPath, HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_valid_token_the_control_plane_refuses_gets_403_problem_not_500()
    {
        var scenario = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 5);
        using var owner = scenario.CreateApiKeyClient();
        using var ran = await owner.PostAsync(scenario.RunsPath, GatewayScenario.Body("mine"));
        var runId = (string)(await ran.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!;

        // A service account's token: valid for the gateway (issuer, audience, signature), but not a buyer's, so the
        // Control Plane refuses it (403) when the gateway asks it for the instance or the run with it.
        var serviceToken = await platform.Identity.GetServiceTokenAsync("gsv-provisioner");
        using var gateway = scenario.CreateGatewayClient(bearer: serviceToken);
        using var run = await gateway.PostAsync(scenario.RunsPath, GatewayScenario.Body("not a buyer"));
        using var read = await gateway.GetAsync($"/v1/runs/{runId}");

        foreach (var response in new[] { run, read })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("forbidden", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
        }

        Assert.Equal(4, (await scenario.SettledWalletAsync()).Balance);
    }

    /// <summary>Runs until the gateway answers <paramref name="expected"/> (caches may hold the old answer a few seconds), bounded.</summary>
    private static async Task<HttpStatusCode> PollStatusAsync(HttpClient gateway, string path, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await gateway.PostAsync(path, GatewayScenario.Body("poll"));
            if (response.StatusCode == expected || clock.Elapsed > PropagationDeadline)
            {
                return response.StatusCode;
            }

            await Task.Delay(250);
        }
    }
}
