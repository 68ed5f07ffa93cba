using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Connectors;
using Gsv.ControlPlane.Data;
using Gsv.ServiceDefaults.Authentication;
using Gsv.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gsv.ControlPlane.Apis;

/// <summary>
/// Connectors: the catalog (<c>/api/v1/connectors</c>), a buyer's bindings of an instance
/// (<c>/api/v1/instances/{id}/connectors</c>: list, bind, test, revoke) and its tool-call audit
/// (<c>/api/v1/instances/{id}/tool-calls</c>); and for the Gateway's MCP endpoint, an instance's tools and a call
/// (<c>/internal/v1/instances/{id}/tools</c>). Another workspace's instance is a 404; no response carries a secret.
/// </summary>
public static class ConnectorsApi
{
    public const int MaxAuditEntries = 200;

    public static IEndpointRouteBuilder MapConnectorsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/connectors", ListCatalog).WithTags("Connectors").RequireAuthorization(GsvPolicies.Buyer)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        var instance = app.MapGroup("/api/v1/instances/{id:guid}").WithTags("Connectors")
            .RequireAuthorization(GsvPolicies.Buyer).AddEndpointFilter(Caller.ResolveAsync).WithMetadata(new BodySizeLimit(BodySizeLimit.Command))
            .ProducesAccessProblems();
        // An unknown connector key is a 404 too; a terminated instance or a concurrent bind a 409.
        instance.MapGet("/connectors", ListBindingsAsync);
        instance.MapGet("/connectors/{key}", GetBindingAsync);
        instance.MapPut("/connectors/{key}", ConnectAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        instance.MapPost("/connectors/{key}/test", TestAsync).ProducesValidationProblem();
        instance.MapDelete("/connectors/{key}", RevokeAsync);
        instance.MapGet("/tool-calls", AuditAsync);

        var gateway = app.MapGroup("/internal/v1/instances/{id:guid}/tools").WithTags("Internal")
            .RequireAuthorization(GsvPolicies.Service).RequireAuthorization(GsvPolicies.Gateway).WithMetadata(new BodySizeLimit(BodySizeLimit.Service))
            .ProducesAccessProblems();
        gateway.MapGet("", ListToolsAsync);
        gateway.MapPost("/{name}/call", CallToolAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The connectors a binding or an offering may name (no secrets in it).</summary>
    internal static Ok<ConnectorDto[]> ListCatalog(ConnectorCatalog catalog) => TypedResults.Ok(catalog.All.Select(ConnectorCatalog.ToDto).ToArray());

    private static async Task<Results<Ok<IReadOnlyList<InstanceConnectorDto>>, NotFoundProblem>> ListBindingsAsync(
        Guid id, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
        await caller.FindInstanceAsync(db, id, ct) is { } found ? TypedResults.Ok(await bindings.ListAsync(found, ct)) : NotFound(id);

    private static async Task<Results<Ok<InstanceConnectorDto>, NotFoundProblem>> GetBindingAsync(
        Guid id, string key, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
        await caller.FindInstanceAsync(db, id, ct) is { } found ? TypedResults.Ok(await bindings.GetAsync(found, key, ct)) : NotFound(id);

    private static async Task<Results<Ok<InstanceConnectorDto>, NotFoundProblem>> ConnectAsync(
        Guid id, string key, BindConnectorRequest request, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
        await caller.FindInstanceAsync(db, id, ct) is { } found ? TypedResults.Ok(await bindings.ConnectAsync(found, key, request, ct)) : NotFound(id);

    private static async Task<Results<Ok<ConnectorTestResult>, NotFoundProblem>> TestAsync(
        Guid id, string key, TestConnectorRequest? request, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
        await caller.FindInstanceAsync(db, id, ct) is { } found ? TypedResults.Ok(await bindings.TestAsync(found, key, request, ct)) : NotFound(id);

    private static async Task<Results<NoContent, NotFoundProblem>> RevokeAsync(
        Guid id, string key, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct)
    {
        if (await caller.FindInstanceAsync(db, id, ct) is not { } found)
        {
            return NotFound(id);
        }

        await bindings.RevokeAsync(found, key, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<ToolCallAuditDto>>, ValidationProblem, NotFoundProblem>> AuditAsync(
        Guid id, int? limit, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
        limit is < 1 or > MaxAuditEntries
            ? GsvProblems.Invalid("limit", $"limit must be between 1 and {MaxAuditEntries}.")
            : await caller.FindInstanceAsync(db, id, ct) is { } found ? TypedResults.Ok(await bindings.AuditAsync(found, limit ?? 50, ct)) : NotFound(id);

    private static async Task<Results<Ok<InstanceToolsDto>, NotFoundProblem>> ListToolsAsync(Guid id, ToolCalls tools, CancellationToken ct) =>
        await tools.ListAsync(id, ct) is { } list ? TypedResults.Ok(list) : NotFound(id);

    private static async Task<Ok<ToolCallResultDto>> CallToolAsync(Guid id, string name, ToolCallRequest request, ToolCalls tools, CancellationToken ct) =>
        TypedResults.Ok(await tools.CallAsync(id, name, request, ct));

    private static NotFoundProblem NotFound(Guid id) => GsvProblems.NotFoundProblem($"Instance {id}");
}
