using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Tests.Infrastructure;
using Gsv.Tests.Langflow;

namespace Gsv.Tests.Gateway;

/// <summary>
/// An ACTIVE instance made the way the Provisioner makes one, without waiting for it: through the Control Plane's
/// internal API with the provisioner's service token (offering, user and workspace, instance, flow deployed to
/// Langflow from <c>flows/</c>, PENDING → PROVISIONING → ACTIVE, credits granted), plus an API key of the instance.
/// </summary>
public sealed record GatewayScenario(
    PlatformFixture Platform,
    TestUser User,
    Guid WorkspaceId,
    InstanceDto Instance,
    string ApiKey,
    Guid ApiKeyId,
    ControlPlaneClient ControlPlane,
    ControlPlaneUserClient UserControlPlane)
{
    public const string Template = "support-agent";

    public static async Task<GatewayScenario> CreateAsync(
        PlatformFixture platform, long creditsPerRun = 1, long credits = 100, Action<JsonObject>? changeFlow = null)
    {
        var controlPlane = new ControlPlaneClient(platform.Identity.CreateClient("controlplane", await platform.Identity.GetServiceTokenAsync("gsv-provisioner")));
        var userControlPlane = new ControlPlaneUserClient(platform.Identity.CreateClient("controlplane", null));

        var slug = $"gw-{Guid.NewGuid():N}"[..20];
        await controlPlane.UpsertOfferingAsync(slug, new UpsertOfferingRequest(
            null, "Gateway test agent", "agent", Template, creditsPerRun, IncludedCredits: 0, TrialCredits: 0, Connectors: [], Knowledge: false));

        var user = await platform.Identity.CreateUserAsync("gateway");
        var me = await userControlPlane.GetMeAsync(user.AccessToken);
        var workspaceId = me.Workspaces[0].Id;

        var instance = await controlPlane.CreateInstanceAsync(new CreateInstanceRequest(
            workspaceId, slug, null, null, OrderId: $"test-order-{Guid.NewGuid():N}", OrderLineId: "line-1"));
        var flow = await DeployFlowAsync(platform, changeFlow);
        await controlPlane.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Provisioning, "test: provisioning"));
        instance = await controlPlane.TransitionInstanceAsync(instance.Id,
            new TransitionRequest(InstanceState.Active, "test: flow deployed", LangflowFlowId: flow.Id.ToString()));

        if (credits > 0)
        {
            await controlPlane.GrantAsync(workspaceId, new GrantRequest(credits, GrantKind.Adjustment, $"test-grant-{Guid.NewGuid():N}", "gateway test"));
        }

        var key = await userControlPlane.CreateApiKeyAsync(user.AccessToken, instance.Id, "gateway-test");
        return new GatewayScenario(platform, user, workspaceId, instance, key.Key, key.Id, controlPlane, userControlPlane);
    }

    /// <summary>Deploys the scenario's flow template (optionally changed, e.g. the emulator's failure knobs) to Langflow.</summary>
    public static async Task<FlowRead> DeployFlowAsync(PlatformFixture platform, Action<JsonObject>? changeFlow = null) =>
        await (await platform.CreateLangflowClientAsync()).DeployAsync(Template, changeFlow);

    /// <summary>Sets a field of the flow's model component (the emulator's <c>gsv_fail</c>/<c>gsv_delay_ms</c>, or <c>stream</c>).</summary>
    public static Action<JsonObject> ModelField(string field, JsonNode value) => data => LangflowTestSupport.SetModelField(data, field, value);

    /// <summary>
    /// A client for the gateway without the test host's retrying resilience handler: a 502 must reach the test as it
    /// is, not be retried into a second run.
    /// </summary>
    public HttpClient CreateGatewayClient(string? bearer = null, string? apiKeyHeader = null)
    {
        var http = new HttpClient { BaseAddress = Platform.App.GetEndpoint("gateway", "http"), Timeout = TimeSpan.FromSeconds(120) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKeyHeader is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKeyHeader);
        }

        return http;
    }

    /// <summary>The gateway, authenticated with the instance's API key as a bearer token.</summary>
    public HttpClient CreateApiKeyClient() => CreateGatewayClient(bearer: ApiKey);

    public string RunsPath => $"/v1/instances/{Instance.Id}/runs";

    public static JsonContent Body(string input, string? sessionId = null) =>
        JsonContent.Create(new { input, sessionId });

    /// <summary>
    /// The wallet once nothing is held: the gateway answers a run before its capture (or release) and run record are
    /// committed, and releases holds it made ahead after <c>Gateway:CreditPrefetchIdle</c>. A hold still open after
    /// 15 s fails the test.
    /// </summary>
    public async Task<WalletDto> SettledWalletAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var wallet = await ControlPlane.GetWalletAsync(WorkspaceId) ?? throw new InvalidOperationException("No wallet.");
            if (wallet.Held == 0)
            {
                return wallet;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{wallet.Held} credits of workspace {WorkspaceId} are still held after 15 s.");

            await Task.Delay(50);
        }
    }

    /// <summary>The workspace's ledger as it stands (call <see cref="SettledWalletAsync"/> first after runs).</summary>
    public async Task<IReadOnlyList<LedgerEntryDto>> LedgerAsync()
    {
        var page = await UserControlPlane.GetLedgerAsync(User.AccessToken, 1, 200, WorkspaceId)
            ?? throw new InvalidOperationException("No ledger.");
        return page.Items;
    }

    /// <summary>The instance's recorded runs as they stand (call <see cref="SettledWalletAsync"/> first after runs).</summary>
    public async Task<List<RunDto>> RunsAsync()
    {
        return await UserControlPlane.ListRunsAsync(User.AccessToken, Instance.Id);
    }
}
