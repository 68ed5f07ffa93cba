using System.Diagnostics;

namespace Gsv.Gateway.Observability;

/// <summary>Spans of the run path (<c>Gsv.Gateway</c>); the HTTP client spans to the Control Plane and Langflow nest under them.</summary>
public static class GatewayTelemetry
{
    public static readonly ActivitySource Source = new("Gsv.Gateway");

    /// <summary>The id a caller quotes to find the run in traces and logs: the W3C trace id, else the request id.</summary>
    public static string CorrelationId(HttpContext context) =>
        Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
}
