using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gsv.ControlPlane.Services;

public sealed class InstanceOptions
{
    public const string SectionName = "ControlPlane:Instances";

    /// <summary>How long a trial instance may run.</summary>
    public TimeSpan TrialDuration { get; set; } = TimeSpan.FromDays(14);
}

/// <summary>Instances: creation from a paid order line or a trial, and their lifecycle (every move recorded).</summary>
public sealed partial class InstanceService(
    ControlPlaneDbContext db, LedgerService ledger, TimeProvider time, IOptions<InstanceOptions> options, ILogger<InstanceService> logger)
{
    /// <summary>Creates the instance of a paid order line; the same order line again returns the existing one (<c>Created = false</c>).</summary>
    public async Task<(InstanceDto Instance, bool Created)> CreateFromOrderAsync(CreateInstanceRequest request, CancellationToken cancellationToken = default)
    {
        var existing = await FindByOrderLineAsync(request.OrderId, request.OrderLineId, cancellationToken);
        if (existing is not null)
        {
            return (existing, false);
        }

        if (!await db.Workspaces.AnyAsync(w => w.Id == request.WorkspaceId, cancellationToken))
        {
            throw ControlPlaneException.NotFound($"Workspace {request.WorkspaceId}");
        }

        var offering = Sellable(await db.Offerings.AsNoTracking().SingleOrDefaultAsync(o => o.Slug == request.OfferingSlug, cancellationToken)
            ?? throw ControlPlaneException.NotFound($"Offering '{FreeText.Excerpt(request.OfferingSlug)}'"));
        var instance = NewInstance(request.WorkspaceId, offering, isTrial: false);
        instance.ProductId = request.ProductId ?? offering.ProductId;
        instance.VariantId = request.VariantId;
        instance.OrderId = request.OrderId;
        instance.OrderLineId = request.OrderLineId;
        try
        {
            await AddAsync(instance, $"order {request.OrderId} line {request.OrderLineId}", cancellationToken);
        }
        catch (DbUpdateException exception) when (ControlPlaneDbContext.IsUniqueViolation(exception))
        {
            db.ChangeTracker.Clear();
            return (await FindByOrderLineAsync(request.OrderId, request.OrderLineId, cancellationToken)
                ?? throw ControlPlaneException.Conflict("The instance was created concurrently but cannot be found."), false);
        }

        LogCreated(logger, instance.Id, instance.OfferingSlug, instance.WorkspaceId, false);
        return (instance.ToDto(), true);
    }

    private async Task<InstanceDto?> FindByOrderLineAsync(string orderId, string orderLineId, CancellationToken cancellationToken) =>
        (await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.OrderId == orderId && i.OrderLineId == orderLineId, cancellationToken))?.ToDto();

    /// <summary>
    /// A trial instance of <paramref name="offeringSlug"/> in the workspace, with the offering's trial credits — once per
    /// workspace and offering (a unique index, not a prior check, is what guarantees it). The credits are spendable only
    /// by this instance and expire with it (<see cref="TrialCredit"/>).
    /// </summary>
    public async Task<InstanceDto> StartTrialAsync(Guid workspaceId, string offeringSlug, CancellationToken cancellationToken = default)
    {
        var offering = Sellable(await db.Offerings.AsNoTracking().SingleOrDefaultAsync(o => o.Slug == offeringSlug, cancellationToken)
            ?? throw ControlPlaneException.NotFound($"Offering '{offeringSlug}'"));
        if (offering.TrialCredits <= 0 || offering.FlowTemplate is null)
        {
            throw ControlPlaneException.Invalid($"Offering '{offeringSlug}' has no trial.");
        }

        if (await db.Instances.AnyAsync(i => i.WorkspaceId == workspaceId && i.OfferingSlug == offeringSlug && i.IsTrial, cancellationToken))
        {
            throw TrialAlreadyUsed(offeringSlug);
        }

        var instance = NewInstance(workspaceId, offering, isTrial: true);
        instance.TrialExpiresAt = instance.CreatedAt + options.Value.TrialDuration;
        try
        {
            await db.InTransactionAsync(async () =>
            {
                await AddAsync(instance, "trial", cancellationToken);
                await ledger.GrantAsync(
                    workspaceId, offering.TrialCredits, GrantKind.Trial, $"trial:{workspaceId}:{offeringSlug}",
                    $"Trial of {offering.Name}", cancellationToken);
                // Earmarked for this instance until the trial ends (the wallet is locked by the grant above).
                db.TrialCredits.Add(new TrialCredit
                {
                    InstanceId = instance.Id, WorkspaceId = workspaceId, Granted = offering.TrialCredits, Remaining = offering.TrialCredits,
                    ExpiresAt = instance.TrialExpiresAt.Value,
                });
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }, cancellationToken);
        }
        catch (DbUpdateException exception) when (ControlPlaneDbContext.IsUniqueViolation(exception))
        {
            db.ChangeTracker.Clear();
            throw TrialAlreadyUsed(offeringSlug);
        }

        LogCreated(logger, instance.Id, instance.OfferingSlug, instance.WorkspaceId, true);
        return instance.ToDto();
    }

    /// <summary>The offering, if an instance of it may be created (it has a price per run); else 422 <c>offering_not_sellable</c>.</summary>
    private static Offering Sellable(Offering offering) => offering.IsSellableInstance
        ? offering
        : throw new ControlPlaneException(
            GsvProblems.OfferingNotSellable, StatusCodes.Status422UnprocessableEntity, "Offering not sellable",
            $"Offering '{offering.Slug}' has no valid price per run, so no instance of it can be created.",
            new Dictionary<string, object?> { ["offering"] = offering.Slug });

    private static ControlPlaneException TrialAlreadyUsed(string offeringSlug) => new(
        GsvProblems.TrialAlreadyUsed, StatusCodes.Status409Conflict, "Trial already used",
        $"This workspace has already used its trial of '{offeringSlug}'. Buy it to keep using it.",
        new Dictionary<string, object?> { ["offering"] = offeringSlug });

    /// <summary>
    /// Moves the instance to <paramref name="request"/>.To under a row lock. An illegal move throws
    /// <c>illegal_transition</c> and changes nothing; the same state with an error only records the error.
    /// </summary>
    public Task<InstanceDto> TransitionAsync(Guid id, TransitionRequest request, CancellationToken cancellationToken = default) =>
        db.InTransactionAsync(async () =>
        {
            var instance = (await db.Instances.FromSql($"""SELECT * FROM instances WHERE "Id" = {id} FOR UPDATE""").ToListAsync(cancellationToken))
                .SingleOrDefault() ?? throw ControlPlaneException.NotFound($"Instance {id}");
            var now = time.GetUtcNow();
            if (request.To == instance.State && request.Error is not null)
            {
                instance.LastError = request.Error;
                instance.UpdatedAt = now;
                await db.SaveChangesAsync(cancellationToken);
                return instance.ToDto();
            }

            if (!InstanceLifecycle.CanTransition(instance.State, request.To))
            {
                throw new ControlPlaneException(
                    GsvProblems.IllegalTransition, StatusCodes.Status409Conflict, "Illegal transition",
                    $"An instance in state {Upper(instance.State)} cannot move to {Upper(request.To)}.",
                    new Dictionary<string, object?> { ["from"] = Upper(instance.State), ["to"] = Upper(request.To) });
            }

            db.InstanceTransitions.Add(new InstanceTransition { InstanceId = id, From = instance.State, To = request.To, Reason = request.Reason, At = now });
            instance.State = request.To;
            instance.UpdatedAt = now;
            instance.LangflowFlowId = request.LangflowFlowId ?? instance.LangflowFlowId;
            instance.KnowledgeBaseId = request.KnowledgeBaseId ?? instance.KnowledgeBaseId;
            if (request.To == InstanceState.Failed)
            {
                instance.LastError = request.Error ?? request.Reason ?? instance.LastError;
                instance.RetryCount++;
            }
            else if (request.Error is not null)
            {
                instance.LastError = request.Error;
            }

            await db.SaveChangesAsync(cancellationToken);
            LogTransition(logger, id, Upper(request.To), request.Reason);
            return instance.ToDto();
        }, cancellationToken);

    public async Task<IReadOnlyList<TransitionDto>> GetTransitionsAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.InstanceTransitions.AsNoTracking().Where(t => t.InstanceId == id).OrderBy(t => t.Id)
            .Select(t => new TransitionDto(t.From, t.To, t.Reason, t.At)).ToListAsync(cancellationToken);

    private Instance NewInstance(Guid workspaceId, Offering offering, bool isTrial)
    {
        var now = time.GetUtcNow();
        return new Instance
        {
            Id = Guid.CreateVersion7(now), WorkspaceId = workspaceId, OfferingSlug = offering.Slug, ProductId = offering.ProductId,
            Kind = offering.Kind, FlowTemplate = offering.FlowTemplate, CreditsPerRun = offering.CreditsPerRun, Knowledge = offering.Knowledge,
            Connectors = [.. offering.Connectors], State = InstanceState.Pending, IsTrial = isTrial, CreatedAt = now, UpdatedAt = now,
        };
    }

    private async Task AddAsync(Instance instance, string reason, CancellationToken cancellationToken)
    {
        db.Instances.Add(instance);
        db.InstanceTransitions.Add(new InstanceTransition { InstanceId = instance.Id, From = null, To = InstanceState.Pending, Reason = reason, At = instance.CreatedAt });
        await db.SaveChangesAsync(cancellationToken);
    }

    public static string Upper(InstanceState state) => state.ToString().ToUpperInvariant();

    [LoggerMessage(Level = LogLevel.Information, Message = "Created instance {InstanceId} of {Offering} in workspace {WorkspaceId} (trial {IsTrial})")]
    private static partial void LogCreated(ILogger logger, Guid instanceId, string offering, Guid workspaceId, bool isTrial);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} → {State} ({Reason})")]
    private static partial void LogTransition(ILogger logger, Guid instanceId, string state, string? reason);
}
