using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gsv.Emulators.Langflow.Graph;

/// <summary>What one tool call gave the agent: the tool's text, or why it failed (an error result or an MCP error).</summary>
public sealed record ToolOutcome(string Tool, bool Failed, string Text);

/// <summary>
/// Langflow's MCP Tools component in tool mode (<c>MCPTools</c>, output <c>component_as_tool</c> → an agent's
/// <c>tools</c>): a real MCP client connected to the server its <c>mcp_server</c> field configures
/// (<c>{"name": …, "config": {"url": …, "headers": {…}}}</c>, streamable HTTP), with the tools the server lists.
/// Open for the rest of the run, so the agent can call them; disposed when the run ends.
/// </summary>
public sealed class McpToolset : IAsyncDisposable
{
    /// <summary>Per call, when the component's <c>tool_execution_timeout</c> is 0 (Langflow: the system's MCP timeout).</summary>
    public static readonly TimeSpan DefaultToolTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly McpClient _client;
    private readonly TimeSpan _toolTimeout;

    private McpToolset(string serverName, McpClient client, IReadOnlyList<McpClientTool> tools, TimeSpan toolTimeout)
    {
        ServerName = serverName;
        _client = client;
        Tools = tools;
        _toolTimeout = toolTimeout;
    }

    public string ServerName { get; }

    /// <summary>The tools the server listed, in its order.</summary>
    public IReadOnlyList<McpClientTool> Tools { get; }

    public IEnumerable<string> ToolNames => Tools.Select(t => t.Name);

    /// <summary>
    /// Connects to the vertex's configured server and lists its tools. A missing URL, a server that cannot be reached or
    /// refuses the credentials (401/403) fails the component as Langflow does (<c>Error updating tool list: …</c>).
    /// </summary>
    public static async Task<McpToolset> ConnectAsync(FlowVertex vertex, CancellationToken cancellationToken)
    {
        var server = vertex.Fields.GetValueOrDefault("mcp_server") as JsonObject;
        var name = Text(server?["name"]) is { Length: > 0 } n ? n : "(unnamed)";
        var config = server?["config"] as JsonObject;
        if (Text(config?["url"]) is not { Length: > 0 } url)
        {
            throw Failure(vertex, $"MCP server '{name}' has no URL (mcp_server.config.url). Configure a streamable HTTP server, "
                + "or send it per run as a tweak: {\"<MCPTools id>\": {\"mcp_server\": {\"name\": …, \"config\": {\"url\": …, \"headers\": {…}}}}}.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw Failure(vertex, $"MCP server '{name}': '{url}' is not an http(s) URL.");
        }

        var options = new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            Name = name,
            TransportMode = HttpTransportMode.StreamableHttp,
            ConnectionTimeout = ConnectTimeout,
            AdditionalHeaders = Headers(config?["headers"], vertex.Fields.GetValueOrDefault("headers")),
        };

        McpClient? client = null;
        try
        {
            client = await McpClient.CreateAsync(
                new HttpClientTransport(options),
                new McpClientOptions { ClientInfo = new Implementation { Name = "langflow", Version = LangflowEmulator.Version } },
                cancellationToken: cancellationToken);
            var tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
            var toolset = new McpToolset(name, client, [.. tools], ToolTimeout(vertex));
            client = null;
            return toolset;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failure(vertex, $"MCP server '{name}' at {endpoint}: {Describe(exception)}");
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary><c>tool_execution_timeout</c> in seconds (0: the default).</summary>
    private static TimeSpan ToolTimeout(FlowVertex vertex) =>
        double.TryParse(vertex.GetString("tool_execution_timeout"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, 3600))
            : DefaultToolTimeout;

    /// <summary>Calls one tool. An error result (<c>isError</c>) or an MCP error is an outcome, not an exception: the agent reports it.</summary>
    public async Task<ToolOutcome> CallAsync(string tool, IReadOnlyDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_toolTimeout);
        try
        {
            var result = await _client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
            return new ToolOutcome(tool, result.IsError == true, ResultText(result));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ToolOutcome(tool, true, $"timed out after {_toolTimeout.TotalSeconds:0.##} s");
        }
        catch (Exception exception) when (exception is McpException or HttpRequestException or IOException)
        {
            return new ToolOutcome(tool, true, exception.Message);
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    /// <summary>The text blocks of a result, one per line; the structured content when there is no text.</summary>
    private static string ResultText(CallToolResult result)
    {
        var texts = result.Content.OfType<TextContentBlock>().Select(b => b.Text).ToList();
        if (texts.Count > 0)
        {
            return string.Join('\n', texts);
        }

        return result.StructuredContent is { } structured ? JsonSerializer.Serialize(structured) : "";
    }

    /// <summary>The server config's headers, then the component's own <c>headers</c> (a dict, or Langflow's list of key/value rows), which win.</summary>
    private static Dictionary<string, string> Headers(params JsonNode?[] sources)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            if (source is JsonObject map)
            {
                foreach (var (key, value) in map)
                {
                    if (Text(value) is { } text)
                    {
                        headers[key] = text;
                    }
                }
            }
            else if (source is JsonArray rows)
            {
                foreach (var row in rows.OfType<JsonObject>())
                {
                    if (Text(row["key"]) is { Length: > 0 } key && Text(row["value"]) is { } text)
                    {
                        headers[key] = text;
                    }
                }
            }
        }

        return headers;
    }

    private static string Describe(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { StatusCode: { } status })
            {
                return status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? $"the server refused the credentials ({(int)status} {status}); check the Authorization header."
                    : $"the server answered {(int)status} {status}.";
            }

            if (inner is HttpRequestException { InnerException: { } cause } && cause is not HttpRequestException)
            {
                return $"cannot connect ({cause.Message}).";
            }
        }

        return exception.Message;
    }

    private static ComponentBuildException Failure(FlowVertex vertex, string reason) =>
        new(vertex.DisplayName, $"Error updating tool list: {reason}");

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
