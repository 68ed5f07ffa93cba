using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Connectors;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Services;
using Gsv.ServiceDefaults.Authentication;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Apis;

/// <summary><c>/internal/v1</c>: what the Provisioner and the Gateway call with their service tokens.</summary>
public static class InternalApi
{
    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        // Any service account may enter; each endpoint then requires the one client whose job it is (a Gateway token
        // cannot grant credits or create instances, a Provisioner token cannot hold or settle).
        var api = app.MapGroup("/internal/v1").WithTags("Internal").RequireAuthorization(GsvPolicies.Service)
            .WithMetadata(new BodySizeLimit(BodySizeLimit.Service)).ProducesAccessProblems();
        var provisioner = api.MapGroup("").RequireAuthorization(GsvPolicies.Provisioner);
        var gateway = api.MapGroup("").RequireAuthorization(GsvPolicies.Gateway);

        api.MapGet("/offerings/{slug}", GetOfferingAsync);
        api.MapGet("/workspaces/{workspaceId:guid}/members/{sub}", GetMembershipAsync);
        api.MapGet("/instances/{id:guid}", GetInstanceAsync);
        api.MapGet("/wallets/{workspaceId:guid}", GetWalletAsync);

        provisioner.MapPut("/offerings/{slug}", UpsertOfferingAsync).ProducesProblem(StatusCodes.Status409Conflict);
        provisioner.MapGet("/offering-sales", GetOfferingSalesAsync);
        // The seller console checks an offering's connectors against the catalog before Saleor stores them.
        provisioner.MapGet("/connectors", ConnectorsApi.ListCatalog);
        provisioner.MapPost("/users/find-or-create", FindOrCreateUserAsync);
        provisioner.MapPost("/instances", CreateInstanceAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        provisioner.MapGet("/instances", ListInstancesAsync);
        provisioner.MapPost("/instances/{id:guid}/transitions", TransitionAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        provisioner.MapGet("/instances/{id:guid}/transitions", GetTransitionsAsync);
        provisioner.MapPost("/wallets/{workspaceId:guid}/grants", GrantAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        provisioner.MapPost("/wallets/{workspaceId:guid}/refunds", RefundAsync).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        gateway.MapPost("/credits/batch", ApplyCreditBatchAsync);
        gateway.MapPost("/api-keys/resolve", ResolveApiKeyAsync).ProducesValidationProblem();
        gateway.MapPost("/runs", RecordRunAsync);
        gateway.MapGet("/runs/{runId:guid}", GetRunAsync);
        return app;
    }

    private static async Task<Results<Ok<OfferingDto>, ValidationProblem, ProblemHttpResult>> UpsertOfferingAsync(
        string slug, UpsertOfferingRequest request, ControlPlaneDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (slug.Length > 100 || string.IsNullOrWhiteSpace(request.Name) || string.IsNullOrWhiteSpace(request.Kind))
        {
            return GsvProblems.Invalid("name", "A slug of at most 100 characters, a name and a kind are required.");
        }

        if (request.CreditsPerRun < 0 || request.IncludedCredits < 0 || request.TrialCredits < 0)
        {
            return GsvProblems.Invalid("credits", "Credit amounts cannot be negative.");
        }

        if (request.Kind != OfferingKinds.CreditPack && request.CreditsPerRun < 1)
        {
            return GsvProblems.Invalid("creditsPerRun", "An offering that runs needs a price: creditsPerRun must be a positive number of credits.");
        }

        // A seller's product name is shown to buyers: kept without control characters, at most the column's 200.
        var name = FreeText.Clean(request.Name, 200) ?? "";
        if (name.Length == 0)
        {
            return GsvProblems.Invalid("name", "The name has no printable characters.");
        }

        var offering = await db.Offerings.SingleOrDefaultAsync(o => o.Slug == slug, cancellationToken);
        if (offering is null)
        {
            offering = new Offering { Slug = slug, Name = name, Kind = request.Kind };
            db.Offerings.Add(offering);
        }

        offering.ProductId = request.ProductId;
        offering.Name = name;
        offering.Kind = request.Kind;
        offering.FlowTemplate = request.FlowTemplate;
        offering.CreditsPerRun = request.CreditsPerRun;
        offering.IncludedCredits = request.IncludedCredits;
        offering.TrialCredits = request.TrialCredits;
        offering.Connectors = [.. request.Connectors ?? []];
        offering.Knowledge = request.Knowledge;
        offering.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (ControlPlaneDbContext.IsUniqueViolation(exception))
        {
            return GsvProblems.Problem(GsvProblems.Conflict, StatusCodes.Status409Conflict, "Conflict", "The offering was created concurrently; retry.");
        }

        return TypedResults.Ok(ToDto(offering));
    }

    private static async Task<Results<Ok<OfferingDto>, NotFoundProblem>> GetOfferingAsync(string slug, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        await db.Offerings.AsNoTracking().SingleOrDefaultAsync(o => o.Slug == slug, cancellationToken) is { } offering
            ? TypedResults.Ok(ToDto(offering))
            : GsvProblems.NotFoundProblem($"Offering '{FreeText.Excerpt(slug)}'");

    /// <summary>How many instances each offering has from orders (trials not counted), for the seller console.</summary>
    private static async Task<Ok<OfferingSalesDto[]>> GetOfferingSalesAsync(ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Instances.AsNoTracking().Where(i => !i.IsTrial && i.OrderId != null)
            .GroupBy(i => i.OfferingSlug).OrderBy(g => g.Key).Select(g => new OfferingSalesDto(g.Key, g.Count()))
            .ToArrayAsync(cancellationToken));

    private static OfferingDto ToDto(Offering o) => new(
        o.Slug, o.ProductId, o.Name, o.Kind, o.FlowTemplate, o.CreditsPerRun, o.IncludedCredits, o.TrialCredits, o.Connectors, o.Knowledge, o.UpdatedAt);

    private static async Task<Results<Ok<FindOrCreateUserResult>, ValidationProblem>> FindOrCreateUserAsync(FindOrCreateUserRequest request, UserDirectory users, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || !request.Email.Contains('@', StringComparison.Ordinal) || request.Email.Length > 320)
        {
            return GsvProblems.Invalid("email", "A valid email is required.");
        }

        var (user, workspaceId) = await users.FindOrCreateByEmailAsync(request.Email, cancellationToken);
        return TypedResults.Ok(new FindOrCreateUserResult(user.Id, user.Email!, user.Pending, workspaceId));
    }

    private static async Task<Results<Ok<MembershipDto>, NotFoundProblem>> GetMembershipAsync(Guid workspaceId, string sub, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        await db.Memberships.AsNoTracking().Where(m => m.WorkspaceId == workspaceId)
            .Join(db.Users.Where(u => u.Sub == sub), m => m.UserId, u => u.Id, (m, u) => m.Role).SingleOrDefaultAsync(cancellationToken) is { } role
            ? TypedResults.Ok(new MembershipDto(role))
            : GsvProblems.NotFoundProblem($"Membership of {FreeText.Excerpt(sub)} in workspace {workspaceId}");

    private static async Task<Results<Created<InstanceDto>, Ok<InstanceDto>, ValidationProblem>> CreateInstanceAsync(CreateInstanceRequest request, InstanceService instances, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.OrderId) || string.IsNullOrWhiteSpace(request.OrderLineId) || string.IsNullOrWhiteSpace(request.OfferingSlug))
        {
            return GsvProblems.Invalid("orderId", "offeringSlug, orderId and orderLineId are required.");
        }

        var (instance, created) = await instances.CreateFromOrderAsync(request, cancellationToken);
        return created ? TypedResults.Created($"/internal/v1/instances/{instance.Id}", instance) : TypedResults.Ok(instance);
    }

    /// <summary>
    /// A page of instances (filters: <c>state</c>, <c>workspaceId</c>, <c>id</c>, each optional); <c>next</c> is the
    /// cursor to pass as <c>after</c> for the following page, null on the last one.
    /// </summary>
    private static async Task<Results<Ok<InstancePage>, ValidationProblem>> ListInstancesAsync(HttpRequest http, InstanceService instances, CancellationToken cancellationToken)
    {
        var states = new List<InstanceState>();
        foreach (var value in http.Query["state"])
        {
            if (!Enum.TryParse<InstanceState>(value, ignoreCase: true, out var state) || !Enum.IsDefined(state))
            {
                return GsvProblems.Invalid("state", $"Unknown state '{FreeText.Excerpt(value)}'.");
            }

            states.Add(state);
        }

        Guid? workspaceId = null;
        if (http.Query["workspaceId"] is { Count: > 0 } workspace)
        {
            if (!Guid.TryParse(workspace, out var parsed))
            {
                return GsvProblems.Invalid("workspaceId", "workspaceId must be a UUID.");
            }

            workspaceId = parsed;
        }

        var ids = new List<Guid>();
        foreach (var value in http.Query["id"])
        {
            if (!Guid.TryParse(value, out var id))
            {
                return GsvProblems.Invalid("id", "id must be a UUID.");
            }

            ids.Add(id);
        }

        var limit = InstanceService.MaxPageSize;
        if (http.Query["limit"] is { Count: > 0 } limitValue
            && (!int.TryParse(limitValue, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit)
                || limit is < 1 or > InstanceService.MaxPageSize))
        {
            return GsvProblems.Invalid("limit", $"limit must be an integer from 1 to {InstanceService.MaxPageSize}.");
        }

        InstanceCursor? after = null;
        if (http.Query["after"] is { Count: > 0 } afterValue)
        {
            if (!InstanceCursor.TryDecode(afterValue, out var cursor))
            {
                return GsvProblems.Invalid("after", "after must be a cursor returned as 'next' by this endpoint.");
            }

            after = cursor;
        }

        return TypedResults.Ok(await instances.ListPageAsync(new InstanceFilter(states, workspaceId, ids), after, limit, cancellationToken));
    }

    private static async Task<Results<Ok<InstanceDto>, NotFoundProblem>> GetInstanceAsync(Guid id, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken) is { } instance
            ? TypedResults.Ok(instance.ToDto())
            : GsvProblems.NotFoundProblem($"Instance {id}");

    private static async Task<Results<Ok<InstanceDto>, ValidationProblem>> TransitionAsync(Guid id, TransitionRequest request, InstanceService instances, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(request.To))
        {
            return GsvProblems.Invalid("to", "Unknown target state.");
        }

        return TypedResults.Ok(await instances.TransitionAsync(id, request, cancellationToken));
    }

