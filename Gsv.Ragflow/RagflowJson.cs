using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gsv.Ragflow;

/// <summary>RAGFlow is a Python (Quart) app: snake_case names; unknown keys are ignored, absent optional fields are not sent.</summary>
public static class RagflowJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
