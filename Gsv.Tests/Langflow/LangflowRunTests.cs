using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.Langflow;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Langflow;

/// <summary>Running flows: Langflow's RunResponse, the streamed event format, and its error shapes.</summary>
[Collection(PlatformCollection.Name)]
public sealed class LangflowRunTests(PlatformFixture platform, TestMcpServer mcp) : IClassFixture<TestMcpServer>
{
    [Theory]
    [MemberData(nameof(LangflowTestSupport.Templates), MemberType = typeof(LangflowTestSupport))]
    public async Task Every_template_answers_at_outputs_0_outputs_0_results_message_text_with_usage(string template)
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync(template);
        using var http = await platform.CreateAuthenticatedHttpClientAsync();

        // Templates with connector tools answer only with the MCP server the Gateway sends (a JSON object tweak).
        using var response = await http.PostAsJsonAsync($"/api/v1/run/{flow.Id}", new JsonObject
        {
            ["input_value"] = "Plan the Q3 launch",
            ["session_id"] = "conv-1",
            ["tweaks"] = LangflowTestSupport.RequiredTweaks(template, mcp),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal("conv-1", (string?)body["session_id"]);
        var result = body["outputs"]![0]!["outputs"]![0]!;
        var message = result["results"]!["message"]!;
        var text = (string?)message["text"];
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.Contains("Plan the Q3 launch", text);                   // the prompt carried the user's input
        Assert.Equal("Plan the Q3 launch", (string?)body["outputs"]![0]!["inputs"]!["input_value"]);
        Assert.Equal(text, (string?)result["outputs"]!["message"]!["message"]);
        Assert.Equal(text, (string?)result["messages"]![0]!["message"]);
        Assert.Equal("Machine", (string?)message["sender"]);
        Assert.Equal("AI", (string?)message["sender_name"]);
        Assert.Equal(flow.Id.ToString(), (string?)message["flow_id"]);
        Assert.StartsWith("ChatOutput-", (string?)result["component_id"]);

        var usage = message["properties"]!["usage"]!;
        var input = (int)usage["input_tokens"]!;
        var output = (int)usage["output_tokens"]!;
        Assert.True(input > 0 && output > 0);
        Assert.Equal(input + output, (int)usage["total_tokens"]!);
    }

    [Fact]
    public async Task Templates_have_distinct_system_prompts_so_answers_differ_per_offering()
    {
        var client = await platform.CreateLangflowClientAsync();
        var answers = new HashSet<string>();
        foreach (var template in LangflowTestSupport.TemplateNames)
        {
            var flow = await client.DeployAsync(template);
            var run = await client.RunAsync(flow.Id.ToString(), new RunRequest("same question", Tweaks: LangflowTestSupport.RequiredTweaks(template, mcp)));
            answers.Add(run.Text!);
        }

        Assert.Equal(LangflowTestSupport.TemplateNames.Length, answers.Count);
    }

    [Fact]
    public async Task Answers_are_deterministic_per_input_and_session_defaults_to_the_flow_id()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("research-agent");

        var first = await client.RunAsync(flow.EndpointName!, new RunRequest("What is GitOps?"));
        var again = await client.RunAsync(flow.Id.ToString(), new RunRequest("What is GitOps?"));
        var other = await client.RunAsync(flow.Id.ToString(), new RunRequest("What is Argo CD?"));

        Assert.Equal(flow.Id.ToString(), first.SessionId);
        Assert.Equal(first.Text, again.Text);
        Assert.NotEqual(first.Text, other.Text);
        Assert.NotNull(first.Usage);
        Assert.Equal(first.Usage!.InputTokens + first.Usage.OutputTokens, first.Usage.TotalTokens);
    }

    [Fact]
    public async Task Streaming_yields_messages_tokens_and_an_end_event_matching_the_plain_answer()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("meeting-summarizer");
        var request = new RunRequest("Notes: ship v2 on Friday; Dana owns QA.", SessionId: "stream-1");
        var plain = await client.RunAsync(flow.Id.ToString(), request);

        var events = new List<LangflowStreamEvent>();
        await foreach (var streamed in client.StreamAsync(flow.Id.ToString(), request))
        {
            events.Add(streamed);
        }

