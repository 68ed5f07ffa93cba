using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Gsv.Gateway.Problems;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Gsv.Gateway.Runs;

/// <summary>A run's body as read from the request: the body, or the 4xx problem to answer instead.</summary>
public readonly record struct RunRequestRead(RunRequestBody? Body, IResult? Problem);

/// <summary>
/// Reads the body of <c>POST /v1/instances/{id}/runs</c> itself rather than through model binding, so that every bad
/// body is a 4xx problem naming what is wrong (never a 500): a JSON content type (415), at most
/// <see cref="MaxBodyBytes"/> (413), valid UTF-8, valid JSON nested at most <see cref="MaxDepth"/> levels, an object
/// whose known fields have the right types and appear once, tweaks of at most <see cref="MaxTweaksBytes"/>.
/// Unknown fields are ignored. Field names are matched case-insensitively, as the web JSON defaults do.
/// </summary>
public static class RunRequestReader
{
    /// <summary>Enough for an input of <see cref="RunRequestBody.MaxInputLength"/> characters in any encoding of JSON.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public const int MaxTweaksBytes = 16 * 1024;

    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDepth };

    public static async Task<RunRequestRead> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            return Refuse(GsvProblems.Problem(GsvProblems.UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type", "Send the run as application/json."));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return Refuse(GsvProblems.PayloadTooLargeProblem(MaxBodyBytes));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            // Usually the length is given: one buffer of that size. Chunked bodies are read until the limit.
            using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : chunk.Length);
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return Refuse(GsvProblems.PayloadTooLargeProblem(MaxBodyBytes));
                }

                buffer.Write(chunk, 0, read);
            }

            return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Refuse(GsvProblems.PayloadTooLargeProblem(MaxBodyBytes));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The body from its bytes (also what the unit tests drive).</summary>
    public static RunRequestRead Parse(ReadOnlyMemory<byte> json)
    {
        if (json.Length == 0)
        {
            return Invalid("body", "A JSON body with an input is required.");
        }

        if (!Utf8.IsValid(json.Span))
        {
            return Invalid("body", "The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException exception)
        {
            return Invalid("body",
                $"The body is not valid JSON nested at most {MaxDepth} levels deep (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid("body", $"The body must be a JSON object, not {Describe(document.RootElement.ValueKind)}.");
            }

            try
            {
                return FromObject(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // A name or value with an escaped lone surrogate (\ud800) cannot be read as text.
                return Invalid("body", "The body has a name or text that is not valid Unicode.");
            }
        }
    }

    private static RunRequestRead FromObject(JsonElement root)
    {
        string? input = null, sessionId = null;
        JsonObject? tweaks = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in root.EnumerateObject())
        {
            var field = property.Name.ToLowerInvariant() switch
            {
                "input" => "input",
                "sessionid" => "sessionId",
                "tweaks" => "tweaks",
                _ => null,
            };
            if (field is null)
            {
                continue;
            }

            if (!seen.Add(field))
            {
                return Invalid(field, $"The field {field} appears more than once.");
            }

            var value = property.Value;
            switch (field)
            {
                case "input" or "sessionId":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (value.ValueKind != JsonValueKind.String)
                    {
                        return Invalid(field, $"The {field} must be a string, not {Describe(value.ValueKind)}.");
                    }

                    if (!TryGetString(value, out var text))
                    {
                        return Invalid(field, $"The {field} is not valid Unicode text.");
                    }

                    (input, sessionId) = field == "input" ? (text, sessionId) : (input, text);
                    break;
                case "tweaks":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    var (parsed, problem) = ReadTweaks(value);
                    if (problem is not null)
                    {
                        return new RunRequestRead(null, problem);
                    }

                    tweaks = parsed;
                    break;
            }
        }

        return new RunRequestRead(new RunRequestBody(input, sessionId, tweaks), null);
    }

    /// <summary>Tweaks: an object of components, each an object of fields; names once each, nothing else checked here (see <see cref="TweakPolicy"/>).</summary>
    private static (JsonObject? Tweaks, IResult? Problem) ReadTweaks(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return (null, GsvProblems.Invalid("tweaks", $"Tweaks must be an object of components, not {Describe(value.ValueKind)}."));
        }

        if (value.GetRawText().Length > MaxTweaksBytes)
        {
            return (null, GsvProblems.Invalid("tweaks", $"Tweaks may have at most {MaxTweaksBytes} characters of JSON."));
        }

        var components = new HashSet<string>(StringComparer.Ordinal);
        foreach (var component in value.EnumerateObject())
        {
            var name = "tweaks." + FreeText.Excerpt(component.Name);
            if (component.Name.Length == 0 || !components.Add(component.Name))
            {
                return (null, GsvProblems.Invalid(name, "Each component may be tweaked once, under a non-empty id."));
            }

            if (component.Value.ValueKind != JsonValueKind.Object)
            {
                return (null, GsvProblems.Invalid(name, "Tweaks map a component id to an object of field values."));
            }

            var fields = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in component.Value.EnumerateObject())
            {
                if (!fields.Add(field.Name))
                {
                    return (null, GsvProblems.Invalid(name, "Each field of a component may be tweaked once."));
                }

                if (field.Value.ValueKind == JsonValueKind.String && !TryGetString(field.Value, out _))
                {
                    return (null, GsvProblems.Invalid(name, "A tweak value is not valid Unicode text."));
                }
            }
        }

        return (JsonObject.Create(value.Clone()), null);
    }

    private static bool TryGetString(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\ud800) cannot be read as text.
            text = null;
            return false;
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "an object",
    };

    private static RunRequestRead Invalid(string field, string message) => new(null, GsvProblems.Invalid(field, message));

    private static RunRequestRead Refuse(IResult problem) => new(null, problem);
}
