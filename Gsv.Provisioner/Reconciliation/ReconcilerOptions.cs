namespace Gsv.Provisioner.Reconciliation;

/// <summary>Section <c>Reconciler</c>.</summary>
public sealed class ReconcilerOptions
{
    public const string SectionName = "Reconciler";

    /// <summary>How often desired and deployed state are compared when nothing wakes the reconciler earlier.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Delay after the first failed deployment; doubles per failure up to <see cref="MaxBackoff"/>. With the defaults,
    /// <see cref="MaxFailures"/> failures span about four minutes: a runtime restart does not fail instances.
    /// </summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After this many consecutive failed deployments the instance is <c>FAILED</c> — unless the failures are transient
    /// faults (Langflow or RAGFlow unreachable, 5xx, timeouts), which are retried without limit.
    /// </summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>Instances per page read from the Control Plane (1–1000; every page is read, small values only cost round trips).</summary>
    public int PageSize { get; set; } = 500;
}

/// <summary>Wakes the reconciler when a manifest was just committed.</summary>
public sealed class ReconcilerSignal
{
    public Inbox.WakeUpSignal WakeUp { get; } = new();
}
