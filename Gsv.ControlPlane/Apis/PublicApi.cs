using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Services;
using Gsv.ServiceDefaults.Authentication;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Apis;

/// <summary><c>/api/v1</c>: what a signed-in buyer sees, always limited to their workspaces (else 404).</summary>
public static class PublicApi
{
    public static IEndpointRouteBuilder MapPublicApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Public").RequireAuthorization(GsvPolicies.Buyer).AddEndpointFilter(Caller.ResolveAsync)
            .WithMetadata(new BodySizeLimit(BodySizeLimit.Command)).ProducesAccessProblems();

        api.MapGet("/me", GetMeAsync);
        api.MapGet("/workspaces", GetWorkspacesAsync);
        api.MapGet("/instances", ListInstancesAsync);
        api.MapGet("/instances/{id:guid}", GetInstanceAsync);
        api.MapPost("/instances/trial", StartTrialAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/wallet", GetWalletAsync).ProducesValidationProblem();
        api.MapGet("/wallet/ledger", GetLedgerAsync).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/wallet/ledger/{entryId:guid}", GetLedgerEntryAsync);
        api.MapGet("/wallet/events", GetWalletEventsAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/wallet/low-credit", GetLowCreditAsync).ProducesValidationProblem();
        api.MapPut("/wallet/low-credit", SetLowCreditAsync).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/instances/{id:guid}/api-keys", CreateApiKeyAsync).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/instances/{id:guid}/api-keys", ListApiKeysAsync);
        api.MapDelete("/instances/{id:guid}/api-keys/{keyId:guid}", RevokeApiKeyAsync);
        api.MapGet("/runs", ListRunsAsync);
        api.MapGet("/runs/{runId:guid}", GetRunAsync);
        return app;
    }

