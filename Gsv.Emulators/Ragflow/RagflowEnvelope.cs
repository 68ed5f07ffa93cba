using System.Text.Json.Nodes;

namespace Gsv.Emulators.Ragflow;

/// <summary>
/// RAGFlow's response envelope (contract §2): <c>{"code":0,"data":…,"message":"success"}</c> on success,
/// <c>{"code":N,"data":null,"message":"…"}</c> on error, both on HTTP 200 unless said otherwise.
/// </summary>
public static class RagflowEnvelope
{
    public const string UnauthorizedMessage = "<Unauthorized '401: Unauthorized'>";

    /// <summary><c>get_result(data=…)</c>: the data, and <c>message: "success"</c>.</summary>
    public static JsonObject Success(JsonNode? data) => new() { ["code"] = RagflowCodes.Success, ["data"] = data, ["message"] = "success" };

    /// <summary><c>get_result()</c> without data: exactly <c>{"code":0}</c> (parse and stop).</summary>
    public static JsonObject Done() => new() { ["code"] = RagflowCodes.Success };

    public static JsonObject Error(int code, string message, JsonNode? data = null) => new() { ["code"] = code, ["data"] = data, ["message"] = message };

    /// <summary>The body of HTTP 401 (auth failures).</summary>
    public static JsonObject Unauthorized() => Error(RagflowCodes.Unauthorized, UnauthorizedMessage);

    /// <summary>The body of HTTP 404 for an unknown route: Flask's error handler adds <c>error</c>.</summary>
    public static JsonObject NotFound(string path)
    {
        var body = Error(RagflowCodes.NotFound, $"Not Found: {path}");
        body["error"] = "Not Found";
        return body;
    }

    public static IResult Ok(JsonNode? data) => Results.Json(Success(data));

    public static IResult Json(JsonObject body, int statusCode = StatusCodes.Status200OK) => Results.Json(body, statusCode: statusCode);
}
