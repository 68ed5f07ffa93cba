using System.Text.Json;

namespace Gsv.ControlPlane.Client;

// Connectors (docs/connectors.md): a buyer's external tools, bound to an instance with the buyer's credentials.
// Credentials go in and never come out: a secret field is only ever shown as set, with its last 4 characters.

/// <summary>One credential or setting a connector needs. A secret field is stored encrypted and never returned.</summary>
public sealed record ConnectorFieldDto(string Name, string Label, bool Secret, bool Required, string? Default, string Help);

/// <summary>A tool an agent may call through a connector: its MCP name (<c>connector_tool</c>), what it does, its JSON input schema.</summary>
public sealed record ConnectorToolDto(string Name, string Connector, string Description, JsonElement InputSchema);

/// <summary>A connector of the catalog.</summary>
public sealed record ConnectorDto(string Key, string Name, string Description, IReadOnlyList<ConnectorFieldDto> Fields, IReadOnlyList<ConnectorToolDto> Tools);

/// <summary>A field of a binding as the API shows it: a secret only as set and its last 4 characters, a setting with its value.</summary>
public sealed record ConnectorFieldState(string Name, string Label, bool Secret, bool Set, string? Last4, string? Value);

/// <summary>
/// A connector of an instance: needed by its offering (<c>Required</c>) and whether it is bound; when bound, its fields
/// (secrets masked) and the tools the agent may call.
/// </summary>
public sealed record InstanceConnectorDto(
    string Key,
    string Name,
    string Description,
    bool Required,
    bool Bound,
    IReadOnlyList<ConnectorFieldState> Fields,
    IReadOnlyList<string> AllowedTools,
    IReadOnlyList<ConnectorToolDto> Tools,
    DateTimeOffset? BoundAt,
    DateTimeOffset? UpdatedAt);

/// <summary>
/// Binds a connector, or changes a binding: credentials by field name (a secret left out keeps its stored value when
/// the connector is already bound), and the tools the agent may call (null: all of the connector's tools).
/// </summary>
public sealed record BindConnectorRequest(IReadOnlyDictionary<string, string?>? Credentials, IReadOnlyList<string>? AllowedTools);

/// <summary>Tests credentials against the upstream before saving them (null credentials: the stored binding's).</summary>
public sealed record TestConnectorRequest(IReadOnlyDictionary<string, string?>? Credentials);

/// <summary>What the upstream said to a test call: reachable and accepting the credentials, or why not.</summary>
public sealed record ConnectorTestResult(bool Ok, string Detail, int? UpstreamStatus, long DurationMs);

/// <summary>How a tool call ended.</summary>
public static class ToolCallOutcomes
{
    /// <summary>The upstream did what was asked.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The upstream refused or failed (its error is the tool's result), or could not be reached.</summary>
    public const string Failed = "failed";

    /// <summary>The call was not made: the connector is not bound, the tool not allowed, or the arguments invalid.</summary>
    public const string Refused = "refused";
}

/// <summary>One audited tool call: no arguments, credentials or results are kept, only what happened.</summary>
public sealed record ToolCallAuditDto(
    Guid Id, string Connector, string Tool, string Outcome, int? UpstreamStatus, long DurationMs, Guid? RunId, string? Error, DateTimeOffset At);

/// <summary>The tools an instance's runs may call now, and the connectors its offering needs that are not bound.</summary>
public sealed record InstanceToolsDto(IReadOnlyList<string> MissingConnectors, IReadOnlyList<ConnectorToolDto> Tools);

/// <summary>A tool call from the Gateway's MCP endpoint, for the run the caller's run token was minted for.</summary>
public sealed record ToolCallRequest(JsonElement? Arguments, Guid? RunId);

/// <summary>A tool's result: its text, and whether it is an error the agent should read (the upstream refused).</summary>
public sealed record ToolCallResultDto(bool IsError, string Text);
