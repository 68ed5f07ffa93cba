using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.ServiceDefaults.Problems;
using Gsv.Tests.Infrastructure;
using ModelContextProtocol;

namespace Gsv.Tests.Connectors;

/// <summary>
/// T6 through the AppHost: an instance's run uses the buyer's GitHub through the gateway's MCP endpoint (Langflow's
/// agent calls the tool the request names), and revoking the connector blocks it at once.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConnectorRunTests(PlatformFixture platform) : IAsyncLifetime
{
    private UpstreamStandIns _upstream = null!;

    public async Task InitializeAsync() => _upstream = await UpstreamStandIns.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task T6_a_run_creates_a_github_issue_with_the_buyers_token_and_a_revoke_blocks_the_next_run_and_open_sessions()
    {
        var buyer = await ConnectorScenario.StartTrialAsync(platform, "t6");
        var token = _upstream.NewToken("ghp");
        await buyer.BindGitHubAsync(_upstream, token);

        using var gateway = buyer.GatewayHttp();
        const string request = "Open an issue for the flaky login test: github_create_issue {\"title\": \"Flaky login test\", \"body\": \"Fails one run in ten.\"}";
        using var response = await gateway.PostAsJsonAsync($"/v1/instances/{buyer.Instance.Id}/runs", new { input = request });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"The run answered {(int)response.StatusCode}: {body}");
        var output = (string?)JsonNode.Parse(body)!["output"];

        var sent = Assert.Single(_upstream.Requests, r => r.Method == "POST" && r.Path == "/github/repos/octo-org/website/issues");
        Assert.Equal($"Bearer {token}", sent.Authorization);
        Assert.Equal("Flaky login test", (string?)JsonNode.Parse(sent.Body)!["title"]);
        Assert.Matches(@"Tool github_create_issue returned: Created issue #\d+ in octo-org/website", output);
        var runId = Guid.Parse((string)JsonNode.Parse(body)!["runId"]!);
        var audit = Assert.Single(await buyer.ControlPlane.ListToolCallsAsync(buyer.User.AccessToken, buyer.Instance.Id));
        Assert.Equal(("github_create_issue", "succeeded", runId), (audit.Tool, audit.Outcome, audit.RunId));

        // A session Langflow opened before the revoke (its run token is still valid)…
        await using var session = await buyer.OpenMcpAsync(buyer.RunToken());
        Assert.Contains(await session.ListToolsAsync(), t => t.Name == "github_create_issue");
        await buyer.ControlPlane.RevokeConnectorAsync(buyer.User.AccessToken, buyer.Instance.Id, "github");

        // …cannot call any more, and the next run is refused before it starts.
        await Assert.ThrowsAsync<McpProtocolException>(() =>
            session.CallToolAsync("github_create_issue", new Dictionary<string, object?> { ["title"] = "After revoke" }).AsTask());
        using var refused = await gateway.PostAsJsonAsync($"/v1/instances/{buyer.Instance.Id}/runs", new { input = request });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(GsvProblems.ConnectorRequired, (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["code"]);
        Assert.Single(_upstream.Requests, r => r.Method == "POST" && r.Path.EndsWith("/issues", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_that_names_no_tool_is_told_which_tools_it_has()
    {
        var buyer = await ConnectorScenario.StartTrialAsync(platform, "t6-list");
        await buyer.BindGitHubAsync(_upstream, _upstream.NewToken("ghp"), ["github_list_issues"]);
        using var gateway = buyer.GatewayHttp();
        using var response = await gateway.PostAsJsonAsync($"/v1/instances/{buyer.Instance.Id}/runs", new { input = "Review this diff: - a + b" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.EndsWith("Tools available: github_list_issues", ((string?)JsonNode.Parse(body)!["output"])!.TrimEnd());
        Assert.DoesNotContain(_upstream.Requests, r => r.Path.StartsWith("/github/", StringComparison.Ordinal));
    }
}
