using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.Emulators.Langflow;
using Gsv.Emulators.Langflow.Graph;
using Gsv.Langflow;

namespace Gsv.Tests.Langflow;

/// <summary>
/// The emulator's MCP Tools → Agent: a real MCP client against a real MCP server (<see cref="TestMcpServer"/>), configured by
/// the tweak the Gateway sends, and the deterministic rule standing in for the LLM's tool choice.
/// </summary>
public sealed class McpToolsEmulatorTests(TestMcpServer server) : IClassFixture<TestMcpServer>
{
    private static readonly ComponentCatalog Catalog = new(ComponentCatalogApi.Components);

    private static FlowTemplate Template(string name) => LangflowTestSupport.LoadTemplates().Get(name);

    /// <summary>Runs a template as deployed (hydrated), with the Gateway's MCP tweak unless told otherwise.</summary>
    private async Task<IReadOnlyList<VertexRun>> RunAsync(
        string template, string input, JsonObject? tweaks = null, IFlowRunObserver? observer = null, bool tweak = true)
    {
        var flow = Template(template);
        var all = tweak ? server.Tweak(flow.McpInput!.Value.Component) : new JsonObject();
        foreach (var (key, value) in tweaks ?? [])
        {
            all[key] = value?.DeepClone();
        }

        return await FlowExecutor.RunAsync(FlowGraph.Parse(flow.Hydrate(Catalog)), new FlowRunRequest(input, "chat", all), "ai-message", observer, CancellationToken.None);
    }

    private static VertexRun Agent(IReadOnlyList<VertexRun> runs) => runs.Single(r => r.Vertex.Type == "Agent");

    private static string Output(IReadOnlyList<VertexRun> runs) => runs.Single(r => r.Vertex.Type == "ChatOutput").Text;

    [Fact]
    public async Task A_tool_named_in_the_input_is_called_once_with_the_input_s_first_JSON_object_and_its_result_ends_the_answer()
    {
        var repo = $"acme/{Guid.NewGuid():N}";
        var input = $$"""Use github_list_issues with {"repo": "{{repo}}", "state": "closed"} and then {"ignored": true}.""";

        var runs = await RunAsync("code-reviewer", input);

        var agent = Agent(runs);
        var prompt = runs.Single(r => r.Vertex.Type == "Prompt").Text;
        var system = agent.Vertex.GetString("system_prompt")!;
        var model = DeterministicModel.Answer("gpt-4o-mini", system, prompt);
        const string Result = ": 2 closed issues: #7 Login fails on Safari; #9 Dark mode";
        Assert.Equal($"{model.Text}\nTool github_list_issues returned: {repo}{Result}", agent.Text);
        Assert.Equal(agent.Text, Output(runs));
        Assert.StartsWith("As instructed (\"You are GSV Code Review Assistant, a principal engineer.\")", agent.Text);
        Assert.Equal([$$"""{"repo":"{{repo}}","state":"closed"}"""], server.Calls.Where(c => c.Arguments["repo"]!.GetValue<string>() == repo).Select(c => c.Arguments.ToJsonString()));
        Assert.Contains($"Bearer {TestMcpServer.Token}", server.Authorizations);

        // Usage as a model reports it: the tool's result went back to the model as input.
        var expectedInput = DeterministicModel.EstimateTokens(system) + DeterministicModel.EstimateTokens(prompt)
            + DeterministicModel.EstimateTokens($"{repo}{Result}");
        Assert.Equal(new Gsv.Emulators.Langflow.Graph.TokenUsage(expectedInput, DeterministicModel.Chunk(agent.Text).Count), agent.Usage);
        Assert.Equal(agent.Usage, runs.Single(r => r.Vertex.Type == "ChatOutput").Usage);
        Assert.Equal("gpt-4o-mini", runs.Single(r => r.Vertex.Type == "ChatOutput").ModelName);
    }

    [Fact]
    public async Task Without_a_tool_named_the_answer_lists_the_tools_and_nothing_is_called()
    {
        var before = server.Calls.Count;

        // A longer name that merely starts with a tool's name does not name it.
        var runs = await RunAsync("invoice-extractor", "Invoice 42 from ACME, see github_list_issues_v2 {\"repo\": \"acme/x\"}");

        var agent = Agent(runs);
        Assert.EndsWith($"\nTools available: {TestMcpServer.ListIssues}, {TestMcpServer.CreateIssue}", agent.Text);
        Assert.StartsWith("As instructed (\"You are GSV Invoice Processor, an accounts-payable automation.\")", agent.Text);
        Assert.Equal(before, server.Calls.Count);
    }

    [Fact]
    public async Task A_tool_error_result_is_a_failed_line_and_the_run_still_succeeds()
    {
        var repo = $"acme/{Guid.NewGuid():N}";

        var runs = await RunAsync("invoice-extractor", $$"""File it: github_create_issue {"repo": "{{repo}}", "title": "Invoice 42 is wrong"}""");

        Assert.EndsWith($"\nTool {TestMcpServer.CreateIssue} failed: {TestMcpServer.CreateIssueError}", Output(runs));
        Assert.Single(server.Calls, c => c.Tool == TestMcpServer.CreateIssue && c.Arguments["repo"]!.GetValue<string>() == repo
            && c.Arguments["title"]!.GetValue<string>() == "Invoice 42 is wrong");
    }

