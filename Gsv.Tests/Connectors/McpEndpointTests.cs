using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.ServiceDefaults.Problems;
using Gsv.Tests.Infrastructure;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gsv.Tests.Connectors;

/// <summary>
/// The gateway's <c>/mcp</c> as Langflow uses it during a run: the run token's instance's allowed tools, calls that
/// reach the upstream with the buyer's token and are audited, and refusals — a revoke in an open session, a tool off
/// the allow-list, another instance's token, an expired or forged token.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class McpEndpointTests(PlatformFixture platform) : IAsyncLifetime
{
    private UpstreamStandIns _upstream = null!;

    public async Task InitializeAsync() => _upstream = await UpstreamStandIns.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task A_tool_call_uses_the_buyers_token_is_audited_and_is_refused_in_the_same_session_once_revoked()
    {
        var buyer = await ConnectorScenario.StartTrialAsync(platform, "mcp");
        var token = _upstream.NewToken("ghp");
        await buyer.BindGitHubAsync(_upstream, token);

        await using var session = await buyer.OpenMcpAsync(buyer.RunToken());
        var tools = await session.ListToolsAsync();
        Assert.Equal(["github_comment_issue", "github_create_issue", "github_list_issues"], tools.Select(t => t.Name).Order());
        Assert.Contains("\"title\"", tools.Single(t => t.Name == "github_create_issue").ProtocolTool.InputSchema.GetRawText());

        var created = await session.CallToolAsync("github_create_issue", new Dictionary<string, object?> { ["title"] = "Null check missing in parser", ["body"] = "Found by review." });
        Assert.NotEqual(true, created.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(created.Content)).Text;
        Assert.Matches(@"^Created issue #\d+ in octo-org/website: https://github\.com/octo-org/website/issues/\d+$", text);
        var sent = _upstream.Requests.Last(r => r.Method == "POST" && r.Path == "/github/repos/octo-org/website/issues");
        Assert.Equal($"Bearer {token}", sent.Authorization);
        Assert.Equal("Null check missing in parser", (string?)JsonNode.Parse(sent.Body)!["title"]);

        // An upstream refusal is the tool's error result, for the agent to read.
        var comment = await session.CallToolAsync("github_comment_issue", new Dictionary<string, object?> { ["issue_number"] = 999999, ["body"] = "LGTM" });
        Assert.True(comment.IsError);
        Assert.Contains("HTTP 404", Assert.IsType<TextContentBlock>(Assert.Single(comment.Content)).Text);

        var audit = await buyer.ControlPlane.ListToolCallsAsync(buyer.User.AccessToken, buyer.Instance.Id);
        Assert.Equal([("github_comment_issue", ToolCallOutcomes.Failed, (int?)404), ("github_create_issue", ToolCallOutcomes.Succeeded, 201)],
            audit.Select(a => (a.Tool, a.Outcome, a.UpstreamStatus)));
        Assert.All(audit, a => Assert.NotNull(a.RunId));

        // Revoked while the session is open: the next call is refused and nothing reaches GitHub.
        await buyer.ControlPlane.RevokeConnectorAsync(buyer.User.AccessToken, buyer.Instance.Id, "github");
        var received = _upstream.Requests.Count;
        var refused = await Assert.ThrowsAsync<McpProtocolException>(() =>
            session.CallToolAsync("github_create_issue", new Dictionary<string, object?> { ["title"] = "After revoke" }).AsTask());
        Assert.Contains("not connected to this instance", refused.Message);
        Assert.Equal(received, _upstream.Requests.Count);
        Assert.Empty(await session.ListToolsAsync());
        Assert.Equal(ToolCallOutcomes.Refused, (await buyer.ControlPlane.ListToolCallsAsync(buyer.User.AccessToken, buyer.Instance.Id))[0].Outcome);
    }

    [Fact]
    public async Task A_tool_off_the_allow_list_is_neither_listed_nor_callable()
    {
        var buyer = await ConnectorScenario.StartTrialAsync(platform, "allow");
        await buyer.BindGitHubAsync(_upstream, _upstream.NewToken("ghp"), ["github_list_issues"]);
        await using var session = await buyer.OpenMcpAsync(buyer.RunToken());

        Assert.Equal(["github_list_issues"], (await session.ListToolsAsync()).Select(t => t.Name));
        var listed = await session.CallToolAsync("github_list_issues", new Dictionary<string, object?> { ["state"] = "all" });
        Assert.NotEqual(true, listed.IsError);
        var refused = await Assert.ThrowsAsync<McpProtocolException>(() =>
            session.CallToolAsync("github_create_issue", new Dictionary<string, object?> { ["title"] = "Not allowed" }).AsTask());
        Assert.Contains("not among the tools allowed", refused.Message);
        Assert.DoesNotContain(_upstream.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_run_token_reaches_only_its_own_instances_tools_and_an_expired_or_forged_one_is_401()
    {
        var owner = await ConnectorScenario.StartTrialAsync(platform, "mcp-own");
        var other = await ConnectorScenario.StartTrialAsync(platform, "mcp-other");
        await owner.BindGitHubAsync(_upstream, _upstream.NewToken("ghp"));

        // The other instance's token: its own (unbound) tools only, and the owner's tool is refused.
        await using (var session = await other.OpenMcpAsync(other.RunToken()))
        {
            Assert.Empty(await session.ListToolsAsync());
            await Assert.ThrowsAsync<McpProtocolException>(() =>
                session.CallToolAsync("github_create_issue", new Dictionary<string, object?> { ["title"] = "Cross-tenant" }).AsTask());
        }

        Assert.DoesNotContain(_upstream.Requests, r => r.Method == "POST");

        using var http = new HttpClient { BaseAddress = platform.App.GetEndpoint("gateway", "http") };
        var expired = owner.RunToken(mintedAt: DateTimeOffset.UtcNow.AddHours(-1));
        var forged = owner.RunToken()[..^4] + "AAAA";
        foreach (var bearer in new[] { expired, forged, "gsv_not-a-run-token" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
            {
                Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // A buyer's own Keycloak token is not a run token either.
        using var asUser = owner.GatewayHttp();
        using var userResponse = await asUser.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, userResponse.StatusCode);
    }

    [Fact]
    public async Task A_run_is_refused_with_connector_required_until_the_connector_is_bound()
    {
        var buyer = await ConnectorScenario.StartTrialAsync(platform, "required");
        using var http = buyer.GatewayHttp();
        using var response = await http.PostAsync($"/v1/instances/{buyer.Instance.Id}/runs",
            new StringContent("""{"input":"Review my last commit"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(GsvProblems.ConnectorRequired, (string?)problem["code"]);
        Assert.Equal(["github"], problem["missingConnectors"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("needs github connected", (string?)problem["detail"]);

        // Nothing was held or charged.
        var wallet = await buyer.ControlPlane.GetWalletAsync(buyer.User.AccessToken);
        Assert.Equal(wallet!.Balance, wallet.Available);
    }
}
