using System.Diagnostics.Metrics;

namespace Gsv.Provisioner.Observability;

/// <summary>
/// Meter <c>Gsv.Provisioner</c> (exported with the service defaults' <c>Gsv.*</c> meters): what ended in failure and what
/// an operator requeued. Failed orders and instances are also logged as errors.
/// </summary>
public sealed class ProvisionerMetrics
{
    public const string MeterName = "Gsv.Provisioner";

    private readonly Counter<long> _ordersFailed;
    private readonly Counter<long> _instancesFailed;
    private readonly Counter<long> _requeued;
    private readonly Counter<long> _transientFailures;

    public ProvisionerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _ordersFailed = meter.CreateCounter<long>("gsv.provisioner.orders.failed", description: "Paid orders marked failed in the inbox (permanent errors).");
        _instancesFailed = meter.CreateCounter<long>("gsv.provisioner.instances.failed", description: "Instances moved to FAILED by the reconciler.");
        _requeued = meter.CreateCounter<long>("gsv.provisioner.requeued", description: "Failed orders and instances put back to work by an administrator.");
        _transientFailures = meter.CreateCounter<long>("gsv.provisioner.transient_failures", description: "Attempts that met a transient fault and will be retried.");
    }

    public void OrderFailed() => _ordersFailed.Add(1);

    public void InstanceFailed() => _instancesFailed.Add(1);

    public void Requeued(string what) => _requeued.Add(1, new KeyValuePair<string, object?>("what", what));

    public void TransientFailure(string what) => _transientFailures.Add(1, new KeyValuePair<string, object?>("what", what));
}
