using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Data;

/// <summary>One finished run of an instance, recorded by the Gateway.</summary>
public sealed class Run
{
    public Guid RunId { get; set; }

    public Guid InstanceId { get; set; }

    public Guid WorkspaceId { get; set; }

    public required string Caller { get; set; }

    /// <summary>In the column as on the wire: <c>succeeded</c> or <c>failed</c>.</summary>
    public required RunStatus Status { get; set; }

    public long CreditsCharged { get; set; }

    public long DurationMs { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    public string? Error { get; set; }

    /// <summary>The knowledge documents whose chunks the run was given (knowledge offerings only).</summary>
    public List<string>? CitedDocumentIds { get; set; }

    /// <summary>The record of a finished run as the Gateway sent it, charged <paramref name="creditsCharged"/>.</summary>
    public static Run From(RunDto record, long creditsCharged) => new()
    {
        RunId = record.RunId, InstanceId = record.InstanceId, WorkspaceId = record.WorkspaceId, Caller = record.Caller, Status = record.Status,
        CreditsCharged = creditsCharged, DurationMs = record.DurationMs, StartedAt = record.StartedAt, FinishedAt = record.FinishedAt,
        Error = record.Error, CitedDocumentIds = record.CitedDocumentIds is { Count: > 0 } cited ? [.. cited] : null,
    };

    public RunDto ToDto() => new(
        RunId, InstanceId, WorkspaceId, Caller, Status, CreditsCharged, DurationMs, StartedAt, FinishedAt, Error, CitedDocumentIds);
}
