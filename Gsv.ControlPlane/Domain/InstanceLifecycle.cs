using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Domain;

/// <summary>
/// <c>PENDING → PROVISIONING → ACTIVE ⇄ SUSPENDED</c>; any non-terminal state → <c>TERMINATED</c>;
/// <c>PENDING|PROVISIONING → FAILED</c>; <c>FAILED → PROVISIONING</c> (retry). Nothing leaves <c>TERMINATED</c>.
/// </summary>
public static class InstanceLifecycle
{
    public static bool CanTransition(InstanceState from, InstanceState to) => (from, to) switch
    {
        (InstanceState.Terminated, _) => false,
        (_, InstanceState.Terminated) => true,
        (InstanceState.Pending, InstanceState.Provisioning or InstanceState.Failed) => true,
        (InstanceState.Provisioning, InstanceState.Active or InstanceState.Failed) => true,
        (InstanceState.Active, InstanceState.Suspended) => true,
        (InstanceState.Suspended, InstanceState.Active) => true,
        (InstanceState.Failed, InstanceState.Provisioning) => true,
        _ => false,
    };
}
