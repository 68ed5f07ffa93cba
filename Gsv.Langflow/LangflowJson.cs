using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gsv.Langflow;

/// <summary>Langflow is a FastAPI app: snake_case names; unknown keys are ignored, absent optional fields are not sent.</summary>
public static class LangflowJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
