using Gsv.ControlPlane.Client;
using Gsv.Gateway.Observability;
using Gsv.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Diagnostics;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Gsv.Gateway.Problems;

/// <summary>
/// A request the gateway could not check because the Control Plane did not answer — resolving an API key, reading the
/// instance, holding credits — gets 503 <c>control_plane_unavailable</c> with <c>Retry-After</c>, not a 500: the caller
/// did nothing wrong and may retry. (Runs that started are settled by <c>RunExecutor</c>, never here.)
/// </summary>
public sealed partial class ControlPlaneUnavailableHandler(ILogger<ControlPlaneUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted || !IsUnavailable(exception, httpContext.RequestAborted))
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Path, exception.Message);
        httpContext.Response.Headers.RetryAfter = "1";
        await GsvProblems.Problem(GsvProblems.ControlPlaneUnavailable, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
            "The gateway could not check this request: the platform's control plane did not answer. Nothing was run or charged; retry shortly.",
            new Dictionary<string, object?> { ["correlationId"] = GatewayTelemetry.CorrelationId(httpContext) }).ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>The Control Plane unreachable, timing out, refusing with a 5xx, or its circuit open — after the client's retries.</summary>
    public static bool IsUnavailable(Exception exception, CancellationToken requestAborted) => exception switch
    {
        HttpRequestException or TimeoutRejectedException or BrokenCircuitException => true,
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        ControlPlaneProblemException problem => (int)problem.Status >= 500,
        _ => false,
    };

    [LoggerMessage(LogLevel.Error, "{Path}: the Control Plane did not answer, 503 to the caller: {Error}")]
    private static partial void LogUnavailable(ILogger logger, string path, string error);
}
