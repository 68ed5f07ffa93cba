using Gsv.ControlPlane.Domain;
using Gsv.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Diagnostics;

namespace Gsv.ControlPlane.Apis;

/// <summary>Turns a <see cref="ControlPlaneException"/> into its problem+json answer.</summary>
public sealed class ControlPlaneExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ControlPlaneException refusal)
        {
            return false;
        }

        await GsvProblems.Problem(refusal.Code, refusal.Status, refusal.Title, refusal.Message, refusal.Extensions).ExecuteAsync(httpContext);
        return true;
    }
}