    private static async Task<Results<Ok<IReadOnlyList<TransitionDto>>, NotFoundProblem>> GetTransitionsAsync(Guid id, ControlPlaneDbContext db, InstanceService instances, CancellationToken cancellationToken) =>
        await db.Instances.AnyAsync(i => i.Id == id, cancellationToken)
            ? TypedResults.Ok(await instances.GetTransitionsAsync(id, cancellationToken))
            : GsvProblems.NotFoundProblem($"Instance {id}");

    private static async Task<Results<Ok<WalletDto>, NotFoundProblem>> GetWalletAsync(Guid workspaceId, LedgerService ledger, CancellationToken cancellationToken) =>
        await ledger.GetWalletAsync(workspaceId, cancellationToken) is { } wallet
            ? TypedResults.Ok(wallet)
            : GsvProblems.NotFoundProblem($"The wallet of workspace {workspaceId}");

    private static async Task<Results<Ok<GrantResult>, ValidationProblem>> GrantAsync(Guid workspaceId, GrantRequest request, LedgerService ledger, CancellationToken cancellationToken) =>
        request.Kind == GrantKind.Trial
            // Trial credits exist only with their trial instance (earmarked for it, expiring with it): POST /api/v1/instances/trial.
            ? GsvProblems.Invalid("kind", "Trial credits are granted only with a trial instance.")
            : TypedResults.Ok(await ledger.GrantAsync(workspaceId, request.Amount, request.Kind, request.IdempotencyKey, request.Reason, cancellationToken));

