using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.ControlPlane;

/// <summary>Helpers for HTTP tests of the Control Plane: real users and service tokens from the platform's Keycloak.</summary>
internal static class ControlPlaneHttp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A signed-in buyer whose first call (<c>GET /api/v1/me</c>) provisioned their personal workspace.</summary>
    public sealed record Buyer(TestUser User, HttpClient Http, MeDto Me)
    {
        public Guid WorkspaceId => Me.Workspaces.Single().Id;
    }

    public static async Task<Buyer> NewBuyerAsync(PlatformFixture platform)
    {
        var user = await platform.Identity.CreateUserAsync("cp");
        var http = platform.Identity.CreateClient("controlplane", user.AccessToken);
        var me = await ReadAsync<MeDto>(await http.GetAsync("/api/v1/me"), HttpStatusCode.OK);
        return new Buyer(user, http, me);
    }

    /// <summary>The internal API as the Provisioner calls it (the typed client over a <c>gsv-provisioner</c> token).</summary>
    public static async Task<ControlPlaneClient> ServiceClientAsync(PlatformFixture platform) =>
        new(platform.Identity.CreateClient("controlplane", await platform.Identity.GetServiceTokenAsync("gsv-provisioner")));

    /// <summary>The internal API as the Gateway calls it (a <c>gsv-gateway</c> token: holds, settlements, run records).</summary>
    public static async Task<ControlPlaneClient> GatewayClientAsync(PlatformFixture platform) =>
        new(platform.Identity.CreateClient("controlplane", await platform.Identity.GetServiceTokenAsync("gsv-gateway")));

    /// <summary>A credit batch of one hold, as the Gateway sends when a run arrives alone.</summary>
    public static Task<CreditBatchResult> HoldAsync(ControlPlaneClient gateway, BatchHold hold) =>
        gateway.ApplyCreditBatchAsync(new CreditBatchRequest([], [hold]));

    /// <summary>A credit batch of one settlement.</summary>
    public static Task<CreditBatchResult> SettleAsync(ControlPlaneClient gateway, CreditSettlement settlement) =>
        gateway.ApplyCreditBatchAsync(new CreditBatchRequest([settlement], []));

    /// <summary>
    /// Spends <paramref name="amount"/> as the Gateway does for a run: a credit batch holding it, then one capturing
    /// the hold. Returns the wallet after.
    /// </summary>
    public static async Task<WalletDto> SpendAsync(ControlPlaneClient gateway, Guid workspaceId, Guid? instanceId, long amount)
    {
        var runId = Guid.NewGuid();
        var held = (await HoldAsync(gateway, new BatchHold(runId, workspaceId, instanceId, amount))).Holds[0];
        Assert.True(held.Outcome == CreditOutcome.Held, $"holding {amount}: {held.Outcome} {held.Detail}");
        var captured = (await SettleAsync(gateway, new CloseHold(runId, Capture: true))).Settlements[0];
        Assert.Equal((CreditOutcome.Captured, amount), (captured.Outcome, captured.Amount));
        return captured.Wallet!;
    }

    /// <summary>A fresh offering (unique slug) with a trial, pushed the way the Provisioner pushes the catalog.</summary>
    public static async Task<OfferingDto> NewOfferingAsync(ControlPlaneClient service, long trialCredits = 20) =>
        await service.UpsertOfferingAsync($"test-agent-{Guid.NewGuid():N}", new UpsertOfferingRequest(
            "UHJvZHVjdDox", "Test agent", "agent", "research-agent", 2, 200, trialCredits, [], false));

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
            return JsonSerializer.Deserialize<T>(body, Json)!;
        }
    }

    /// <summary>Asserts a problem+json answer with the given status and stable code.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement.Clone();
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.Equal("https://gsv.dev/problems/" + code, problem.GetProperty("type").GetString());
            return problem;
        }
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient http, string url, T body) =>
        http.PostAsJsonAsync(url, body, Json);
}
