namespace Gsv.Provisioner.Data;

/// <summary>Retry bookkeeping of the reconciler for one instance: consecutive failures and when to try again.</summary>
public sealed class ReconcileFailure
{
    public Guid InstanceId { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }
}
