using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Data;

/// <summary>One buyer's running copy of an offering, in a workspace.</summary>
public sealed class Instance
{
    public Guid Id { get; set; }

    public Guid WorkspaceId { get; set; }

    public required string OfferingSlug { get; set; }

    public string? ProductId { get; set; }

    public string? VariantId { get; set; }

    public required string Kind { get; set; }

    public string? FlowTemplate { get; set; }

    public long CreditsPerRun { get; set; }

    public bool Knowledge { get; set; }

    public List<string> Connectors { get; set; } = [];

    public InstanceState State { get; set; }

    public bool IsTrial { get; set; }

    public DateTimeOffset? TrialExpiresAt { get; set; }

    public string? OrderId { get; set; }

    public string? OrderLineId { get; set; }

    public string? LangflowFlowId { get; set; }

    public string? KnowledgeBaseId { get; set; }

    public string? LastError { get; set; }

    public int RetryCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public InstanceDto ToDto() => new(
        Id, WorkspaceId, OfferingSlug, ProductId, VariantId, Kind, FlowTemplate, CreditsPerRun, Knowledge, Connectors, State, IsTrial,
        TrialExpiresAt, OrderId, OrderLineId, LangflowFlowId, KnowledgeBaseId, LastError, RetryCount, CreatedAt, UpdatedAt);
}

/// <summary>A recorded lifecycle step (creation has no <see cref="From"/>).</summary>
public sealed class InstanceTransition
{
    public long Id { get; set; }

    public Guid InstanceId { get; set; }

    public InstanceState? From { get; set; }

    public InstanceState To { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset At { get; set; }
}
