using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gsv.ServiceDefaults.Problems;

/// <summary>
/// RFC 9457 problem details with a stable <c>type</c> per error (<c>https://gsv.dev/problems/{code}</c>) and the
/// same <c>code</c> as an extension, so clients can switch on either. The results are typed, so endpoints that return
/// them in <c>Results&lt;…&gt;</c> document their 400 and 404 in OpenAPI.
/// </summary>
public static class GsvProblems
{
    public const string TypeBase = "https://gsv.dev/problems/";

    public const string NotFound = "not_found";
    public const string Validation = "validation";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string OfferingNotSellable = "offering_not_sellable";
    public const string Conflict = "conflict";
    public const string InsufficientCredits = "insufficient_credits";
    public const string InstanceNotActive = "instance_not_active";
    public const string IllegalTransition = "illegal_transition";
    public const string TrialAlreadyUsed = "trial_already_used";
    public const string TrialExpired = "trial_expired";
    public const string RuntimeError = "runtime_error";
    public const string RateLimited = "rate_limited";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string KnowledgeNotSupported = "knowledge_not_supported";
    public const string KnowledgeNotReady = "knowledge_not_ready";
    public const string KnowledgeUnavailable = "knowledge_unavailable";
    public const string ControlPlaneUnavailable = "control_plane_unavailable";
    public const string ConnectorRequired = "connector_required";
    public const string ConnectorNotUsed = "connector_not_used";
    public const string ToolNotAvailable = "tool_not_available";

    public static ProblemHttpResult Problem(
        string code, int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + code, extensions: all);
    }

    /// <summary>413 <c>payload_too_large</c>, naming the limit when it is known.</summary>
    public static ProblemHttpResult PayloadTooLargeProblem(long? limit) =>
        Problem(PayloadTooLarge, StatusCodes.Status413PayloadTooLarge, "Request body too large", PayloadTooLargeDetail(limit),
            limit is null ? null : new Dictionary<string, object?> { ["limit"] = limit });

    public static string PayloadTooLargeDetail(long? limit) =>
        limit is null ? "The body exceeds this endpoint's limit." : $"The body of this request may have at most {limit} bytes.";

    public static NotFoundProblem NotFoundProblem(string what) =>
        new(Problem(NotFound, StatusCodes.Status404NotFound, "Not found", $"{what} was not found."));

    /// <summary>400 with the per-field messages of <see cref="TypedResults.ValidationProblem"/> plus the stable code.</summary>
    public static ValidationProblem ValidationProblem(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "The request is not valid.", type: TypeBase + Validation,
            extensions: new Dictionary<string, object?> { ["code"] = Validation });

    /// <summary>A 400 for one field.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
