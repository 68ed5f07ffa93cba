using System.Net;
using System.Text.Json;

namespace Gsv.Langflow;

/// <summary>
/// A non-success answer from Langflow. <see cref="Message"/> is the surfaced <c>detail</c>: for a 500 whose detail is
/// a JSON-encoded body, its <c>message</c>; for a 422, the validation messages joined.
/// </summary>
public sealed class LangflowException(HttpStatusCode statusCode, string message, string? responseBody)
    : Exception($"Langflow answered {(int)statusCode}: {message}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;
    public string Detail { get; } = message;
    public string? ResponseBody { get; } = responseBody;

    public static async Task<LangflowException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new LangflowException(response.StatusCode, DetailOf(body) ?? response.ReasonPhrase ?? "error", body);
    }

    /// <summary>Reads <c>{"detail": string | object | list}</c> or <c>{"message": …}</c> as the contract's §6 says.</summary>
    public static string? DetailOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return body;
            }

            if (root.TryGetProperty("detail", out var detail))
            {
                return detail.ValueKind switch
                {
                    JsonValueKind.String => EncodedMessage(detail.GetString()!) ?? detail.GetString(),
                    JsonValueKind.Array => string.Join("; ", detail.EnumerateArray().Select(e =>
                        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("msg", out var msg)
                            ? $"{string.Join('.', e.TryGetProperty("loc", out var loc) ? loc.EnumerateArray().Select(l => l.ToString()) : [])}: {msg.GetString()}"
                            : e.ToString())),
                    JsonValueKind.Object when detail.TryGetProperty("message", out var message) => message.ToString(),
                    _ => detail.GetRawText(),
                };
            }

            return root.TryGetProperty("message", out var topMessage) ? topMessage.ToString() : body;
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(body) ? null : body;
        }
    }

    private static string? EncodedMessage(string detail)
    {
        if (!detail.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var encoded = JsonDocument.Parse(detail);
            return encoded.RootElement.TryGetProperty("message", out var message) ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
