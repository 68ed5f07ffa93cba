using Gsv.ServiceDefaults.Problems;

namespace Gsv.ControlPlane.Domain;

/// <summary>A refusal with a stable problem code; turned into problem+json by <c>ControlPlaneExceptionHandler</c>.</summary>
public class ControlPlaneException(string code, int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    public string Title { get; } = title;

    public IDictionary<string, object?>? Extensions { get; } = extensions;

    public static ControlPlaneException NotFound(string what) =>
        new(GsvProblems.NotFound, StatusCodes.Status404NotFound, "Not found", $"{what} was not found.");

    public static ControlPlaneException Conflict(string detail) =>
        new(GsvProblems.Conflict, StatusCodes.Status409Conflict, "Conflict", detail);

    public static ControlPlaneException Invalid(string detail) =>
        new(GsvProblems.Validation, StatusCodes.Status400BadRequest, "The request is not valid.", detail);
}

public sealed class InsufficientCreditsRefusal(long balance, long available, long requested)
    : ControlPlaneException(
        GsvProblems.InsufficientCredits, StatusCodes.Status402PaymentRequired, "Insufficient credits",
        $"The run needs {requested} credits but only {available} are available.",
        new Dictionary<string, object?> { ["balance"] = balance, ["available"] = available, ["requested"] = requested })
{
    public long Balance { get; } = balance;

    public long Available { get; } = available;
}
