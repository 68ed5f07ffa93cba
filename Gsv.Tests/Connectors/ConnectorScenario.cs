using System.Net.Http.Headers;
using Gsv.ControlPlane.Client;
using Gsv.Gateway;
using Gsv.Gateway.Connectors;
using Gsv.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;

namespace Gsv.Tests.Connectors;

/// <summary>
/// A buyer with an ACTIVE instance of an offering that needs GitHub (a Code Review Assistant trial, provisioned by the
/// reconciler), the calls they make on its connectors, and what Langflow is given for a run: the gateway's MCP endpoint
/// with a run token (minted here with the test platform's key, as the gateway does).
/// </summary>
public sealed record ConnectorScenario(PlatformFixture Platform, TestUser User, InstanceDto Instance, ControlPlaneUserClient ControlPlane)
{
    public const string Offering = "code-review-assistant";
    public const string Repository = "octo-org/website";

    public static async Task<ConnectorScenario> StartTrialAsync(PlatformFixture platform, string prefix = "connect")
    {
        var controlPlane = new ControlPlaneUserClient(platform.Identity.CreateClient("controlplane", null));
        var user = await platform.Identity.CreateUserAsync(prefix);
        var trial = await controlPlane.StartTrialAsync(user.AccessToken, Offering);
        var instance = await Polling.UntilAsync(() => controlPlane.GetInstanceAsync(user.AccessToken, trial.Id),
            i => i is { State: InstanceState.Active or InstanceState.Failed }, TimeSpan.FromMinutes(2), "the trial to be provisioned");
        Assert.True(instance!.State == InstanceState.Active, $"The trial failed: {instance.LastError}");
        return new ConnectorScenario(platform, user, instance, controlPlane);
    }

    public Task<InstanceConnectorDto> BindGitHubAsync(UpstreamStandIns upstream, string token, IReadOnlyList<string>? allowedTools = null) =>
        ControlPlane.BindConnectorAsync(User.AccessToken, Instance.Id, "github", new BindConnectorRequest(
            new Dictionary<string, string?> { ["token"] = token, ["repository"] = Repository, ["apiUrl"] = upstream.GitHubApiUrl }, allowedTools));

    /// <summary>A plain client for the Control Plane's public API as this buyer (a refusal arrives as it is).</summary>
    public HttpClient ControlPlaneHttp()
    {
        var http = new HttpClient { BaseAddress = Platform.App.GetEndpoint("controlplane", "http"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", User.AccessToken);
        return http;
    }

    public HttpClient GatewayHttp()
    {
        var http = new HttpClient { BaseAddress = Platform.App.GetEndpoint("gateway", "http"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", User.AccessToken);
        return http;
    }

    /// <summary>A run token for <paramref name="instance"/> (default: this one), as the gateway mints it; <paramref name="mintedAt"/> shifts its clock.</summary>
    public string RunToken(InstanceDto? instance = null, DateTimeOffset? mintedAt = null)
    {
        var options = Options.Create(new GatewayOptions { RunTokenKey = PlatformFixture.RunTokenKey });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(mintedAt ?? DateTimeOffset.UtcNow);
        var target = instance ?? Instance;
        return new RunTokens(options, time, NullLogger<RunTokens>.Instance).Mint(target.Id, target.WorkspaceId, Guid.CreateVersion7());
    }

    /// <summary>An MCP session with the gateway's <c>/mcp</c>, as Langflow's MCP Tools component opens one for a run.</summary>
    public Task<McpClient> OpenMcpAsync(string runToken) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(Platform.App.GetEndpoint("gateway", "http"), "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {runToken}" },
        }));
}
