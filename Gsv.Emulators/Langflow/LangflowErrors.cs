using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Langflow;

/// <summary>Langflow's (FastAPI's) error bodies: <c>{"detail": …}</c> (contract §6).</summary>
public static class LangflowErrors
{
    public const string ApiKeyRequired = "An API key must be passed as query or header";
    public const string InvalidApiKey = "Invalid or missing API key";

    public static IResult Detail(int status, string detail) => Results.Json(new { detail }, statusCode: status);

    public static IResult FlowNotFound() => Detail(StatusCodes.Status404NotFound, "Flow not found");

    /// <summary>
    /// <c>APIException</c>: a 500 whose <c>detail</c> is itself a JSON-encoded <c>ExceptionBody</c> string.
    /// </summary>
    public static IResult ExecutionFailed(string message) => Detail(StatusCodes.Status500InternalServerError, EncodedBody(message));

    public static string EncodedBody(string message) => JsonSerializer.Serialize(new JsonObject
    {
        ["message"] = message,
        ["traceback"] = null,
        ["description"] = null,
        ["code"] = null,
        ["suggestion"] = null,
        ["source"] = null,
    });

    /// <summary>One pydantic error in a 422 body.</summary>
    public static JsonObject ValidationError(string type, JsonArray loc, string msg, JsonNode? input, JsonObject? ctx = null)
    {
        var error = new JsonObject { ["type"] = type, ["loc"] = loc, ["msg"] = msg, ["input"] = input?.DeepClone() };
        if (ctx is not null)
        {
            error["ctx"] = ctx;
        }

        return error;
    }

    public static IResult Validation(params JsonObject[] errors) =>
        Results.Json(new JsonObject { ["detail"] = new JsonArray([.. errors]) }, statusCode: StatusCodes.Status422UnprocessableEntity);

    /// <summary>Reads a JSON object body; a malformed one is FastAPI's <c>json_invalid</c> 422.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpRequest request, bool required, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return required
                ? (null, Validation(ValidationError("missing", ["body"], "Field required", null)))
                : (null, null);
        }

        try
        {
            return JsonNode.Parse(text) switch
            {
                JsonObject body => (body, null),
                null when !required => (null, null),
                var other => (null, Validation(ValidationError("model_attributes_type", ["body"],
                    "Input should be a valid dictionary or object to extract fields from", other))),
            };
        }
        catch (JsonException exception)
        {
            return (null, Validation(ValidationError("json_invalid", ["body", (int)(exception.BytePositionInLine ?? 0)], "JSON decode error",
                new JsonObject(), new JsonObject { ["error"] = exception.Message })));
        }
    }
}
