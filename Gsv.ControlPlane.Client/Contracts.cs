using System.Text.Json.Serialization;

namespace Gsv.ControlPlane.Client;

// Shapes of docs/controlplane-api.md. The Control Plane serializes these very records, so client and server agree.

public sealed record InstanceDto(
    Guid Id,
    Guid WorkspaceId,
    string OfferingSlug,
    string? ProductId,
    string? VariantId,
    string Kind,
    string? FlowTemplate,
    long CreditsPerRun,
    bool Knowledge,
    IReadOnlyList<string> Connectors,
    InstanceState State,
    bool IsTrial,
    DateTimeOffset? TrialExpiresAt,
    string? OrderId,
    string? OrderLineId,
    string? LangflowFlowId,
    string? KnowledgeBaseId,
    string? LastError,
    int RetryCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A workspace's credits; <c>UpdatedAt</c> is the time of its last change (later changes have later times).</summary>
public sealed record WalletDto(Guid WorkspaceId, long Balance, long Held, long Available, bool Low, long LowThreshold, DateTimeOffset UpdatedAt);

public sealed record LedgerEntryDto(
    Guid Id, LedgerEntryKind Kind, long Amount, string? Reason, string IdempotencyKey, Guid? RunId, DateTimeOffset CreatedAt, GrantKind? GrantKind);

public sealed record LedgerPageDto(IReadOnlyList<LedgerEntryDto> Items, int Page, int PageSize, int Total);

public sealed record WalletEventDto(WalletEventKind Kind, long Balance, long Threshold, DateTimeOffset CreatedAt);

/// <summary>
/// How a wallet's balance crossed its low threshold; on the wire (and in the database columns) <c>low</c>,
/// <c>resolved</c> or <c>empty</c>.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<WalletEventKind>))]
public enum WalletEventKind
{
    /// <summary>The balance went below the threshold.</summary>
    [JsonStringEnumMemberName("low")]
    Low,

    /// <summary>The balance came back to the threshold or above.</summary>
    [JsonStringEnumMemberName("resolved")]
    Resolved,

    /// <summary>The balance reached zero.</summary>
    [JsonStringEnumMemberName("empty")]
    Empty,
}

public sealed record WorkspaceDto(Guid Id, string Name, string Role);

public sealed record MeDto(Guid UserId, string? Sub, string? Email, string? Name, IReadOnlyList<WorkspaceDto> Workspaces);

public sealed record CreateTrialRequest(string Offering, Guid? WorkspaceId = null);

public sealed record CreateApiKeyRequest(string Name);

public sealed record CreatedApiKeyDto(Guid Id, Guid InstanceId, string Name, string Prefix, string Key, DateTimeOffset CreatedAt);

public sealed record ApiKeyDto(
    Guid Id, Guid InstanceId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record RunDto(
    Guid RunId,
    Guid InstanceId,
    Guid WorkspaceId,
    string Caller,
    RunStatus Status,
    long CreditsCharged,
    long DurationMs,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string? Error,
    IReadOnlyList<string>? CitedDocumentIds = null);

/// <summary>How many instances of an offering came from orders.</summary>
public sealed record OfferingSalesDto(string Offering, int Sold);

public sealed record UpsertOfferingRequest(
    string? ProductId,
    string Name,
    string Kind,
    string? FlowTemplate,
    long CreditsPerRun,
    long IncludedCredits,
    long TrialCredits,
    IReadOnlyList<string>? Connectors,
    bool Knowledge);

public sealed record OfferingDto(
    string Slug,
    string? ProductId,
    string Name,
    string Kind,
    string? FlowTemplate,
    long CreditsPerRun,
    long IncludedCredits,
    long TrialCredits,
    IReadOnlyList<string> Connectors,
    bool Knowledge,
    DateTimeOffset UpdatedAt);

public sealed record FindOrCreateUserRequest(string Email);

public sealed record FindOrCreateUserResult(Guid UserId, string Email, bool Pending, Guid WorkspaceId);

public sealed record CreateInstanceRequest(
    Guid WorkspaceId, string OfferingSlug, string? ProductId, string? VariantId, string OrderId, string OrderLineId);

public sealed record TransitionRequest(
    InstanceState To, string? Reason, string? LangflowFlowId = null, string? KnowledgeBaseId = null, string? Error = null);

public sealed record TransitionDto(InstanceState? From, InstanceState To, string? Reason, DateTimeOffset At);

/// <summary>
/// What a ledger entry does (<c>GET /wallet/ledger?kind=</c>); amounts are positive, the kind gives the direction. On the
/// wire, in the query and in the database column, as its name in lower case (<see cref="EnumWireNames"/>).
/// </summary>
[JsonConverter(typeof(WireEnumConverter<LedgerEntryKind>))]
public enum LedgerEntryKind
{
    [JsonStringEnumMemberName("grant")]
    Grant,

    [JsonStringEnumMemberName("hold")]
    Hold,

    [JsonStringEnumMemberName("capture")]
    Capture,

    [JsonStringEnumMemberName("release")]
    Release,

    [JsonStringEnumMemberName("refund")]
    Refund,

    /// <summary>Trial credits left when their trial ended, taken out of the balance.</summary>
    [JsonStringEnumMemberName("expire")]
    Expire,
}

/// <summary>The kinds of offering (Saleor attribute <c>gsv-kind</c>) the platform treats apart.</summary>
public static class OfferingKinds
{
    /// <summary>A pack of credits: bought, never run, so it has no price per run and no instance.</summary>
    public const string CreditPack = "credit-pack";

    /// <summary>The kinds that run (agents, apps, assistants, automations): each bought line becomes an instance.</summary>
    public static readonly IReadOnlySet<string> Runnable = new HashSet<string>(StringComparer.Ordinal) { "agent", "app", "assistant", "automation" };
}

/// <summary>
/// Why credits were granted (a ledger entry's <c>grantKind</c>). On the wire and in the database column by its wire name
/// (<see cref="EnumWireNames"/>).
/// </summary>
[JsonConverter(typeof(WireEnumConverter<GrantKind>))]
public enum GrantKind
{
    /// <summary>Credits that came with an offering bought in the marketplace.</summary>
    [JsonStringEnumMemberName("purchase")]
    Purchase,

    [JsonStringEnumMemberName("credit_pack")]
    CreditPack,

    /// <summary>Earmarked for a trial instance, and taken out when the trial ends.</summary>
    [JsonStringEnumMemberName("trial")]
    Trial,

    /// <summary>Given by the operator (support, tests, benchmarks); not a top-up of the buyer's.</summary>
    [JsonStringEnumMemberName("adjustment")]
    Adjustment,
}

public sealed record GrantRequest(long Amount, GrantKind Kind, string IdempotencyKey, string? Reason);

public sealed record RefundRequest(long Amount, string IdempotencyKey, string? Reason, Guid? RunId = null);

public sealed record GrantResult(Guid EntryId, bool Created, WalletDto Wallet);

/// <summary>One hold of a credit batch: reserve <c>Amount</c> of the workspace's credits for the run (idempotent on run id).</summary>
public sealed record BatchHold(Guid RunId, Guid WorkspaceId, Guid? InstanceId, long Amount);

/// <summary>
/// One settlement of a credit batch, idempotent on <c>RunId</c>; its JSON names its kind (<c>"kind": "close"</c>…).
/// Settlements free or charge credits already held; a batch applies them before its holds.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(CloseHold), "close")]
[JsonDerivedType(typeof(ChargeFromHold), "charge_from_hold")]
[JsonDerivedType(typeof(RecordFailedRun), "record_failed")]
[JsonDerivedType(typeof(ReleasePart), "release_part")]
public abstract record CreditSettlement(Guid RunId)
{
    /// <summary>The hold the settlement applies to.</summary>
    [JsonIgnore]
    public abstract Guid SettledHold { get; }
}

/// <summary>
/// Closes hold <c>RunId</c> (a run's own, or one made ahead): captures <c>Amount</c> (default: all it still holds) and
/// releases the rest, or releases it all. With <c>Run</c>, the run is recorded, charged what was captured.
/// </summary>
public sealed record CloseHold(Guid RunId, bool Capture, long? Amount = null, RunDto? Run = null) : CreditSettlement(RunId)
{
    public override Guid SettledHold => RunId;
}

/// <summary>Charges run <c>RunId</c> its price (<c>Amount</c>) from shared hold <c>HoldId</c>, which stays open, and records the run.</summary>
public sealed record ChargeFromHold(Guid RunId, Guid HoldId, long Amount, RunDto Run) : CreditSettlement(RunId)
{
    public override Guid SettledHold => HoldId;
}

/// <summary>Records run <c>RunId</c>, which took a share of shared hold <c>HoldId</c> but is not charged (it failed); the share goes back with the hold.</summary>
public sealed record RecordFailedRun(Guid RunId, Guid HoldId, RunDto Run) : CreditSettlement(RunId)
{
    public override Guid SettledHold => HoldId;
}

/// <summary>Releases <c>Amount</c> of shared hold <c>HoldId</c> (shares no run will take), which stays open; <c>RunId</c> is a fresh id for this release.</summary>
public sealed record ReleasePart(Guid RunId, Guid HoldId, long Amount) : CreditSettlement(RunId)
{
    public override Guid SettledHold => HoldId;
}

/// <summary>Settlements (applied first: they free credits) and holds, in one transaction of the Control Plane.</summary>
public sealed record CreditBatchRequest(IReadOnlyList<CreditSettlement> Settlements, IReadOnlyList<BatchHold> Holds);

/// <summary>
/// What became of one item, in request order; <c>Amount</c> is what is held (hold) or charged (settlement);
/// <c>Wallet</c> is the workspace's wallet after the batch.
/// </summary>
public sealed record CreditBatchItemResult(Guid RunId, CreditOutcome Outcome, long Amount, WalletDto? Wallet, string? Detail);

public sealed record CreditBatchResult(IReadOnlyList<CreditBatchItemResult> Settlements, IReadOnlyList<CreditBatchItemResult> Holds);

/// <summary>Outcomes of a credit batch item; the refusals use the Control Plane's problem codes.</summary>
[JsonConverter(typeof(WireEnumConverter<CreditOutcome>))]
public enum CreditOutcome
{
    [JsonStringEnumMemberName("held")]
    Held,

    [JsonStringEnumMemberName("captured")]
    Captured,

    [JsonStringEnumMemberName("released")]
    Released,

    [JsonStringEnumMemberName("insufficient_credits")]
    InsufficientCredits,

    [JsonStringEnumMemberName("not_found")]
    NotFound,

    [JsonStringEnumMemberName("conflict")]
    Conflict,

    [JsonStringEnumMemberName("validation")]
    Invalid,
}

/// <summary>What every instance API key starts with (the Control Plane issues them; the Gateway recognizes them).</summary>
public static class ApiKeys
{
    public const string Prefix = "gsv_";
}

/// <summary>A page of <c>GET /internal/v1/instances</c>; <see cref="Next"/> is passed as <c>after</c> for the next page (null: last page).</summary>
public sealed record InstancePage(IReadOnlyList<InstanceDto> Items, string? Next);

public sealed record ResolveApiKeyRequest(string Key);

public sealed record ResolvedApiKey(Guid ApiKeyId, Guid InstanceId, Guid WorkspaceId);

public sealed record MembershipDto(string Role);

/// <summary>How a run ended; on the wire <c>succeeded</c> or <c>failed</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<RunStatus>))]
public enum RunStatus
{
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>
/// <c>GET/PUT /api/v1/wallet/low-credit</c>: below <see cref="Threshold"/> the wallet is low and the members are emailed
/// once per crossing. <see cref="IsDefault"/>: no threshold was set, so it is <see cref="DefaultThreshold"/> (20% of the
/// largest top-up, or 10 before any).
/// </summary>
public sealed record LowCreditSettingsDto(Guid WorkspaceId, long Threshold, long DefaultThreshold, bool IsDefault, long Balance, bool Low);

/// <summary>Body of <c>PUT /api/v1/wallet/low-credit</c>: a threshold from 0 to <see cref="MaxThreshold"/> credits, or null for the default.</summary>
public sealed record LowCreditSettingsRequest(long? Threshold)
{
    public const long MaxThreshold = 1_000_000_000;
}
