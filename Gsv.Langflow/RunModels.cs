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

/// <summary>
/// What a <c>RunResponse</c> (<c>{ session_id, outputs: [ { inputs, outputs: [ResultData…] } ] }</c>) says about the
/// run, from its first result that is not null (<c>outputs[0].outputs[…]</c>): the answer, by the contract's fallbacks
/// (<c>results.message.text</c>, <c>outputs.message.message</c>, <c>messages[0].message</c>, <c>artifacts.message</c>,
/// <c>results.text</c>), the id of the message it is in (<c>results.message.id</c>), and the token usage (the message's
/// <c>properties.usage</c>, else the result's <c>token_usage</c>). Only these are read: the rest of the document
/// (messages, logs, artifacts, inputs) is never built into objects, which is most of the cost of reading it whole
/// (a run through the gateway reads one).
/// </summary>
public sealed record RunResponse(string? SessionId, string? Text, string? MessageId, TokenUsage? Usage)
{
    public static RunResponse From(JsonElement response)
    {
        var first = Property(FirstItem(Property(response, "outputs")), "outputs") is { ValueKind: JsonValueKind.Array } outputs
            ? outputs.EnumerateArray().FirstOrDefault(output => output.ValueKind == JsonValueKind.Object)
            : default;
        var results = Property(first, "results");
        var message = Property(results, "message");
        var answer = String(Property(message, "text"))
            ?? String(Property(Property(Property(first, "outputs"), "message"), "message"))
            ?? String(Property(FirstItem(Property(first, "messages")), "message"))
            ?? String(Property(Property(first, "artifacts"), "message"))
            ?? String(Property(results, "text"));
        return new RunResponse(String(Property(response, "session_id")), answer, String(Property(message, "id")),
            TokenCounts(Property(Property(message, "properties"), "usage")) ?? TokenCounts(Property(first, "token_usage")));
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static JsonElement FirstItem(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0 ? array[0] : default;

    private static string? String(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static int? Count(JsonElement element) => element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var count) ? count : null;

    private static TokenUsage? TokenCounts(JsonElement usage) => usage.ValueKind == JsonValueKind.Object
        ? new TokenUsage(Count(Property(usage, "input_tokens")), Count(Property(usage, "output_tokens")), Count(Property(usage, "total_tokens")))
        : null;
}