    private static async Task<MeDto> GetMeAsync(Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        new(caller.User.Id, caller.User.Sub, caller.User.Email, caller.User.Name, await WorkspacesAsync(caller, db, cancellationToken));

    private static Task<List<WorkspaceDto>> GetWorkspacesAsync(Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        WorkspacesAsync(caller, db, cancellationToken);

    private static Task<List<WorkspaceDto>> WorkspacesAsync(Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        db.Memberships.AsNoTracking().Where(m => m.UserId == caller.User.Id)
            .Join(db.Workspaces, m => m.WorkspaceId, w => w.Id, (m, w) => new { w.Id, w.Name, m.Role })
            .OrderBy(w => w.Id).Select(w => new WorkspaceDto(w.Id, w.Name, w.Role)).ToListAsync(cancellationToken);

    private static async Task<List<InstanceDto>> ListInstancesAsync(Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        (await db.Instances.AsNoTracking().Where(i => caller.WorkspaceIds.Contains(i.WorkspaceId)).OrderByDescending(i => i.CreatedAt)
            .ToListAsync(cancellationToken)).ConvertAll(i => i.ToDto());

    private static async Task<Results<Ok<InstanceDto>, NotFoundProblem>> GetInstanceAsync(Guid id, Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        await FindInstanceAsync(id, caller, db, cancellationToken) is { } instance
            ? TypedResults.Ok(instance.ToDto())
            : GsvProblems.NotFoundProblem($"Instance {id}");

    private static Task<Instance?> FindInstanceAsync(Guid id, Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id && caller.WorkspaceIds.Contains(i.WorkspaceId), cancellationToken);

    private static async Task<Results<Created<InstanceDto>, ValidationProblem>> StartTrialAsync(
        CreateTrialRequest request, Caller caller, InstanceService instances, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Offering) || request.Offering.Length > 100
            || !request.Offering.All(c => char.IsLetterOrDigit(c) || c is '-' or '_'))
        {
            return GsvProblems.Invalid("offering", "An offering slug (1 to 100 letters, digits, '-' or '_') is required.");
        }

        var instance = await instances.StartTrialAsync(caller.Workspace(request.WorkspaceId), request.Offering, cancellationToken);
        return TypedResults.Created($"/api/v1/instances/{instance.Id}", instance);
    }

    private static async Task<Results<Ok<WalletDto>, NotFoundProblem>> GetWalletAsync(Guid? workspaceId, Caller caller, LedgerService ledger, CancellationToken cancellationToken) =>
        await ledger.GetWalletAsync(caller.Workspace(workspaceId), cancellationToken) is { } wallet
            ? TypedResults.Ok(wallet)
            : GsvProblems.NotFoundProblem("The wallet");

    private static async Task<Results<Ok<LedgerPageDto>, ValidationProblem>> GetLedgerAsync(
        Guid? workspaceId, int? page, int? pageSize, string? kind, Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        var (p, size) = (page ?? 1, pageSize ?? 50);
        if (PageProblem(p, size) is { } problem)
        {
            return problem;
        }

        LedgerEntryKind wanted = default;
        if (kind is not null && !EnumWireNames.TryParse(kind, out wanted))
        {
            return GsvProblems.Invalid("kind", $"kind is one of {string.Join(", ", EnumWireNames.All<LedgerEntryKind>())}.");
        }

        var workspace = caller.Workspace(workspaceId);
        var entries = db.LedgerEntries.AsNoTracking().Where(e => e.WorkspaceId == workspace);
        if (kind is not null)
        {
            entries = entries.Where(e => e.Kind == wanted);
        }

        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Skip((p - 1) * size).Take(size)
            .Select(e => new LedgerEntryDto(e.Id, e.Kind, e.Amount, e.Reason, e.IdempotencyKey, e.RunId, e.CreatedAt, e.GrantKind))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new LedgerPageDto(items, p, size, total));
    }

    private static async Task<Results<Ok<LedgerEntryDto>, NotFoundProblem>> GetLedgerEntryAsync(Guid entryId, Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        await db.LedgerEntries.AsNoTracking().Where(e => e.Id == entryId && caller.WorkspaceIds.Contains(e.WorkspaceId))
            .Select(e => new LedgerEntryDto(e.Id, e.Kind, e.Amount, e.Reason, e.IdempotencyKey, e.RunId, e.CreatedAt, e.GrantKind))
            .SingleOrDefaultAsync(cancellationToken) is { } entry
            ? TypedResults.Ok(entry)
            : GsvProblems.NotFoundProblem($"Ledger entry {entryId}");

    private static async Task<List<WalletEventDto>> GetWalletEventsAsync(
        Guid? workspaceId, Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        var workspace = caller.Workspace(workspaceId);
        return await db.WalletEvents.AsNoTracking().Where(e => e.WorkspaceId == workspace).OrderBy(e => e.Id)
            .Select(e => new WalletEventDto(e.Kind, e.Balance, e.Threshold, e.CreatedAt)).ToListAsync(cancellationToken);
    }

    private static async Task<Results<Ok<LowCreditSettingsDto>, NotFoundProblem>> GetLowCreditAsync(Guid? workspaceId, Caller caller, LedgerService ledger, CancellationToken cancellationToken) =>
        await ledger.GetLowCreditAsync(caller.Workspace(workspaceId), cancellationToken) is { } settings
            ? TypedResults.Ok(settings)
            : GsvProblems.NotFoundProblem("The wallet");

    private static async Task<Results<Ok<LowCreditSettingsDto>, ValidationProblem>> SetLowCreditAsync(
        Guid? workspaceId, LowCreditSettingsRequest request, Caller caller, LedgerService ledger, CancellationToken cancellationToken)
    {
        if (request.Threshold is < 0 or > LowCreditSettingsRequest.MaxThreshold)
        {
            return GsvProblems.Invalid(
                "threshold", $"A threshold from 0 to {LowCreditSettingsRequest.MaxThreshold} credits, or null for the default (20% of the largest top-up).");
        }

        return TypedResults.Ok(await ledger.SetLowCreditAsync(caller.Workspace(workspaceId), request.Threshold, cancellationToken));
    }

    private static async Task<Results<Created<CreatedApiKeyDto>, ValidationProblem, NotFoundProblem>> CreateApiKeyAsync(
        Guid id, CreateApiKeyRequest request, Caller caller, ControlPlaneDbContext db, ApiKeyService keys, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100 || FreeText.HasForbidden(request.Name))
        {
            return GsvProblems.Invalid("name", "A name of 1 to 100 characters, without control characters or bidirectional overrides, is required.");
        }

        if (await FindInstanceAsync(id, caller, db, cancellationToken) is not { } instance)
        {
            return GsvProblems.NotFoundProblem($"Instance {id}");
        }

        var created = await keys.CreateAsync(instance, request.Name.Trim(), cancellationToken);
        return TypedResults.Created($"/api/v1/instances/{id}/api-keys/{created.Id}", created);
    }

    private static async Task<Results<Ok<List<ApiKeyDto>>, NotFoundProblem>> ListApiKeysAsync(Guid id, Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        if (await FindInstanceAsync(id, caller, db, cancellationToken) is null)
        {
            return GsvProblems.NotFoundProblem($"Instance {id}");
        }

        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.InstanceId == id).OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(keys.ConvertAll(ApiKeyService.ToDto));
    }

    private static async Task<Results<NoContent, NotFoundProblem>> RevokeApiKeyAsync(
        Guid id, Guid keyId, Caller caller, ControlPlaneDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(
            k => k.Id == keyId && k.InstanceId == id && caller.WorkspaceIds.Contains(k.WorkspaceId), cancellationToken);
        if (key is null)
        {
            return GsvProblems.NotFoundProblem($"API key {keyId}");
        }

        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Newest first: the 500 newest without paging, else page <paramref name="page"/> of <paramref name="pageSize"/> (default 1 and 50).</summary>
    private static async Task<Results<Ok<List<RunDto>>, ValidationProblem>> ListRunsAsync(
        Guid? instanceId, int? page, int? pageSize, Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken)
    {
        var (p, size) = page is null && pageSize is null ? (1, 500) : (page ?? 1, pageSize ?? 50);
        if ((page is not null || pageSize is not null) && PageProblem(p, size) is { } problem)
        {
            return problem;
        }

        var runs = db.Runs.AsNoTracking().Where(r => caller.WorkspaceIds.Contains(r.WorkspaceId));
        if (instanceId is { } instance)
        {
            runs = runs.Where(r => r.InstanceId == instance);
        }

        var items = await runs.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.RunId).Skip((p - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(items.ConvertAll(r => r.ToDto()));
    }

    /// <summary>page ≥ 1 and 1 ≤ pageSize ≤ 200; the offset in 64 bits, as page × pageSize past int's range would wrap to a negative offset.</summary>
    private static ValidationProblem? PageProblem(int page, int size) =>
        page < 1 || size is < 1 or > 200 || (page - 1L) * size > int.MaxValue
            ? GsvProblems.Invalid("page", "page ≥ 1, 1 ≤ pageSize ≤ 200, (page − 1) × pageSize ≤ 2147483647.")
            : null;

    private static async Task<Results<Ok<RunDto>, NotFoundProblem>> GetRunAsync(Guid runId, Caller caller, ControlPlaneDbContext db, CancellationToken cancellationToken) =>
        await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.RunId == runId && caller.WorkspaceIds.Contains(r.WorkspaceId), cancellationToken)
            is { } run
            ? TypedResults.Ok(run.ToDto())
            : GsvProblems.NotFoundProblem($"Run {runId}");
}
