namespace Gsv.Provisioner.Inbox;

/// <summary>Section <c>Inbox</c>: how the worker polls and retries.</summary>
public sealed class InboxOptions
{
    public const string SectionName = "Inbox";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First retry delay after a transient failure; doubles each attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Unexplained failures (neither permanent nor a transient fault, see <c>TransientFaults</c>) beyond this many attempts
    /// mark the event failed; transient faults are retried without limit.
    /// </summary>
    public int MaxAttempts { get; set; } = 20;

    public static TimeSpan Backoff(TimeSpan initial, TimeSpan max, int attempt)
    {
        var seconds = initial.TotalSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, max.TotalSeconds));
    }
}
