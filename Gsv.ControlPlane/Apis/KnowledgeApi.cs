using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Knowledge;
using Gsv.ServiceDefaults.Authentication;
using Gsv.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gsv.ControlPlane.Apis;

/// <summary>
/// <c>/api/v1/instances/{id}/knowledge</c>: a buyer's documents for a knowledge instance — upload, list with parse
/// status, delete, and a search that shows what a run would be given. Another workspace's instance is a 404.
/// </summary>
public static class KnowledgeApi
{
    /// <summary>One upload: up to the per-file limit for a few files, plus the multipart framing.</summary>
    public const long UploadBodyLimit = 2 * KnowledgeLimits.MaxFileBytes + 64 * 1024;

    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder app)
    {
        var knowledge = app.MapGroup("/api/v1/instances/{id:guid}/knowledge").WithTags("Knowledge")
            .RequireAuthorization(GsvPolicies.Buyer).AddEndpointFilter(Caller.ResolveAsync).ProducesAccessProblems()
            // An instance whose offering has no knowledge, or whose dataset is not ready (409); RAGFlow down (503).
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        knowledge.MapPost("/documents", UploadAsync).WithMetadata(new BodySizeLimit(UploadBodyLimit)).DisableAntiforgery()
            .Accepts<IFormFileCollection>("multipart/form-data").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        knowledge.MapGet("/documents", ListAsync);
        knowledge.MapDelete("/documents/{documentId}", DeleteAsync);
        knowledge.MapPost("/search", SearchAsync).WithMetadata(new BodySizeLimit(BodySizeLimit.Command)).ProducesValidationProblem();
        return app;
    }

    private static async Task<Results<Created<List<KnowledgeDocumentDto>>, NotFoundProblem, ProblemHttpResult>> UploadAsync(
        Guid id, HttpRequest request, Caller caller, ControlPlaneDbContext db, KnowledgeService knowledge, CancellationToken cancellationToken)
    {
        if (await caller.FindInstanceAsync(db, id, cancellationToken) is not { } instance)
        {
            return GsvProblems.NotFoundProblem($"Instance {id}");
        }

        if (!request.HasFormContentType)
        {
            return GsvProblems.Problem(GsvProblems.UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the documents as multipart/form-data, one 'file' part each.");
        }

        KnowledgeService.DatasetOf(instance);
        var form = await request.ReadFormAsync(cancellationToken);
        var documents = await knowledge.UploadAsync(instance, form.Files, cancellationToken);
        return TypedResults.Created($"/api/v1/instances/{id}/knowledge/documents", documents);
    }

    private static async Task<Results<Ok<KnowledgeDocumentPageDto>, ValidationProblem, NotFoundProblem>> ListAsync(
        Guid id, int? page, int? pageSize, Caller caller, ControlPlaneDbContext db, KnowledgeService knowledge, CancellationToken cancellationToken)
    {
        if (page is < 1 || pageSize is < 1 or > 100)
        {
            return GsvProblems.Invalid("page", "page must be at least 1 and pageSize between 1 and 100.");
        }

        return await caller.FindInstanceAsync(db, id, cancellationToken) is { } instance
            ? TypedResults.Ok(await knowledge.ListAsync(instance, page ?? 1, pageSize ?? 50, cancellationToken))
            : GsvProblems.NotFoundProblem($"Instance {id}");
    }

    private static async Task<Results<NoContent, NotFoundProblem>> DeleteAsync(
        Guid id, string documentId, Caller caller, ControlPlaneDbContext db, KnowledgeService knowledge, CancellationToken cancellationToken)
    {
        if (await caller.FindInstanceAsync(db, id, cancellationToken) is not { } instance)
        {
            return GsvProblems.NotFoundProblem($"Instance {id}");
        }

        await knowledge.DeleteAsync(instance, documentId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<KnowledgeSearchResultDto>, NotFoundProblem>> SearchAsync(
        Guid id, KnowledgeSearchRequest request, Caller caller, ControlPlaneDbContext db, KnowledgeService knowledge, CancellationToken cancellationToken) =>
        await caller.FindInstanceAsync(db, id, cancellationToken) is { } instance
            ? TypedResults.Ok(await knowledge.SearchAsync(instance, request, cancellationToken))
            : GsvProblems.NotFoundProblem($"Instance {id}");
}
