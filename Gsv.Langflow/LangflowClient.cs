using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Gsv.Langflow;

/// <summary>
/// Typed client for the Langflow API subset GSV uses (contracts/langflow/README.md): flow create/get/list/delete and
/// runs, plain or streamed. Authentication (<c>x-api-key</c>) is added by the handler <see cref="LangflowApiKeyHandler"/>.
/// </summary>
public sealed class LangflowClient(HttpClient http)
{
    /// <summary>
    /// The request option (<c>gsv.send-once</c>) that tells the service defaults' resilience handler not to send a request
    /// twice (creates and runs); the callers retry those themselves.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> SendOnce = new("gsv.send-once");

    public async Task<FlowRead> CreateFlowAsync(FlowCreate flow, CancellationToken cancellationToken = default)
    {
        // Sent once: a retried create whose first attempt reached Langflow would leave a duplicate flow.
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v1/flows/") { Content = JsonContent.Create(flow, options: LangflowJson.Options) };
        message.Options.Set(SendOnce, true);
        using var response = await http.SendAsync(message, cancellationToken);
        return await ReadAsync<FlowRead>(response, cancellationToken);
    }

    /// <summary>The flow, or a <see cref="LangflowException"/> (404 when it does not exist).</summary>
    public async Task<FlowRead> GetFlowAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"api/v1/flows/{id}", cancellationToken);
        return await ReadAsync<FlowRead>(response, cancellationToken);
    }

    /// <summary>The flow, or null when Langflow answers 404.</summary>
    public async Task<FlowRead?> FindFlowAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"api/v1/flows/{id}", cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<FlowRead>(response, cancellationToken);
    }

    /// <summary>All flows of the key's user (Langflow answers gzip here whatever was asked; the handler decompresses).</summary>
    public async Task<IReadOnlyList<FlowRead>> ListFlowsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("api/v1/flows/?get_all=true&remove_example_flows=true&header_flows=false", cancellationToken);
        return await ReadAsync<List<FlowRead>>(response, cancellationToken);
    }

    /// <summary>The components this Langflow has (<c>GET /api/v1/all</c>), to hydrate flow templates against.</summary>
    public async Task<ComponentCatalog> GetComponentCatalogAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync("api/v1/all", cancellationToken);
        return new ComponentCatalog(await ReadAsync<System.Text.Json.Nodes.JsonObject>(response, cancellationToken));
    }

    /// <summary>Deletes the flow; false when it did not exist (so deleting twice is harmless).</summary>
    public async Task<bool> DeleteFlowAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync($"api/v1/flows/{id}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>Runs a flow by id or endpoint name and returns Langflow's <c>RunResponse</c>.</summary>
    public async Task<RunResponse> RunAsync(string flowIdOrEndpointName, RunRequest request, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, RunPath(flowIdOrEndpointName, stream: false)) { Content = RunContent(request) };
        message.Options.Set(SendOnce, true);
        using var response = await http.SendAsync(message, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, default, cancellationToken);
        return ReadRunResponse(document.RootElement, response.StatusCode);
    }

    /// <summary>
    /// Runs a flow with <c>stream=true</c> and yields its events as they arrive. Errors before the stream starts
    /// (403, 404, 422…) throw <see cref="LangflowException"/>; a failure during the run is an <see cref="ErrorEvent"/>.
    /// </summary>
    public async IAsyncEnumerable<LangflowStreamEvent> StreamAsync(
        string flowIdOrEndpointName, RunRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, RunPath(flowIdOrEndpointName, stream: true))
        {
            Content = RunContent(request),
        };
        message.Options.Set(SendOnce, true);
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body, Encoding.UTF8);
        var buffer = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            // Events are JSON objects separated by a blank line (not SSE framing).
            if (line.Length > 0)
            {
                buffer.Append(line).Append('\n');
                continue;
            }

            if (buffer.Length > 0)
            {
                yield return ParseEvent(buffer.ToString());
                buffer.Clear();
            }
        }

        if (buffer.ToString().Trim().Length > 0)
        {
            yield return ParseEvent(buffer.ToString());
        }
    }

    public static LangflowStreamEvent ParseEvent(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var name = root.GetProperty("event").GetString() ?? "";
        var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
        return name switch
        {
            "add_message" => new AddMessageEvent(data.Deserialize<LangflowMessage>(LangflowJson.Options)!),
            "token" => new TokenEvent(
                data.GetProperty("chunk").GetString() ?? "",
                data.TryGetProperty("id", out var id) ? id.ToString() : null,
                data.TryGetProperty("timestamp", out var timestamp) ? timestamp.ToString() : null),
            // The stream itself was answered 200: a malformed result is the runtime's error, not an empty answer.
            "end" => new EndEvent(ReadRunResponse(
                data.ValueKind == JsonValueKind.Object && data.TryGetProperty("result", out var result) ? result : default, HttpStatusCode.OK)),
            "error" => new ErrorEvent(
                data.ValueKind == JsonValueKind.Object && data.TryGetProperty("error", out var error) ? error.ToString()
                : data.ValueKind == JsonValueKind.Object && data.TryGetProperty("text", out var text) ? text.ToString()
                : data.ToString()),
            _ => new OtherEvent(name, data),
        };
    }

    /// <summary>
    /// A run's body, serialized up front: sent with its length rather than chunked as <c>PostAsJsonAsync</c> streams
    /// it, which is cheaper on both sides of the gateway's hottest call.
    /// </summary>
    private static ByteArrayContent RunContent(RunRequest request) => new(JsonSerializer.SerializeToUtf8Bytes(request, LangflowJson.Options))
    {
        Headers = { ContentType = new("application/json") { CharSet = "utf-8" } },
    };

    private static string RunPath(string flowIdOrEndpointName, bool stream) =>
        $"api/v1/run/{Uri.EscapeDataString(flowIdOrEndpointName)}?stream={(stream ? "true" : "false")}";

    /// <summary>A run's result (a plain run's body, a stream's <c>end</c>): a JSON object, else the runtime failed.</summary>
    private static RunResponse ReadRunResponse(JsonElement result, HttpStatusCode status) =>
        result.ValueKind == JsonValueKind.Object
            ? RunResponse.From(result)
            : throw new LangflowException(status, $"Langflow answered a {result.ValueKind} instead of a RunResponse.", null);

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(LangflowJson.Options, cancellationToken)
            ?? throw new LangflowException(response.StatusCode, "Langflow answered an empty body.", null);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await LangflowException.FromResponseAsync(response, cancellationToken);
        }
    }
}
