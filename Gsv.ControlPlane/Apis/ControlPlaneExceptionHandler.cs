using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gsv.ControlPlane.Domain;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gsv.ControlPlane.Apis;

/// <summary>
/// Turns refusals into problem+json: a <see cref="ControlPlaneException"/> into its own answer, and every request the
/// framework could not bind (malformed or mistyped JSON, too deep, not UTF-8, a query value of the wrong type, a body
/// over its endpoint's limit) into a 400 naming the field, or a 413. Input is never quoted beyond
/// <see cref="FreeText.MaxEcho"/> characters.
/// </summary>
public sealed partial class ControlPlaneExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ControlPlaneException refusal => GsvProblems.Problem(refusal.Code, refusal.Status, refusal.Title, refusal.Message, refusal.Extensions),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                GsvProblems.PayloadTooLargeProblem(httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize),
            BadHttpRequestException bad => BadRequest(bad),
            // A body the JSON reader refused in a way the framework does not wrap (e.g. invalid UTF-8 in a string).
            InvalidOperationException { InnerException: JsonException or DecoderFallbackException } or JsonException =>
                GsvProblems.Invalid("body", "The body is not valid UTF-8 JSON."),
            // A polymorphic item (a credit settlement) without its "kind": System.Text.Json cannot pick its type.
            NotSupportedException { Source: "System.Text.Json" } unsupported => GsvProblems.Invalid(
                JsonPath().Match(unsupported.Message) is { Success: true } path ? FreeText.Excerpt(path.Groups["path"].Value) : "body",
                "A settlement needs its \"kind\": close, charge_from_hold, record_failed or release_part."),
            // The last line of defence for text the edge let through: the database refuses it, the caller is told why.
            DbUpdateException { InnerException: PostgresException { SqlState: "22001" or "22021" or "22P05" } } =>
                GsvProblems.Invalid("body", "A value is too long or contains characters that cannot be stored."),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        await problem.ExecuteAsync(httpContext);
        return true;
    }

    private static IResult BadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode != StatusCodes.Status400BadRequest)
        {
            // 415 (not JSON), 411, 408…: the framework's status with a problem of our own.
            return GsvProblems.Problem(GsvProblems.Validation, bad.StatusCode, "The request is not valid.", "The request cannot be read (check its Content-Type and body).");
        }

        if (bad.InnerException is JsonException json)
        {
            if (json.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
            {
                return GsvProblems.Invalid("body", "The JSON is nested too deeply.");
            }

            var field = json.Path is { Length: > 1 } path ? FreeText.Excerpt(path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path) : "body";
            return GsvProblems.Invalid(field, field == "body" ? "The body must be a JSON object." : "The value is missing, malformed or of the wrong type.");
        }

        if (bad.InnerException is DecoderFallbackException)
        {
            return GsvProblems.Invalid("body", "The body is not valid UTF-8 JSON.");
        }

        // "Failed to bind parameter "int? page" from "abc"." / "Required parameter "X request" was not provided…": the
        // framework's messages name the parameter but quote the input; only the name is kept.
        var name = ParameterName().Match(bad.Message) is { Success: true } match ? match.Groups["name"].Value : "request";
        return bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? GsvProblems.Invalid("body", "A JSON object is required.")
            : GsvProblems.Invalid(name, $"'{name}' has a value of the wrong type or format.");
    }

    [GeneratedRegex("""parameter "[^"]*?(?<name>\w+)"\s""")]
    private static partial Regex ParameterName();

    /// <summary>The JSON path in System.Text.Json's messages (<c>Path: $.settlements[0] | LineNumber…</c>), without the <c>$.</c>.</summary>
    [GeneratedRegex("""Path: \$\.?(?<path>[^\s|]+)""")]
    private static partial Regex JsonPath();
}
