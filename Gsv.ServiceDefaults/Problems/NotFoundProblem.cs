using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Gsv.ServiceDefaults.Problems;

/// <summary>
/// A 404 <c>not_found</c> problem as a typed result: in <c>Results&lt;…&gt;</c> it tells OpenAPI that the endpoint answers
/// 404 with <c>application/problem+json</c> (the framework's <see cref="ProblemHttpResult"/> declares no status).
/// </summary>
public sealed class NotFoundProblem(ProblemHttpResult problem) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    public ProblemDetails Value => problem.ProblemDetails;

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => StatusCodes.Status404NotFound;

    public Task ExecuteAsync(HttpContext httpContext) => problem.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
}
