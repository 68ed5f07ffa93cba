namespace Gsv.Emulators.Langflow;

/// <summary>
/// Langflow 1.11 stand-in (contracts/langflow/README.md), configured like the AppHost's container:
/// <c>LANGFLOW_AUTO_LOGIN=false</c>, <c>LANGFLOW_API_KEY_SOURCE=env</c>, the key in <c>LANGFLOW_API_KEY</c>.
/// <list type="bullet">
/// <item><c>/api/v1/flows/</c> create/get/list/delete with <c>FlowRead</c> documents and auto-renamed
/// <c>name</c>/<c>endpoint_name</c> on conflict (<see cref="FlowsApi"/>, <see cref="FlowStore"/>; in memory).</item>
/// <item><c>POST /api/v1/run/{flow_id_or_endpoint_name}[?stream=true]</c> executes the flow's <c>data.nodes</c>/
/// <c>data.edges</c> (<see cref="Graph.FlowExecutor"/>): Chat/Text Input, Prompt (<c>{variable}</c> substitution),
/// any <c>*Model</c>/<c>LanguageModelComponent</c> answered by <see cref="Graph.DeterministicModel"/> (same prompt,
/// same answer; usage in <c>properties.usage</c>; tokens streamed when the run asks <c>?stream=true</c>),
/// MCP Tools (a real MCP client of the server its <c>mcp_server</c> configures) feeding an Agent's <c>tools</c>
/// (<see cref="Graph.DeterministicAgent"/>: a deterministic rule calls the tool its input names), Chat/Text Output.</item>
/// <item>Errors as Langflow: 403 key bodies, 404 <c>Flow identifier x not found</c>, 422 pydantic lists,
/// 500 with a JSON-encoded <c>detail</c>.</item>
/// </list>
/// Failure injection for tests, without leaving the protocol — fields on a model or agent component, set in the flow's
/// template (<c>"gsv_fail": {"value": "…"}</c>) or per run through ordinary <c>tweaks</c>
/// (<c>{"OpenAIModel-x1Yz2": {"gsv_delay_ms": 3000}}</c>); a real Langflow ignores both:
/// <list type="bullet">
/// <item><c>gsv_fail</c> (string): the model fails with that text → 500
/// <c>{"detail":"{\"message\":\"Error running graph: Error building Component OpenAI: …\",…}"}</c>
/// (an <c>error</c> event when streaming).</item>
/// <item><c>gsv_delay_ms</c> (int): the model takes that long before answering (timeout tests); a client that
/// gives up cancels the run.</item>
/// <item><c>gsv_token_delay_ms</c> (int): a streaming model waits that long between its tokens (a stream cut short).</item>
/// </list>
/// </summary>
public static class LangflowEmulator
{
    public const string Version = "1.11.5";

    public static WebApplicationBuilder AddLangflowEmulator(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FlowStore>();
        builder.Services.AddSingleton<LangflowApiKeyFilter>();
        return builder;
    }

    public static WebApplication MapLangflowEmulator(this WebApplication app)
    {
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        app.MapGet("/health_check", () => Results.Json(new { status = "ok", chat = "ok", db = "ok" }));
        app.MapGet("/api/v1/version", () => Results.Json(new { version = Version, main_version = Version, package = "Langflow" }));

        app.MapGroup("/api/v1")
            .AddEndpointFilter<LangflowApiKeyFilter>()
            .MapFlowsApi()
            .MapComponentCatalogApi()
            .MapRunApi();
        return app;
    }
}