    private static async Task<GrantResult> RefundAsync(Guid workspaceId, RefundRequest request, LedgerService ledger, CancellationToken cancellationToken) =>
        await ledger.RefundAsync(workspaceId, request.Amount, request.IdempotencyKey, request.Reason, request.RunId, cancellationToken);

    private static async Task<Results<Ok<CreditBatchResult>, ValidationProblem>> ApplyCreditBatchAsync(CreditBatchRequest? batch, LedgerService ledger, CancellationToken cancellationToken)
    {
        if (batch?.Settlements is null || batch.Holds is null || batch.Settlements.Count + batch.Holds.Count is 0 or > LedgerService.MaxBatchItems)
        {
            return GsvProblems.Invalid("holds", $"settlements and holds are required, with 1 to {LedgerService.MaxBatchItems} items in all.");
        }

        if (batch.Settlements.Any(s => s is null) || batch.Holds.Any(h => h is null))
        {
            return GsvProblems.Invalid("holds", "Items cannot be null.");
        }

        return TypedResults.Ok(await ledger.ApplyBatchAsync(batch, cancellationToken));
    }

    private static async Task<Results<Ok<ResolvedApiKey>, NotFoundProblem>> ResolveApiKeyAsync(ResolveApiKeyRequest request, ApiKeyService keys, CancellationToken cancellationToken) =>
        !string.IsNullOrEmpty(request.Key) && await keys.ResolveAsync(request.Key, cancellationToken) is { } resolved
            ? TypedResults.Ok(resolved)
            : GsvProblems.NotFoundProblem("The API key");

    private static async Task<Results<Created<RunDto>, Ok<RunDto>, ValidationProblem, NotFoundProblem>> RecordRunAsync(RunDto request, ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        if (CreditBatchRules.RunRecordProblem(request) is { } problem)
        {
            return GsvProblems.Invalid("status", problem);
        }

        var instance = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == request.InstanceId, cancellationToken);
        if (instance is null || instance.WorkspaceId != request.WorkspaceId)
        {
            return GsvProblems.NotFoundProblem($"Instance {request.InstanceId} in workspace {request.WorkspaceId}");
        }

        var run = Run.From(request, request.CreditsCharged);
        db.Runs.Add(run);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (ControlPlaneDbContext.IsUniqueViolation(exception))
        {
            db.ChangeTracker.Clear();
            return TypedResults.Ok((await db.Runs.AsNoTracking().SingleAsync(r => r.RunId == request.RunId, cancellationToken)).ToDto());
        }

        return TypedResults.Created($"/internal/v1/runs/{run.RunId}", run.ToDto());
    }

    private static async Task<Results<Ok<RunDto>, NotFoundProblem>> GetRunAsync(Guid runId, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.RunId == runId, cancellationToken) is { } run
            ? TypedResults.Ok(run.ToDto())
            : GsvProblems.NotFoundProblem($"Run {runId}");
}