    [Fact]
    public async Task Without_a_url_the_MCP_Tools_component_fails_the_run_as_Langflow_reports_a_component_error()
    {
        var observer = new RecordingObserver();

        var error = await Assert.ThrowsAsync<ComponentBuildException>(() => RunAsync("code-reviewer", "x", observer: observer, tweak: false));

        Assert.StartsWith("Error building Component MCP Tools: \n\nError updating tool list: MCP server 'gsv' has no URL (mcp_server.config.url).", error.Message);
        Assert.Empty(observer.Tokens);                                   // the agent never answered
    }

    [Fact]
    public async Task A_wrong_run_token_or_an_unreachable_server_fails_the_run_with_the_reason()
    {
        var component = Template("code-reviewer").McpInput!.Value.Component;

        var refused = await Assert.ThrowsAsync<ComponentBuildException>(() =>
            RunAsync("code-reviewer", "x", server.Tweak(component, token: "expired-token"), tweak: false));
        Assert.Contains("Error updating tool list: MCP server 'gsv' at " + server.Url, refused.Message);
        Assert.Contains("the server refused the credentials (401 Unauthorized)", refused.Message);
        Assert.Contains("Bearer expired-token", server.Authorizations);

        var closed = server.Tweak(component);
        closed[component]!["mcp_server"]!["config"]!["url"] = $"http://127.0.0.1:{FreePort()}/mcp";
        var unreachable = await Assert.ThrowsAsync<ComponentBuildException>(() => RunAsync("code-reviewer", "x", closed, tweak: false));
        Assert.Contains("cannot connect", unreachable.Message);
        Assert.StartsWith("Error building Component MCP Tools: ", unreachable.Message);
    }

    [Fact]
    public async Task Streaming_emits_the_agent_s_answer_token_by_token_tool_line_included()
    {
        var observer = new RecordingObserver();

        var runs = await RunAsync("code-reviewer", """github_list_issues {"repo": "acme/stream"}""", observer: observer);

        Assert.Equal(["message:ChatInput", "start:ai-message"], observer.Calls);
        Assert.True(observer.Tokens.Count > 5);
        Assert.Equal(Output(runs), string.Concat(observer.Tokens));
        Assert.EndsWith("Tool github_list_issues returned: acme/stream: 2 open issues: #7 Login fails on Safari; #9 Dark mode", string.Concat(observer.Tokens));
        Assert.Equal(DeterministicModel.Chunk(Output(runs)), observer.Tokens);
    }

    [Fact]
    public async Task The_mcp_server_tweak_is_a_JSON_object_that_replaces_the_template_value_and_the_knobs_work_on_the_agent()
    {
        var flow = Template("invoice-extractor");
        var graph = FlowGraph.Parse(flow.Hydrate(Catalog));
        var (component, field) = flow.McpInput!.Value;
        Assert.Equal("""{"name":"gsv","config":{}}""", graph.Vertices.Single(v => v.Id == component).Fields[field]!.ToJsonString());

        FlowExecutor.ApplyTweaks(graph, server.Tweak(component));

        var value = Assert.IsType<JsonObject>(graph.Vertices.Single(v => v.Id == component).Fields[field]);
        Assert.Equal(server.Url.ToString(), (string?)value["config"]!["url"]);

        var failing = new JsonObject { ["Agent"] = new JsonObject { [FlowExecutor.FailField] = "quota exceeded" } };
        var error = await Assert.ThrowsAsync<ComponentBuildException>(() => RunAsync("invoice-extractor", "x", failing));
        Assert.Equal("Error building Component Agent: \n\nquota exceeded", error.Message);
    }

    [Theory]
    [InlineData("""no object here""", "{}")]
    [InlineData("""code { return 1; } then {"repo": "a/b", "n": {"deep": [1, 2]}} and {"x": 1}""", """{"repo":"a/b","n":{"deep":[1,2]}}""")]
    [InlineData("""{"unterminated": 1 and {"ok": true}""", """{"ok":true}""")]
    [InlineData("""an array first [{"a": 1}] then {"b": 2}""", """{"a":1}""")]
    public void Tool_arguments_are_the_first_JSON_object_of_the_input(string input, string expected)
    {
        var arguments = DeterministicAgent.Arguments(input);

        Assert.Equal(expected, JsonSerializer.Serialize(arguments));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RecordingObserver : IFlowRunObserver
    {
        public List<string> Calls { get; } = [];
        public List<string> Tokens { get; } = [];

        public Task MessageAsync(VertexRun run, CancellationToken cancellationToken)
        {
            Calls.Add($"message:{run.Vertex.Type}");
            return Task.CompletedTask;
        }

        public Task StreamStartAsync(string messageId, CancellationToken cancellationToken)
        {
            Calls.Add($"start:{messageId}");
            return Task.CompletedTask;
        }

        public Task TokenAsync(string chunk, string messageId, CancellationToken cancellationToken)
        {
            Tokens.Add(chunk);
            return Task.CompletedTask;
        }
    }
}
