using System.Text.Json.Nodes;
using Gsv.Emulators.Langflow;
using Gsv.Emulators.Langflow.Graph;
using Gsv.Langflow;

namespace Gsv.Tests.Langflow;

/// <summary>Unit tests of the emulator's graph executor on the repository's templates and on small hand-made graphs.</summary>
public sealed class FlowGraphExecutorTests(TestMcpServer mcp) : IClassFixture<TestMcpServer>
{
    /// <summary>The emulator's own component catalog (what it serves as <c>GET /api/v1/all</c>).</summary>
    private static readonly ComponentCatalog Catalog = new(ComponentCatalogApi.Components);

    /// <summary>A template as the Provisioner deploys it: hydrated against the catalog.</summary>
    private static FlowGraph Template(string name) => FlowGraph.Parse(LangflowTestSupport.LoadTemplates().Get(name).Hydrate(Catalog));

    private static Task<IReadOnlyList<VertexRun>> RunAsync(FlowGraph graph, string? input, JsonObject? tweaks = null, string inputType = "chat", IFlowRunObserver? observer = null) =>
        FlowExecutor.RunAsync(graph, new FlowRunRequest(input, inputType, tweaks), "ai-message", observer, CancellationToken.None);

    [Theory]
    [MemberData(nameof(LangflowTestSupport.Templates), MemberType = typeof(LangflowTestSupport))]
    public void Every_template_is_ChatInput_Prompt_OpenAIModel_ChatOutput_or_with_connectors_an_Agent_with_MCP_Tools_in_order(string template)
    {
        var order = Template(template).TopologicalOrder().Select(v => v.Type).ToArray();

        string[] expected = LangflowTestSupport.LoadTemplates().Get(template).McpInput is null
            ? ["ChatInput", "Prompt", "OpenAIModel", "ChatOutput"]
            : ["ChatInput", "MCPTools", "Prompt", "Agent", "ChatOutput"];
        Assert.Equal(expected, order);
    }

    [Fact]
    public void The_catalog_templates_are_exactly_the_flows_folder()
    {
        Assert.Equal(LangflowTestSupport.TemplateNames.Order(), LangflowTestSupport.LoadTemplates().Names.Order());
    }

    [Theory]
    [InlineData("support-agent")]
    [InlineData("content-writer")]
    [InlineData("code-reviewer")]
    public async Task Knowledge_templates_take_the_retrieved_passages_in_their_declared_context_input(string name)
    {
        var template = LangflowTestSupport.LoadTemplates().Get(name);
        var (component, field) = template.ContextInput ?? throw new Xunit.Sdk.XunitException($"{name} declares no context input");
        var tweaks = new JsonObject { [component] = new JsonObject { [field] = "[1] faq.md: The office code is ZETA-9." } };
        if (template.McpInput is var (tools, _))
        {
            tweaks[tools] = mcp.Tweak(tools)[tools]!.DeepClone();      // a connector template runs with the Gateway's MCP server
        }

        var runs = await RunAsync(FlowGraph.Parse(template.Hydrate(Catalog)), "What is the office code?", tweaks);

        var prompt = runs.Single(r => r.Vertex.Type == "Prompt");
        Assert.Contains("What is the office code?", prompt.Text);
        Assert.Contains("[1] faq.md: The office code is ZETA-9.", prompt.Text);
        Assert.Contains("ZETA-9", runs.Single(r => r.Vertex.Type == "ChatOutput").Text);     // the model was given it
        Assert.DoesNotContain(field, template.AllowedTweaks.Keys.Select(k => k[(k.IndexOf('.') + 1)..]));   // callers cannot set it
    }

    [Theory]
    [InlineData("research-agent")]
    [InlineData("lead-qualifier")]
    public void Templates_without_knowledge_declare_no_context_input(string name)
    {
        Assert.Null(LangflowTestSupport.LoadTemplates().Get(name).ContextInput);
    }

    [Fact]
    public async Task Input_flows_through_the_prompt_variable_into_the_model_and_out()
    {
        var runs = await RunAsync(Template("support-agent"), "My printer is offline");

        var prompt = runs.Single(r => r.Vertex.Type == "Prompt");
        var model = runs.Single(r => r.Vertex.Type == "OpenAIModel");
        var output = runs.Single(r => r.Vertex.Type == "ChatOutput");
        Assert.StartsWith("Customer message:\nMy printer is offline\n\n", prompt.Text);
        Assert.EndsWith("\n\nReply to the customer.", prompt.Text);
        Assert.Equal(model.Text, output.Text);
        Assert.Contains("You are GSV Support Agent", output.Text);
        Assert.Contains("My printer is offline", output.Text);
        Assert.Equal(("Machine", "AI"), (output.Sender, output.SenderName));
        Assert.Equal(model.Usage, output.Usage);
        Assert.Equal("gpt-4o-mini", output.ModelName);
    }

