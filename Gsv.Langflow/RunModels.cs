using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Langflow;

/// <summary><c>SimplifiedAPIRequest</c> for <c>POST /api/v1/run/{flow}</c>. <see cref="SessionId"/> defaults to the flow id server-side.</summary>
public sealed record RunRequest(
    string? InputValue,
    string? SessionId = null,
    JsonObject? Tweaks = null,
    string InputType = "chat",
    string OutputType = "chat",
    string? OutputComponent = null);

/// <summary>Token counts a model reported (<c>properties.usage</c> / <c>token_usage</c>); each may be null.</summary>
public sealed record TokenUsage(int? InputTokens, int? OutputTokens, int? TotalTokens);

public sealed record MessageSource(string? Id, string? DisplayName, string? Source);

public sealed record MessageProperties(string? State, MessageSource? Source, TokenUsage? Usage);

/// <summary>Langflow's <c>Message</c> (results and <c>add_message</c> events); version-specific keys are ignored.</summary>
public sealed record LangflowMessage(
    string? Id,
    string? Text,
    string? Sender,
    string? SenderName,
    string? SessionId,
    string? FlowId,
    string? Timestamp,
    string? Category,
    bool? Error,
    MessageProperties? Properties);

/// <summary>One output component's result (<c>ResultData</c>). Kept as JSON where shapes differ per component type.</summary>
public sealed record ResultData(
    JsonObject? Results,
    JsonObject? Outputs,
    JsonArray? Messages,
    JsonNode? Artifacts,
    string? ComponentId,
    string? ComponentDisplayName,
    TokenUsage? TokenUsage)
{
    /// <summary><c>results.message</c> of a Chat Output.</summary>
    public LangflowMessage? Message => Results?["message"] is JsonObject message
        ? message.Deserialize<LangflowMessage>(LangflowJson.Options)
        : null;

    /// <summary>The answer, by the contract's fallbacks: results.message.text, outputs.message.message, messages[0].message, artifacts.message, results.text.</summary>
    public string? Text =>
        Str(Results?["message"]?["text"])
        ?? Str(Outputs?["message"]?["message"])
        ?? Str(Messages?.FirstOrDefault()?["message"])
        ?? (Artifacts is JsonObject artifacts ? Str(artifacts["message"]) : null)
        ?? Str(Results?["text"]);

    private static string? Str(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}

public sealed record RunOutputs(JsonObject? Inputs, IReadOnlyList<ResultData?> Outputs);

/// <summary><c>RunResponse</c>: <c>{ session_id, outputs: [ { inputs, outputs: [ResultData…] } ] }</c>.</summary>
public sealed record RunResponse(string? SessionId, IReadOnlyList<RunOutputs> Outputs)
{
    /// <summary>The first non-null result of the first input (<c>outputs[0].outputs[0]</c>).</summary>
    public ResultData? FirstResult => Outputs.Count > 0 ? Outputs[0].Outputs.FirstOrDefault(r => r is not null) : null;

    /// <summary><c>outputs[0].outputs[0].results.message.text</c> (or its fallbacks).</summary>
    public string? Text => FirstResult?.Text;

    /// <summary>Usage from the message's <c>properties.usage</c>, else the result's <c>token_usage</c> (read alone, not with the whole message).</summary>
    public TokenUsage? Usage =>
        (FirstResult?.Results?["message"]?["properties"]?["usage"] is JsonObject usage ? usage.Deserialize<TokenUsage>(LangflowJson.Options) : null)
        ?? FirstResult?.TokenUsage;
}
