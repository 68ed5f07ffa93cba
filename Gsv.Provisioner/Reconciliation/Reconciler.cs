using System.Diagnostics;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Provisioner.Data;
using Gsv.Provisioner.GitOps;
using Gsv.Provisioner.Inbox;
using Gsv.Provisioner.Observability;
using Gsv.Provisioner.Offerings;
using Gsv.Provisioner.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gsv.Provisioner.Reconciliation;

/// <summary>
/// Converges what is deployed (Control Plane instance records, Langflow flows, RAGFlow datasets of knowledge instances) on the desired state committed in the
/// GitOps repository: a manifest whose instance is <c>PROVISIONING</c> gets its flow (and knowledge base) deployed and the instance
/// <c>ACTIVE</c>; a deployed instance whose manifest was removed loses its flow and knowledge base and is <c>TERMINATED</c>; a
/// <c>PENDING</c> trial is declared, and a <c>PENDING</c> instance whose manifest is already committed moves on. Failed deployments stay
/// <c>PROVISIONING</c> with the last error and are retried with jittered backoff: without limit while the cause is a
/// transient fault, else <c>FAILED</c> after N failures (at once when retrying cannot help).
/// </summary>
public sealed partial class Reconciler(
    IServiceScopeFactory scopes, DesiredState desiredState, ReconcilerSignal signal, IOptions<ReconcilerOptions> options,
    OfferingSyncState offerings, TimeProvider time, ProvisionerMetrics metrics, ILogger<Reconciler> logger) : BackgroundService
{
    private static readonly ActivitySource Activity = new("Gsv.Provisioner.Reconciler");
    private static readonly InstanceState[] InProgress = [InstanceState.Pending, InstanceState.Provisioning];

    /// <summary>Ids per lookup of removed instances (they travel in the query string).</summary>
    private const int LookupChunk = 50;

    // Removed manifests as of a repository HEAD (re-read when HEAD moves), and those whose instance needs nothing more.
    private readonly HashSet<Guid> _settled = [];
    private IReadOnlySet<Guid> _removed = new HashSet<Guid>();
    private string? _removedAtHead;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass waits until the Provisioner is ready (catalog bootstrapped, offerings synced), like the order
        // workers: an instance is of a synced offering, and this work (git, the Control Plane, EF Core's first queries)
        // would otherwise share the CPU with the start it is not part of.
        await offerings.WhenSyncedAsync(stoppingToken);
        await SeedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e.Message);
            }

            await signal.WakeUp.WaitAsync(options.Value.Interval, stoppingToken);
        }
    }

    private async Task SeedAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await desiredState.SeedFlowTemplatesAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSeedFailed(logger, attempt, e);
                await Task.Delay(InboxOptions.Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), attempt), time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// One comparison of desired and deployed state, acting on every difference found. Only instances that may need work
    /// are read, page by page: those <c>PENDING</c> or <c>PROVISIONING</c>, and those whose manifest was removed.
    /// </summary>
    public async Task ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = Activity.StartActivity("reconcile");
        await using var scope = scopes.CreateAsyncScope();
        var controlPlane = scope.ServiceProvider.GetRequiredService<ControlPlaneClient>();
        var pageSize = Math.Clamp(options.Value.PageSize, 1, 1000);

        // Instances before manifests: an instance PROVISIONING at this point was committed before, so its manifest is read.
        // Instances never declared in the repository (e.g. created directly through the Control Plane API) are left alone.
        var instances = new List<InstanceDto>();
        await foreach (var instance in controlPlane.EnumerateInstancesAsync(InProgress, pageSize: pageSize, cancellationToken: cancellationToken))
        {
            instances.Add(instance);
        }

        var manifests = await desiredState.ReadManifestsAsync(cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<ProvisionerDbContext>();
        var failures = await db.ReconcileFailures.ToDictionaryAsync(f => f.InstanceId, cancellationToken);
        FlowTemplates? templates = null;

        foreach (var instance in instances)
        {
            manifests.TryGetValue(instance.Id, out var manifest);
            await ActOnAsync(instance, async () =>
            {
                switch (instance.State)
                {
                    // Paid instances are declared by the order processing; trials (created by the Control Plane) here.
                    case InstanceState.Pending when manifest is null && instance.IsTrial:
                        await scope.ServiceProvider.GetRequiredService<InstanceProvisioning>().RequestAsync(instance, cancellationToken);
                        break;
                    // Declared, but the order processing stopped before moving it on.
                    case InstanceState.Pending when manifest is not null:
                        await controlPlane.TransitionInstanceAsync(
                            instance.Id, new TransitionRequest(InstanceState.Provisioning, "manifest found in the GitOps repository"), cancellationToken);
                        signal.WakeUp.Notify();
                        break;
                    case InstanceState.Provisioning when manifest is not null:
                        failures.TryGetValue(instance.Id, out var failure);
                        if (failure is null || failure.NextAttemptAt <= time.GetUtcNow())
                        {
                            templates ??= desiredState.ReadFlowTemplates();
                            await DeployAsync(scope.ServiceProvider, db, instance, manifest, templates, failure, cancellationToken);
                        }

                        break;
                }
            }, cancellationToken);
        }

        await TerminateRemovedAsync(scope.ServiceProvider, controlPlane, manifests, pageSize, cancellationToken);
    }

    /// <summary>
    /// Instances this repository declared and then dropped lose their flow and are terminated; others were never
    /// GitOps-managed. Only removed manifests not yet seen settled (terminal or unknown) are looked up.
    /// </summary>
    private async Task TerminateRemovedAsync(
        IServiceProvider services, ControlPlaneClient controlPlane, IReadOnlyDictionary<Guid, InstanceManifest> manifests, int pageSize,
        CancellationToken cancellationToken)
    {
        var head = await desiredState.Repository.ReadHeadAsync(cancellationToken);
        if (head != _removedAtHead)
        {
            _removed = await desiredState.ReadRemovedAsync(cancellationToken);
            _removedAtHead = head;
        }

        var candidates = _removed.Where(id => !manifests.ContainsKey(id) && !_settled.Contains(id)).ToList();
        foreach (var chunk in candidates.Chunk(LookupChunk))
        {
            var found = new HashSet<Guid>();
            await foreach (var instance in controlPlane.EnumerateInstancesAsync(ids: chunk, pageSize: pageSize, cancellationToken: cancellationToken))
            {
                found.Add(instance.Id);
                if (instance.State is InstanceState.Provisioning or InstanceState.Active or InstanceState.Suspended)
                {
                    await ActOnAsync(instance, () => TerminateAsync(services, instance, cancellationToken), cancellationToken);
                }
                else if (instance.State is InstanceState.Terminated or InstanceState.Failed)
                {
                    _settled.Add(instance.Id);
                }
            }

            _settled.UnionWith(chunk.Where(id => !found.Contains(id)));
        }
    }

    /// <summary>One instance's failure is logged and retried next pass; it does not stop the others.</summary>
    private async Task ActOnAsync(InstanceDto instance, Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogInstanceFailed(logger, instance.Id, instance.State, e.Message);
        }
    }

    private async Task DeployAsync(
        IServiceProvider services, ProvisionerDbContext db, InstanceDto instance, InstanceManifest manifest, FlowTemplates templates,
        ReconcileFailure? failure, CancellationToken cancellationToken)
    {
        var controlPlane = services.GetRequiredService<ControlPlaneClient>();
        Guid flowId;
        string? knowledgeBaseId = null;
        try
        {
            flowId = await services.GetRequiredService<InstanceDeployer>().DeployAsync(manifest, templates, cancellationToken);
            if (instance.Knowledge)
            {
                knowledgeBaseId = await services.GetRequiredService<KnowledgeBaseDeployer>().DeployAsync(instance, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await RecordFailureAsync(db, controlPlane, instance, failure, e, cancellationToken);
            return;
        }

        await controlPlane.TransitionInstanceAsync(
            instance.Id,
            new TransitionRequest(InstanceState.Active, knowledgeBaseId is null ? "flow deployed to Langflow" : "flow deployed to Langflow, knowledge base created in RAGFlow",
                LangflowFlowId: flowId.ToString(), KnowledgeBaseId: knowledgeBaseId),
            cancellationToken);
        if (failure is not null)
        {
            db.ReconcileFailures.Remove(failure);
            await db.SaveChangesAsync(cancellationToken);
        }

        LogActive(logger, instance.Id, flowId);
    }

    private async Task RecordFailureAsync(
        ProvisionerDbContext db, ControlPlaneClient controlPlane, InstanceDto instance, ReconcileFailure? failure, Exception error, CancellationToken cancellationToken)
    {
        if (failure is null)
        {
            failure = new ReconcileFailure { InstanceId = instance.Id };
            db.ReconcileFailures.Add(failure);
        }

        failure.Failures++;
        failure.LastError = $"deployment failed: {error.Message}";
        failure.NextAttemptAt = time.GetUtcNow() + TransientFaults.JitteredBackoff(options.Value.InitialBackoff, options.Value.MaxBackoff, failure.Failures);
        // What retrying cannot fix fails at once; a transient fault (Langflow or RAGFlow down, slow, overloaded) never
        // fails the instance, however long it lasts; anything else after MaxFailures attempts.
        var giveUp = error is MissingFlowTemplateException or MissingComponentException
            || !TransientFaults.IsTransient(error) && failure.Failures >= options.Value.MaxFailures;
        await db.SaveChangesAsync(cancellationToken);

        if (giveUp)
        {
            await controlPlane.TransitionInstanceAsync(
                instance.Id, new TransitionRequest(InstanceState.Failed, $"gave up after {failure.Failures} failed deployments", Error: failure.LastError), cancellationToken);
            db.ReconcileFailures.Remove(failure);
            await db.SaveChangesAsync(cancellationToken);
            metrics.InstanceFailed();
            LogFailed(logger, instance.Id, failure.Failures, failure.LastError);
        }
        else
        {
            // Same state + error: the Control Plane only records the error (retry bookkeeping).
            await controlPlane.TransitionInstanceAsync(
                instance.Id, new TransitionRequest(InstanceState.Provisioning, "deployment failed, will retry", Error: failure.LastError), cancellationToken);
            metrics.TransientFailure("instance");
            LogRetry(logger, instance.Id, failure.Failures, failure.NextAttemptAt, failure.LastError);
        }
    }

    private async Task TerminateAsync(IServiceProvider services, InstanceDto instance, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<InstanceDeployer>().DeleteAsync(instance, cancellationToken);
        if (instance.Knowledge)
        {
            await services.GetRequiredService<KnowledgeBaseDeployer>().DeleteAsync(instance, cancellationToken);
        }

        await services.GetRequiredService<ControlPlaneClient>().TransitionInstanceAsync(
            instance.Id, new TransitionRequest(InstanceState.Terminated, "manifest removed from the GitOps repository"), cancellationToken);
        LogTerminated(logger, instance.Id);
    }

    [LoggerMessage(LogLevel.Information, "Instance {InstanceId} ACTIVE with Langflow flow {FlowId}")]
    private static partial void LogActive(ILogger logger, Guid instanceId, Guid flowId);

    [LoggerMessage(LogLevel.Warning, "Instance {InstanceId}: failure {Failures}, next attempt at {NextAttemptAt}: {Error}")]
    private static partial void LogRetry(ILogger logger, Guid instanceId, int failures, DateTimeOffset nextAttemptAt, string? error);

    [LoggerMessage(LogLevel.Error, "Instance {InstanceId} FAILED after {Failures} failures: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid instanceId, int failures, string? error);

    [LoggerMessage(LogLevel.Information, "Instance {InstanceId} TERMINATED: its manifest was removed")]
    private static partial void LogTerminated(ILogger logger, Guid instanceId);

    [LoggerMessage(LogLevel.Warning, "Reconciling instance {InstanceId} ({State}) failed: {Error}")]
    private static partial void LogInstanceFailed(ILogger logger, Guid instanceId, InstanceState state, string error);

    [LoggerMessage(LogLevel.Warning, "Reconciliation pass failed: {Error}")]
    private static partial void LogPassFailed(ILogger logger, string error);

    [LoggerMessage(LogLevel.Warning, "Seeding flow templates into the GitOps repository failed (attempt {Attempt})")]
    private static partial void LogSeedFailed(ILogger logger, int attempt, Exception exception);
}
