using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Gsv.ControlPlane.Client;

namespace Gsv.Gateway.Runs;

/// <summary>Body of <c>POST /v1/instances/{instanceId}/runs</c>. The flow is the instance's; the caller only gives input.</summary>
public sealed record RunRequestBody(string? Input, string? SessionId, JsonObject? Tweaks)
{
    public const int MaxInputLength = 100_000;
    public const int MaxSessionIdLength = 200;

    /// <summary>Per-field messages, or null when the body is valid.</summary>
    public Dictionary<string, string[]>? Validate()
    {
        Dictionary<string, string[]>? errors = null;
        void Add(string field, string message) => (errors ??= [])[field] = [message];

        if (string.IsNullOrWhiteSpace(Input))
        {
            Add("input", "An input text is required.");
        }
        else if (Input.Length > MaxInputLength)
        {
            Add("input", $"The input may have at most {MaxInputLength} characters.");
        }

        if (SessionId is not null && (SessionId.Length is 0 or > MaxSessionIdLength || SessionId.Any(char.IsControl)))
        {
            Add("sessionId", $"The session id must have 1 to {MaxSessionIdLength} printable characters.");
        }

        if (Tweaks is not null && Tweaks.Any(t => t.Value is not JsonObject))
        {
            Add("tweaks", "Tweaks map a component id to an object of field values.");
        }

        return errors;
    }
}

public sealed record RunUsage(int? InputTokens, int? OutputTokens, int? TotalTokens);

public sealed record RunCredits(long Charged, long Balance, bool Low);

/// <summary>Answer of a successful run (and the <c>done</c> event of a streamed one).</summary>
public sealed record RunResultBody(Guid RunId, string? Output, string? SessionId, RunUsage? Usage, RunCredits Credits);

/// <summary>First event of a streamed run.</summary>
public sealed record RunStartedEvent(Guid RunId, Guid InstanceId);

/// <summary>One chunk of the answer while it streams.</summary>
public sealed record RunTokenEvent(string Chunk);

/// <summary>Last event of a streamed run that failed: the same fields as the 502 problem of a plain run.</summary>
public sealed record RunErrorEvent(string Type, string Code, string Title, int Status, string Detail, Guid RunId, string CorrelationId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RunRequestBody))]
[JsonSerializable(typeof(RunResultBody))]
[JsonSerializable(typeof(RunStartedEvent))]
[JsonSerializable(typeof(RunTokenEvent))]
[JsonSerializable(typeof(RunDto))]
[JsonSerializable(typeof(RunErrorEvent))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
