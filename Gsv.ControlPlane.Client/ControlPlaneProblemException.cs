using System.Net;
using System.Text.Json;

namespace Gsv.ControlPlane.Client;

/// <summary>A problem+json answer of the Control Plane: status, stable <see cref="Code"/>, title, detail, extensions.</summary>
public class ControlPlaneProblemException(HttpStatusCode status, string code, string? title, string? detail, JsonElement? body)
    : Exception($"Control Plane answered {(int)status} {code}: {detail ?? title}")
{
    public HttpStatusCode Status { get; } = status;

    public string Code { get; } = code;

    public string? Title { get; } = title;

    public string? Detail { get; } = detail;

    /// <summary>The whole problem document (extensions included), when the body was JSON.</summary>
    public JsonElement? Body { get; } = body;
}

/// <summary>409 <c>illegal_transition</c>: the instance's lifecycle does not allow the requested state change.</summary>
public sealed class IllegalTransitionException(string? detail, JsonElement? body)
    : ControlPlaneProblemException(HttpStatusCode.Conflict, "illegal_transition", "Illegal transition", detail, body);
