using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Gsv.ControlPlane.Client;
using Gsv.ServiceDefaults.Text;

namespace Gsv.Gateway.Runs;

/// <summary>
/// Body of <c>POST /v1/instances/{instanceId}/runs</c> (read by <see cref="RunRequestReader"/>). The flow is the
/// instance's; the caller gives input, and only the tweaks its flow template allows (<see cref="TweakPolicy"/>).
/// </summary>
public sealed record RunRequestBody(string? Input, string? SessionId, JsonObject? Tweaks)
{
    public const int MaxInputLength = 100_000;
    public const int MaxSessionIdLength = 200;

    /// <summary>
    /// SHA-256 (hex) of the request: its route (the instance's runs) and what it asks for (input, session id, tweaks),
    /// kept with an <c>Idempotency-Key</c> so that the key cannot be reused for another request.
    /// </summary>
    public string Fingerprint(Guid instanceId)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Append(string? text)
        {
            // A marker tells null from empty; each part ends with a separator no UTF-8 text contains.
            hash.AppendData(text is null ? "\0"u8 : "\u0001"u8);
            hash.AppendData(Encoding.UTF8.GetBytes(text ?? ""));
            hash.AppendData([0xFF]);
        }

        Append($"POST /v1/instances/{instanceId:D}/runs");
        Append(Input);
        Append(SessionId);
        Append(Tweaks?.ToJsonString());
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

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
        else if (FreeText.HasControlCharacters(Input))
        {
            Add("input", "The input may not have control characters (NUL, ESC, …) other than tabs and line breaks.");
        }

        // A session id is echoed in answers and logs: one-line text (no ESC, CR/LF, bidi overrides), and, being an id,
        // no invisible formatting characters either (zero-width space, BOM…, which FreeText lets names keep).
        if (SessionId is not null && (SessionId.Length is 0 or > MaxSessionIdLength
            || FreeText.HasForbidden(SessionId) || SessionId.Any(c => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)))
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

/// <summary>Tokens the model used and, for a knowledge instance, how many passages of the buyer's documents it was given.</summary>
public sealed record RunUsage(int? InputTokens, int? OutputTokens, int? TotalTokens, int? KnowledgeChunks = null);

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
