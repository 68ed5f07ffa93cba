using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Ragflow;

/// <summary>Reading RAGFlow request bodies and query values; bad input is a <see cref="RagflowException"/>.</summary>
public static class RagflowRequest
{
    /// <summary>The JSON object body; an empty body is an empty object, malformed JSON or a non-object is code 101.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw RagflowException.Argument("Invalid request payload: expected object");
        }
        catch (JsonException exception)
        {
            throw RagflowException.Argument($"Malformed JSON syntax: {exception.Message}");
        }
    }

    /// <summary><c>true</c>/<c>false</c> (any case) or a JSON boolean; anything else keeps the default.</summary>
    public static bool Flag(string? value, bool fallback) => bool.TryParse(value, out var flag) ? flag : fallback;

    public static bool Flag(JsonNode? value, bool fallback, string field)
    {
        switch (value)
        {
            case null:
                return fallback;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return v.GetValue<bool>();
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var parsed):
                return parsed;
            default:
                throw RagflowException.DataError($"`{field}` should be a boolean");
        }
    }

    /// <summary>A JSON number or numeric string.</summary>
    public static double? Number(JsonNode? value, string field) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw RagflowException.DataError($"`{field}` should be a number"),
    };

    /// <summary>A list of strings; <c>null</c> when absent or JSON null; code 102 <c>`field` should be a list</c> otherwise.</summary>
    public static List<string>? StringList(JsonNode? value, string field) => value switch
    {
        null => null,
        JsonArray array => [.. array.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw RagflowException.DataError($"`{field}` should be a list of strings"))],
        _ => throw RagflowException.DataError($"`{field}` should be a list"),
    };

    public static string? Text(JsonNode? value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
