using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.Langflow;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Langflow;

/// <summary>Shared helpers for the Langflow tests: the AppHost's API key, clients, the repository's flow templates.</summary>
public static class LangflowTestSupport
{
    /// <summary>The gsv-flow values of the seed catalog (catalog plan); one flow template each.</summary>
    public static readonly string[] TemplateNames =
    [
        "research-agent", "support-agent", "lead-qualifier", "content-writer", "data-analyst",
        "meeting-summarizer", "code-reviewer", "inbox-triage", "invoice-extractor",
    ];

    public static TheoryData<string> Templates() => [.. TemplateNames];

    public static FlowTemplates LoadTemplates() =>
        new(FlowTemplates.FindDirectory(AppContext.BaseDirectory) ?? throw new DirectoryNotFoundException("flows/ not found above the test output."));

    /// <summary>The value of the AppHost parameter <c>langflow-api-key</c>, which the emulator is started with.</summary>
    public static Task<string> GetApiKeyAsync(this PlatformFixture platform) => platform.Identity.GetParameterAsync("langflow-api-key");

    /// <summary>The platform's client for the langflow resource, authenticated with the key.</summary>
    public static async Task<HttpClient> CreateAuthenticatedHttpClientAsync(this PlatformFixture platform)
    {
        var http = platform.CreateHttpClient("langflow");
        http.DefaultRequestHeaders.Add("x-api-key", await platform.GetApiKeyAsync());
        return http;
    }

    /// <summary>
    /// A plain client without the test host's retrying resilience handler, for answers that handler would retry
    /// (5xx) or time out itself.
    /// </summary>
    public static async Task<HttpClient> CreatePlainHttpClientAsync(this PlatformFixture platform, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = platform.App.GetEndpoint("langflow", "http"), Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("x-api-key", await platform.GetApiKeyAsync());
        return http;
    }

    /// <summary><see cref="LangflowClient"/> registered as a service would register it (<c>AddLangflowClient</c>), pointed at the emulator.</summary>
    public static Task<LangflowClient> CreateLangflowClientAsync(this PlatformFixture platform, string? apiKey = null) =>
        platform.App.CreateLangflowClientAsync(apiKey);

    /// <summary>A unique endpoint name per test, so tests never depend on each other's flows.</summary>
    public static string UniqueEndpoint(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];

    /// <summary>Deploys a template (optionally changed) and returns the created flow.</summary>
    public static async Task<FlowRead> DeployAsync(this LangflowClient client, string template, Action<JsonObject>? change = null, string? endpointName = null)
    {
        // As the Provisioner deploys: the compact template completed from this Langflow's components.
        var flowTemplate = LoadTemplates().Get(template);
        var create = flowTemplate.ToFlowCreate(await client.GetComponentCatalogAsync(), $"{template} test", endpointName ?? UniqueEndpoint(template));
        change?.Invoke(create.Data!);
        return await client.CreateFlowAsync(create);
    }

    /// <summary>
    /// The tweaks a run of <paramref name="template"/> needs to answer: for a template with connector tools
    /// (<c>gsv_mcp_input</c>), the Gateway's MCP server tweak pointing at <paramref name="server"/>; none otherwise.
    /// </summary>
    public static JsonObject? RequiredTweaks(string template, TestMcpServer server) =>
        LoadTemplates().Get(template).McpInput is var (component, _) ? server.Tweak(component) : null;

    /// <summary>Sets a template field value on the template's model or agent component (the emulator's failure/delay knobs go here).</summary>
    public static void SetModelField(JsonObject data, string field, JsonNode value)
    {
        var model = data["nodes"]!.AsArray().Single(n => ((string)n!["id"]!).StartsWith("OpenAIModel-", StringComparison.Ordinal)
            || ((string)n!["id"]!).StartsWith("Agent-", StringComparison.Ordinal))!;
        model["data"]!["node"]!["template"]![field] = new JsonObject { ["name"] = field, ["type"] = "str", ["value"] = value };
    }

    public static async Task<JsonObject> ReadJsonObjectAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;
}
