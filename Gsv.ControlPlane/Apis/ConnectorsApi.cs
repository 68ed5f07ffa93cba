using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Connectors;
using Gsv.ControlPlane.Data;
using Gsv.ServiceDefaults.Authentication;
using Gsv.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;

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
        app.MapGet("/api/v1/connectors", (ConnectorCatalog catalog) => TypedResults.Ok(catalog.All.Select(ConnectorCatalog.ToDto).ToArray()))
            .WithTags("Connectors").RequireAuthorization(GsvPolicies.Buyer);

        var instance = app.MapGroup("/api/v1/instances/{id:guid}").WithTags("Connectors")
            .RequireAuthorization(GsvPolicies.Buyer).AddEndpointFilter(Caller.ResolveAsync).WithMetadata(new BodySizeLimit(BodySizeLimit.Command));
        instance.MapGet("/connectors", async (Guid id, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
            await caller.FindInstanceAsync(db, id, ct) is { } found ? Results.Ok(await bindings.ListAsync(found, ct)) : NotFound(id));
        instance.MapGet("/connectors/{key}", async (Guid id, string key, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
            await caller.FindInstanceAsync(db, id, ct) is { } found ? Results.Ok(await bindings.GetAsync(found, key, ct)) : NotFound(id));
        instance.MapPut("/connectors/{key}", async (Guid id, string key, BindConnectorRequest request, Caller caller, ControlPlaneDbContext db,
            ConnectorBindings bindings, CancellationToken ct) =>
            await caller.FindInstanceAsync(db, id, ct) is { } found ? Results.Ok(await bindings.ConnectAsync(found, key, request, ct)) : NotFound(id));
        instance.MapPost("/connectors/{key}/test", async (Guid id, string key, TestConnectorRequest? request, Caller caller, ControlPlaneDbContext db,
            ConnectorBindings bindings, CancellationToken ct) =>
            await caller.FindInstanceAsync(db, id, ct) is { } found ? Results.Ok(await bindings.TestAsync(found, key, request, ct)) : NotFound(id));
        instance.MapDelete("/connectors/{key}", async (Guid id, string key, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
        {
            if (await caller.FindInstanceAsync(db, id, ct) is not { } found)
            {
                return NotFound(id);
            }

            await bindings.RevokeAsync(found, key, ct);
            return Results.NoContent();
        });
        instance.MapGet("/tool-calls", async (Guid id, int? limit, Caller caller, ControlPlaneDbContext db, ConnectorBindings bindings, CancellationToken ct) =>
            limit is < 1 or > MaxAuditEntries
                ? GsvProblems.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxAuditEntries}."] })
                : await caller.FindInstanceAsync(db, id, ct) is { } found ? Results.Ok(await bindings.AuditAsync(found, limit ?? 50, ct)) : NotFound(id));

        var gateway = app.MapGroup("/internal/v1/instances/{id:guid}/tools").WithTags("Internal")
            .RequireAuthorization(GsvPolicies.Service).RequireAuthorization(GsvPolicies.Gateway).WithMetadata(new BodySizeLimit(BodySizeLimit.Service));
        gateway.MapGet("", async (Guid id, ToolCalls tools, CancellationToken ct) =>
            await tools.ListAsync(id, ct) is { } list ? Results.Ok(list) : NotFound(id));
        gateway.MapPost("/{name}/call", async (Guid id, string name, ToolCallRequest request, ToolCalls tools, CancellationToken ct) =>
            Results.Ok(await tools.CallAsync(id, name, request, ct)));
        return app;
    }

    private static IResult NotFound(Guid id) => GsvProblems.NotFoundProblem($"Instance {id}");

}
