using Gsv.ControlPlane.Client;
using Gsv.Provisioner.GitOps;
using Gsv.Provisioner.Reconciliation;

namespace Gsv.Provisioner.Orders;

/// <summary>
/// Hands a new (<c>PENDING</c>) instance over to GitOps: its manifest is committed to the desired-state repository,
/// then it moves to <c>PROVISIONING</c> and the reconciler takes over. Safe to repeat at any point.
/// </summary>
public sealed partial class InstanceProvisioning(
    DesiredState desiredState, ControlPlaneClient controlPlane, ReconcilerSignal reconciler, ILogger<InstanceProvisioning> logger)
{
    public async Task<InstanceDto> RequestAsync(InstanceDto instance, CancellationToken cancellationToken)
    {
        if (instance.State != InstanceState.Pending)
        {
            return instance;
        }

        var commit = await desiredState.DeclareAsync(instance, cancellationToken);
        try
        {
            instance = await controlPlane.TransitionInstanceAsync(
                instance.Id,
                new TransitionRequest(InstanceState.Provisioning, $"desired state committed to the GitOps repository{(commit is null ? "" : $" ({commit[..12]})")}"),
                cancellationToken);
            LogRequested(logger, instance.Id, commit);
        }
        catch (IllegalTransitionException)
        {
            // Moved on concurrently (the reconciler, or another delivery): whatever it is now is the truth.
            instance = await controlPlane.GetInstanceAsync(instance.Id, cancellationToken) ?? instance;
        }

        reconciler.WakeUp.Notify();
        return instance;
    }

    [LoggerMessage(LogLevel.Information, "Instance {InstanceId} declared in GitOps (commit {Commit}) and PROVISIONING")]
    private static partial void LogRequested(ILogger logger, Guid instanceId, string? commit);
}
