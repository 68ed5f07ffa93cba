using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gsv.ControlPlane.Client;

/// <summary>Shared request plumbing: JSON in and out, problem+json turned into typed exceptions.</summary>
internal static class ControlPlaneHttp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new InvalidOperationException("The Control Plane returned an empty body.");
    }

    /// <summary>Like <see cref="ReadAsync{T}"/> but a 404 is <c>null</c>.</summary>
    public static async Task<T?> ReadOrNullAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) where T : class
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync<T>(response, cancellationToken);
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement? body = null;
        string code = response.StatusCode switch
        {
            HttpStatusCode.NotFound => "not_found",
            HttpStatusCode.Unauthorized => "unauthorized",
            HttpStatusCode.Forbidden => "forbidden",
            _ => "http_" + (int)response.StatusCode,
        };
        string? title = response.ReasonPhrase, detail = null;
        if (text.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                body = document.RootElement.Clone();
                if (body.Value.ValueKind == JsonValueKind.Object)
                {
                    code = String(body.Value, "code") ?? code;
                    title = String(body.Value, "title") ?? title;
                    detail = String(body.Value, "detail");
                }
            }
            catch (JsonException)
            {
                detail = text;
            }
        }

        throw code switch
        {
            "illegal_transition" => new IllegalTransitionException(detail, body),
            _ => new ControlPlaneProblemException(response.StatusCode, code, title, detail, body),
        };
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
