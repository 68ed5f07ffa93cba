using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Api;

/// <summary>
/// Validation of dataset fields as RAGFlow's pydantic models (<c>CreateDatasetReq</c>/<c>UpdateDatasetReq</c>) do it;
/// every failure is code 101 <c>Field: &lt;f&gt; - Message: &lt;m&gt; - Value: &lt;v&gt;</c>.
/// </summary>
public static class DatasetFields
{
    public static readonly string[] CreateFields = ["name", "description", "avatar", "embedding_model", "permission", "chunk_method", "parser_config"];
    public static readonly string[] UpdateFields = [.. CreateFields, "pagerank"];

    /// <summary>Extra fields are forbidden (<c>extra="forbid"</c>).</summary>
    public static void RejectExtras(JsonObject body, IReadOnlyCollection<string> allowed)
    {
        foreach (var (key, value) in body)
        {
            if (!allowed.Contains(key))
            {
                throw RagflowException.Field(key, "Extra inputs are not permitted", value?.ToJsonString());
            }
        }
    }

    /// <summary>A string, trimmed, 1..128 characters.</summary>
    public static string Name(JsonNode? value, JsonObject body)
    {
        if (value is null)
        {
            throw RagflowException.Field("name", "Field required", body.ToJsonString());
        }

        var name = RagflowRequest.Text(value)?.Trim() ?? throw RagflowException.Field("name", "Input should be a valid string", value.ToJsonString());
        return name.Length switch
        {
            0 => throw RagflowException.Field("name", "String should have at least 1 character", name),
            > RagflowStore.MaxDatasetNameLength => throw RagflowException.Field("name", $"String should have at most {RagflowStore.MaxDatasetNameLength} characters", name),
            _ => name,
        };
    }

    public static string? OptionalText(JsonNode? value, string field) => value switch
    {
        null => null,
        _ => RagflowRequest.Text(value) ?? throw RagflowException.Field(field, "Input should be a valid string", value.ToJsonString()),
    };

    public static string Permission(JsonNode value) =>
        RagflowRequest.Text(value) is "me" or "team" ? RagflowRequest.Text(value)! : throw RagflowException.Field("permission", "Input should be 'me' or 'team'", value.ToJsonString());

    public static string ChunkMethod(JsonNode value) =>
        RagflowRequest.Text(value) is { } method && ParserConfigDefaults.ChunkMethods.Contains(method)
            ? method
            : throw RagflowException.Field("chunk_method",
                $"Input should be {string.Join(", ", ParserConfigDefaults.ChunkMethods[..^1].Select(m => $"'{m}'"))} or '{ParserConfigDefaults.ChunkMethods[^1]}'",
                value.ToJsonString());

    public static string EmbeddingModel(JsonNode value) =>
        RagflowRequest.Text(value) is { } model && model.Split('@') is [{ Length: > 0 }, { Length: > 0 }]
            ? model
            : throw RagflowException.Field("embedding_model", "Embedding model identifier must follow <model_name>@<provider> format", value.ToJsonString());

    /// <summary>An object; <c>chunk_token_num</c>, when given, an integer 1..2048.</summary>
    public static JsonObject? ParserConfig(JsonNode? value)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonObject config:
                if (config["chunk_token_num"] is { } tokens)
                {
                    if (tokens is not JsonValue number || number.GetValueKind() != JsonValueKind.Number || !number.TryGetValue<int>(out var n))
                    {
                        throw RagflowException.Field("parser_config.chunk_token_num", "Input should be a valid integer", tokens.ToJsonString());
                    }

                    if (n is < 1 or > 2048)
                    {
                        throw RagflowException.Field("parser_config.chunk_token_num",
                            n < 1 ? "Input should be greater than or equal to 1" : "Input should be less than or equal to 2048", n);
                    }
                }

                return config;
            default:
                throw RagflowException.Field("parser_config", "Input should be a valid dictionary", value.ToJsonString());
        }
    }

    public static int Pagerank(JsonNode value) =>
        value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue<int>(out var rank)
            ? rank is >= 0 and <= 100 ? rank : throw RagflowException.Field("pagerank", rank < 0 ? "Input should be greater than or equal to 0" : "Input should be less than or equal to 100", rank)
            : throw RagflowException.Field("pagerank", "Input should be a valid integer", value.ToJsonString());
}
