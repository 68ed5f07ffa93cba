namespace Gsv.ControlPlane.Apis;

/// <summary>The problems a whole group of endpoints may answer, declared once for OpenAPI.</summary>
public static class ProblemMetadata
{
    /// <summary>401 without a valid token, 403 with a token that lacks the group's role or client.</summary>
    public static RouteGroupBuilder ProducesAccessProblems(this RouteGroupBuilder group) =>
        group.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
}
