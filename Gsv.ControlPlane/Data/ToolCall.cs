namespace Gsv.ControlPlane.Data;

/// <summary>One audited tool call of an instance: what was called and how it ended; never its arguments, result or credentials.</summary>
public sealed class ToolCall
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public Guid WorkspaceId { get; set; }

    public required string ConnectorKey { get; set; }

    public required string Tool { get; set; }

    public required string Outcome { get; set; }

    public int? UpstreamStatus { get; set; }

    public long DurationMs { get; set; }

    public Guid? RunId { get; set; }

    /// <summary>Why it failed or was refused, in the platform's words or the upstream's message (never a credential).</summary>
    public string? Error { get; set; }

    public DateTimeOffset At { get; set; }
}
