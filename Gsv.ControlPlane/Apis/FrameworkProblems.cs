using Gsv.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace Gsv.ControlPlane.Apis;

/// <summary>
/// Problems the framework writes itself (a body over its endpoint's limit, a body that is not JSON, an unknown route,
/// a missing or refused token) get the stable <c>type</c> and <c>code</c> of ours, like every other refusal.
/// </summary>
public static class FrameworkProblems
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var code = problem.Status switch
        {
            StatusCodes.Status400BadRequest => GsvProblems.Validation,
            StatusCodes.Status401Unauthorized => GsvProblems.Unauthorized,
            StatusCodes.Status403Forbidden => GsvProblems.Forbidden,
            StatusCodes.Status404NotFound => GsvProblems.NotFound,
            StatusCodes.Status413PayloadTooLarge => GsvProblems.PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType => GsvProblems.UnsupportedMediaType,
            _ => null,
        };
        if (code is null)
        {
            return;
        }

        problem.Type = GsvProblems.TypeBase + code;
        problem.Extensions["code"] = code;
        problem.Detail ??= code switch
        {
            GsvProblems.PayloadTooLarge =>
                GsvProblems.PayloadTooLargeDetail(context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize),
            GsvProblems.UnsupportedMediaType => "The body must be JSON (Content-Type: application/json).",
            _ => null,
        };
    }
}