    [Fact]
    public async Task Usage_counts_prompt_and_answer_tokens()
    {
        var runs = await RunAsync(Template("research-agent"), "Compare Postgres and MySQL");
        var model = runs.Single(r => r.Vertex.Type == "OpenAIModel");
        var system = model.Vertex.GetString("system_message")!;
        var prompt = runs.Single(r => r.Vertex.Type == "Prompt").Text;

        Assert.Equal(DeterministicModel.EstimateTokens(system) + DeterministicModel.EstimateTokens(prompt), model.Usage!.InputTokens);
        Assert.Equal(DeterministicModel.Chunk(model.Text).Count, model.Usage.OutputTokens);
        Assert.Equal(model.Usage.InputTokens + model.Usage.OutputTokens, model.Usage.TotalTokens);
    }

    [Fact]
    public void Model_is_deterministic_and_sensitive_to_every_input()
    {
        var answer = DeterministicModel.Answer("gpt-4o-mini", "You are terse.", "hello");

        Assert.Equal(answer, DeterministicModel.Answer("gpt-4o-mini", "You are terse.", "hello") with { Chunks = answer.Chunks });
        Assert.NotEqual(answer.Text, DeterministicModel.Answer("gpt-4o-mini", "You are terse.", "hello!").Text);
        Assert.NotEqual(answer.Text, DeterministicModel.Answer("gpt-4o-mini", "You are verbose.", "hello").Text);
        Assert.NotEqual(answer.Text, DeterministicModel.Answer("gpt-4o", "You are terse.", "hello").Text);
        Assert.Equal(answer.Text, string.Concat(answer.Chunks));
    }

    [Fact]
    public async Task Tweaks_apply_by_display_name_or_id_to_existing_fields_only_and_never_to_code()
    {
        var graph = Template("content-writer");
        var promptId = graph.Vertices.Single(v => v.Type == "Prompt").Id;
        var tweaks = new JsonObject
        {
            ["OpenAI"] = new JsonObject { ["model_name"] = "gpt-4.1", ["not_a_field"] = "x", ["code"] = "import os" },
            [promptId] = new JsonObject { ["template"] = "Write about {request}!" },
        };

        var runs = await RunAsync(graph, "tea", tweaks);

        var model = runs.Single(r => r.Vertex.Type == "OpenAIModel");
        Assert.Equal("gpt-4.1", model.ModelName);
        Assert.False(model.Vertex.Fields.ContainsKey("not_a_field"));
        Assert.Equal((string?)Catalog.Find("OpenAIModel")!["template"]!["code"]!["value"], model.Vertex.Code);   // the tweak did not replace it
        Assert.Equal("Write about tea!", runs.Single(r => r.Vertex.Type == "Prompt").Text);
    }

    [Fact]
    public void Prompt_braces_escape_and_unknown_variables_render_empty()
    {
        var vertex = new FlowVertex("Prompt-1", "Prompt", "Prompt", new()
        {
            ["template"] = "{{json}} {name} and {missing}.",
            ["name"] = "Ada",
        });

        Assert.Equal("{json} Ada and .", FlowExecutor.RenderPrompt(vertex));
    }

    [Fact]
    public async Task Input_type_text_does_not_feed_a_chat_input()
    {
        var runs = await RunAsync(Template("inbox-triage"), "ignored", inputType: "text");

        Assert.Equal("", runs.Single(r => r.Vertex.Type == "ChatInput").Text);
    }

    [Fact]
    public async Task The_fail_knob_raises_Langflows_component_error()
    {
        var tweaks = new JsonObject { ["OpenAI"] = new JsonObject { [FlowExecutor.FailField] = "quota exceeded" } };

        var error = await Assert.ThrowsAsync<ComponentBuildException>(() => RunAsync(Template("data-analyst"), "x", tweaks));

        Assert.Equal("Error building Component OpenAI: \n\nquota exceeded", error.Message);
    }

