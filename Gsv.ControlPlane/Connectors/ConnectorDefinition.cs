using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Connectors;

/// <summary>
/// A credential or setting of a connector. Secret fields are encrypted at rest and never shown again. <c>Check</c>
/// returns why a value is not acceptable (null when it is).
/// </summary>
public sealed record ConnectorField(string Name, string Label, bool Secret, bool Required, string? Default, string Help, Func<string, string?>? Check = null)
{
    /// <summary>An http(s) base URL field.</summary>
    public static string? IsBaseUrl(string value) =>
        Upstream.BaseUrl(value) is null ? "Enter an absolute http:// or https:// URL without credentials, query or fragment." : null;

    public ConnectorFieldDto ToDto() => new(Name, Label, Secret, Required, Default, Help);
}

/// <summary>A tool of a connector: its short name (the MCP name is <c>connector_name</c>), what it does, its JSON input schema.</summary>
public sealed record ConnectorTool(string ShortName, string Description, string InputSchema)
{
    public JsonElement Schema { get; } = JsonDocument.Parse(InputSchema).RootElement.Clone();

    /// <summary>The properties the schema requires.</summary>
    public IReadOnlyList<string> RequiredArguments { get; } = JsonNode.Parse(InputSchema)!["required"]?.AsArray()
        .Select(n => (string)n!).ToArray() ?? [];
}

/// <summary>What a tool call gave: the text the agent reads, whether it is an error, and the upstream's status.</summary>
public sealed record ToolResult(bool IsError, string Text, int? UpstreamStatus);

/// <summary>
/// A connector: its catalog entry, and how it calls its upstream with a binding's credentials. Implementations hold no
/// state; each call gets the credentials (decrypted for that call only) and an HTTP client that refuses private networks.
/// </summary>
public interface IConnector
{
    string Key { get; }

    string Name { get; }

    string Description { get; }

    IReadOnlyList<ConnectorField> Fields { get; }

    IReadOnlyList<ConnectorTool> Tools { get; }

    /// <summary>Calls <paramref name="tool"/> (a short name of <see cref="Tools"/>) with arguments already checked for required ones.</summary>
    Task<ToolResult> CallAsync(HttpClient http, ConnectorCredentials credentials, ConnectorTool tool, JsonObject arguments, CancellationToken cancellationToken);

    /// <summary>One harmless read that shows whether the upstream is reachable and accepts the credentials.</summary>
    Task<ToolResult> TestAsync(HttpClient http, ConnectorCredentials credentials, CancellationToken cancellationToken);
}
