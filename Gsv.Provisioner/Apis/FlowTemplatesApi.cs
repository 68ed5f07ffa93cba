using Gsv.Provisioner.GitOps;
using Gsv.ServiceDefaults.Authentication;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;

namespace Gsv.Provisioner.Apis;

/// <summary>
/// <c>/internal/v1/flow-templates/{name}</c> (the Gateway's service account): a flow template as committed in the GitOps
/// repository, for the run policy it declares (allowed tweaks, knowledge and MCP inputs). The Gateway asks only for
/// templates it was not built with: those sellers uploaded.
/// </summary>
public static class FlowTemplatesApi
{
    public static IEndpointRouteBuilder MapFlowTemplatesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/v1/flow-templates/{name}", (string name, DesiredState desiredState) =>
                desiredState.CurrentFlowTemplates().Find(name) is { } template
                    ? Results.Text(template.Document.ToJsonString(), "application/json")
                    : GsvProblems.NotFoundProblem($"Flow template '{FreeText.Excerpt(name)}'"))
            .WithTags("Internal")
            .RequireAuthorization(GsvPolicies.Gateway);
        return app;
    }
}