    [Fact]
    public async Task The_delay_knob_is_cancellable()
    {
        var graph = Template("research-agent");
        var tweaks = new JsonObject { ["OpenAI"] = new JsonObject { [FlowExecutor.DelayField] = 60_000 } };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            FlowExecutor.RunAsync(graph, new FlowRunRequest("x", "chat", tweaks), "ai", null, cancel.Token));
    }

    [Fact]
    public async Task A_streamed_run_emits_the_user_message_then_tokens_that_rebuild_the_answer_whatever_the_model_s_stream_field()
    {
        var observer = new RecordingObserver();
        var runs = await RunAsync(Template("lead-qualifier"), "ACME, 500 seats", observer: observer);

        Assert.Equal("message:ChatInput", observer.Calls[0]);
        Assert.Equal("start:ai-message", observer.Calls[1]);
        Assert.Equal(runs.Single(r => r.Vertex.Type == "ChatOutput").Text, string.Concat(observer.Tokens));

        // Langflow decides from the request (?stream=true), not from the model's own 'stream' input.
        var off = new RecordingObserver();
        var same = await RunAsync(Template("lead-qualifier"), "ACME, 500 seats", new JsonObject { ["OpenAI"] = new JsonObject { ["stream"] = false } }, observer: off);
        Assert.Equal(same.Single(r => r.Vertex.Type == "ChatOutput").Text, string.Concat(off.Tokens));
    }

    [Fact]
    public async Task A_node_without_component_code_or_with_a_missing_global_variable_fails_the_build_before_anything_runs()
    {
        var raw = FlowGraph.Parse(LangflowTestSupport.LoadTemplates().Get("research-agent").Data);     // compact: no code
        var codeless = await Assert.ThrowsAsync<ComponentBuildException>(() => RunAsync(raw, "x"));
        Assert.Contains("no component code", codeless.Message);

        var observer = new RecordingObserver();
        var missing = await Assert.ThrowsAsync<ComponentBuildException>(() => FlowExecutor.RunAsync(
            Template("research-agent"), new FlowRunRequest("x", "chat", null, Variables: new HashSet<string> { "ANTHROPIC_API_KEY" }), "m", observer, CancellationToken.None));
        Assert.Contains("variable OPENAI_API_KEY not found", missing.Message);
        Assert.Empty(observer.Calls);                                              // nothing ran: not even the input was stored

        var runs = await FlowExecutor.RunAsync(
            Template("research-agent"), new FlowRunRequest("x", "chat", null, Variables: new HashSet<string> { "OPENAI_API_KEY" }), "m", null, CancellationToken.None);
        Assert.NotEmpty(runs);
    }

    [Theory]
    [MemberData(nameof(LangflowTestSupport.Templates), MemberType = typeof(LangflowTestSupport))]
    public void Every_template_hydrates_against_the_emulator_s_catalog_keeping_its_values_and_taking_the_catalog_s_code(string name)
    {
        var template = LangflowTestSupport.LoadTemplates().Get(name);
        var hydrated = template.Hydrate(Catalog);

        foreach (var (compact, full) in template.Data["nodes"]!.AsArray().Zip(hydrated["nodes"]!.AsArray()))
        {
            var fields = full!["data"]!["node"]!["template"]!.AsObject();
            var type = (string)full["data"]!["type"]!;
            Assert.Equal((string?)Catalog.Find(type)!["template"]!["code"]!["value"], (string?)fields["code"]!["value"]);
            foreach (var (field, value) in compact!["data"]!["node"]!["template"]!.AsObject().Where(f => f.Value is JsonObject))
            {
                Assert.Equal(value!["value"]?.ToJsonString(), fields[field]!["value"]?.ToJsonString());
            }
        }
    }

    [Fact]
    public async Task Handles_given_only_as_strings_and_unsupported_components_and_cycles()
    {
        var data = JsonNode.Parse("""
        {
          "nodes": [
            { "id": "TextInput-a", "data": { "type": "TextInput", "node": { "template": { "input_value": { "value": "" }, "code": { "value": "# text input" } } } } },
            { "id": "TextOutput-b", "data": { "type": "TextOutput", "node": { "template": { "input_value": { "value": "" }, "code": { "value": "# text output" } } } } },
            { "id": "Note-c", "type": "noteNode", "data": { "type": "note" } }
          ],
          "edges": [
            { "id": "e1", "source": "TextInput-a", "target": "TextOutput-b",
              "sourceHandle": "{œdataTypeœ: œTextInputœ, œidœ: œTextInput-aœ, œnameœ: œtextœ, œoutput_typesœ: [œMessageœ]}",
              "targetHandle": "{œfieldNameœ: œinput_valueœ, œidœ: œTextOutput-bœ, œinputTypesœ: [œMessageœ], œtypeœ: œstrœ}" }
          ]
        }
        """)!.AsObject();

        var runs = await RunAsync(FlowGraph.Parse(data), "plain text", inputType: "text");
        Assert.Equal("plain text", runs.Single(r => r.Vertex.Type == "TextOutput").Text);

        var unsupported = (JsonObject)data.DeepClone();
        unsupported["nodes"]![0]!["data"]!["type"] = "PythonREPLComponent";
        await Assert.ThrowsAsync<ComponentBuildException>(() => RunAsync(FlowGraph.Parse(unsupported), "x"));

        var cycle = (JsonObject)data.DeepClone();
        cycle["edges"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "e2", "source": "TextOutput-b", "target": "TextInput-a",
              "data": { "sourceHandle": { "name": "text" }, "targetHandle": { "fieldName": "input_value" } } }
            """));
        Assert.Throws<FlowGraphException>(() => FlowGraph.Parse(cycle).TopologicalOrder());

        Assert.Throws<FlowGraphException>(() => FlowGraph.Parse(new JsonObject { ["nodes"] = new JsonArray() }));
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