        var tokens = events.OfType<TokenEvent>().ToList();
        var end = Assert.IsType<EndEvent>(events[^1]);
        var messages = events.OfType<AddMessageEvent>().ToList();
        Assert.True(tokens.Count > 1);
        Assert.Equal(plain.Text, string.Concat(tokens.Select(t => t.Chunk)));
        Assert.Equal(plain.Text, end.Result.Text);
        Assert.Equal(plain.Usage, end.Result.Usage);
        Assert.Equal("stream-1", end.Result.SessionId);
        Assert.Equal("User", messages[0].Message.Sender);
        Assert.Equal(request.InputValue, messages[0].Message.Text);
        Assert.Equal("Machine", messages[1].Message.Sender);
        // Tokens belong to the AI message that the final result carries.
        Assert.All(tokens, t => Assert.Equal(messages[1].Message.Id, t.MessageId));
        Assert.Equal(messages[1].Message.Id, end.Result.MessageId);
    }

    [Fact]
    public async Task Stream_body_is_blank_line_separated_json_not_sse()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("code-reviewer");
        using var http = await platform.CreateAuthenticatedHttpClientAsync();

        using var response = await http.PostAsJsonAsync($"/api/v1/run/{flow.Id}?stream=true", new JsonObject
        {
            ["input_value"] = "x = 1",
            ["tweaks"] = LangflowTestSupport.RequiredTweaks("code-reviewer", mcp),
        });
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var chunks = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(chunks, c => Assert.StartsWith("{\"event\":", c));
        Assert.Equal("end", (string?)JsonNode.Parse(chunks[^1])!["event"]);
        Assert.DoesNotContain("data: ", raw);
    }

    [Fact]
    public async Task Unknown_flow_is_404_by_id_and_by_endpoint_name()
    {
        using var http = await platform.CreateAuthenticatedHttpClientAsync();
        var id = Guid.NewGuid();

        using var byId = await http.PostAsJsonAsync($"/api/v1/run/{id}", new { input_value = "hi" });
        using var byName = await http.PostAsJsonAsync("/api/v1/run/no-such-flow", new { input_value = "hi" });
        using var streamed = await http.PostAsJsonAsync("/api/v1/run/no-such-flow?stream=true", new { input_value = "hi" });

        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
        Assert.Equal($$"""{"detail":"Flow identifier {{id}} not found"}""", await byId.Content.ReadAsStringAsync());
        Assert.Equal("""{"detail":"Flow identifier no-such-flow not found"}""", await byName.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, streamed.StatusCode);
    }

    [Fact]
    public async Task A_flow_whose_model_fails_is_500_with_a_json_encoded_detail()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("data-analyst",
            data => LangflowTestSupport.SetModelField(data, "gsv_fail", "Error code: 401 - Incorrect API key provided"));
        using var http = await platform.CreatePlainHttpClientAsync();

        using var response = await http.PostAsJsonAsync($"/api/v1/run/{flow.Id}", new { input_value = "Invoice 42" });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var detail = (string)(await response.ReadJsonObjectAsync())["detail"]!;
        var encoded = JsonNode.Parse(detail)!.AsObject();
        Assert.Equal("Error running graph: Error building Component OpenAI: \n\nError code: 401 - Incorrect API key provided", (string?)encoded["message"]);
        Assert.Equal(["message", "traceback", "description", "code", "suggestion", "source"], encoded.Select(p => p.Key).ToArray());
    }

    [Fact]
    public async Task The_catalog_serves_each_component_with_its_code_and_a_compact_flow_without_code_does_not_build()
    {
        var client = await platform.CreateLangflowClientAsync();
        var catalog = await client.GetComponentCatalogAsync();
        Assert.Superset(new HashSet<string> { "ChatInput", "Prompt", "OpenAIModel", "ChatOutput" }, catalog.Types.ToHashSet());
        Assert.All(catalog.Types, type => Assert.False(string.IsNullOrWhiteSpace((string?)catalog.Find(type)!["template"]!["code"]!["value"])));

        // Posted as it is in flows/ (no code): Langflow accepts the flow but cannot build its nodes.
        var compact = await client.CreateFlowAsync(LangflowTestSupport.LoadTemplates().Get("research-agent")
            .ToFlowCreate("compact research agent", LangflowTestSupport.UniqueEndpoint("compact")));
        var error = await Assert.ThrowsAsync<LangflowException>(() => client.RunAsync(compact.Id.ToString(), new RunRequest("hello")));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("Error building Component", error.Detail);
        Assert.Contains("no component code", error.Detail);

        // Hydrated against the catalog, it runs, its model reading OPENAI_API_KEY, the global variable the AppHost provides.
        var hydrated = await client.DeployAsync("research-agent");
        Assert.False(string.IsNullOrEmpty((await client.RunAsync(hydrated.Id.ToString(), new RunRequest("hello"))).Text));
    }

    [Fact]
    public async Task A_model_whose_key_names_a_missing_global_variable_does_not_build()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("research-agent", data =>
        {
            var model = data["nodes"]!.AsArray().Single(n => ((string)n!["id"]!).StartsWith("OpenAIModel-", StringComparison.Ordinal))!;
            model["data"]!["node"]!["template"]!["api_key"]!["value"] = "NO_SUCH_VARIABLE";
        });

        var error = await Assert.ThrowsAsync<LangflowException>(() => client.RunAsync(flow.Id.ToString(), new RunRequest("hello")));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("variable NO_SUCH_VARIABLE not found", error.Detail);
    }

    [Fact]
    public async Task Failure_injected_by_tweak_surfaces_as_LangflowException_and_as_a_stream_error_event()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("support-agent");
        var tweaks = new JsonObject { ["OpenAI"] = new JsonObject { ["gsv_fail"] = "upstream model unavailable" } };
        using var http = await platform.CreatePlainHttpClientAsync();
        var plain = new LangflowClient(http);

        var error = await Assert.ThrowsAsync<LangflowException>(() => plain.RunAsync(flow.Id.ToString(), new RunRequest("hi", Tweaks: tweaks)));
        var events = new List<LangflowStreamEvent>();
        await foreach (var streamed in plain.StreamAsync(flow.Id.ToString(), new RunRequest("hi", Tweaks: tweaks)))
        {
            events.Add(streamed);
        }

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.EndsWith("upstream model unavailable", error.Detail);
        Assert.EndsWith("upstream model unavailable", Assert.IsType<ErrorEvent>(events[^1]).Error);
        Assert.Empty(events.OfType<EndEvent>());
        // Without the tweak the same flow answers.
        Assert.NotNull((await client.RunAsync(flow.Id.ToString(), new RunRequest("hi"))).Text);
    }

    [Fact]
    public async Task A_delayed_model_lets_a_caller_time_out()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("content-writer");
        var slow = new JsonObject { ["OpenAI"] = new JsonObject { ["gsv_delay_ms"] = 30_000 } };
        using var http = await platform.CreatePlainHttpClientAsync(timeout: TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TaskCanceledException>(() => new LangflowClient(http).RunAsync(flow.Id.ToString(), new RunRequest("hi", Tweaks: slow)));

        // A short delay still answers normally.
        var quick = new JsonObject { ["OpenAI"] = new JsonObject { ["gsv_delay_ms"] = 50 } };
        Assert.NotNull((await client.RunAsync(flow.Id.ToString(), new RunRequest("hi", Tweaks: quick))).Text);
    }

    [Fact]
    public async Task Bad_requests_are_422_and_a_conflicting_input_tweak_is_400()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("lead-qualifier");
        var chatInput = (string)flow.Data!["nodes"]![0]!["id"]!;
        using var http = await platform.CreateAuthenticatedHttpClientAsync();

        using var badType = await http.PostAsJsonAsync($"/api/v1/run/{flow.Id}", new { input_value = "hi", input_type = "voice" });
        using var badJson = await http.PostAsync($"/api/v1/run/{flow.Id}", new StringContent("{not json", Encoding.UTF8, "application/json"));
        using var conflict = await http.PostAsJsonAsync($"/api/v1/run/{flow.Id}", new JsonObject
        {
            ["input_value"] = "hi",
            ["tweaks"] = new JsonObject { [chatInput] = new JsonObject { ["input_value"] = "other" } },
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, badType.StatusCode);
        var detail = (await badType.ReadJsonObjectAsync())["detail"]![0]!;
        Assert.Equal("literal_error", (string?)detail["type"]);
        Assert.Equal("Input should be 'chat', 'text' or 'any'", (string?)detail["msg"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badJson.StatusCode);
        Assert.Equal("json_invalid", (string?)(await badJson.ReadJsonObjectAsync())["detail"]![0]!["type"]);
        Assert.Equal(HttpStatusCode.BadRequest, conflict.StatusCode);
        Assert.Equal("""{"detail":"If you pass an input_value to the chat input, you cannot pass a tweak with the same name."}""",
            await conflict.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Tweaks_change_template_values_by_component_id()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("research-agent");
        var prompt = flow.Data!["nodes"]!.AsArray().Select(n => (string)n!["id"]!).Single(id => id.StartsWith("Prompt-", StringComparison.Ordinal));

        var tweaked = await client.RunAsync(flow.Id.ToString(), new RunRequest("topic",
            Tweaks: new JsonObject { [prompt] = new JsonObject { ["template"] = "Summarise {request} in French" } }));

        Assert.Contains("Summarise topic in French", tweaked.Text);
        Assert.Equal(JsonValueKind.Object, JsonSerializer.SerializeToElement(tweaked.Usage).ValueKind);
    }
}
