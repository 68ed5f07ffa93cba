using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Data;

/// <summary>One append-only line of a wallet's ledger. Amounts are positive; <see cref="Kind"/> gives the direction.</summary>
public sealed class LedgerEntry
{
    public Guid Id { get; set; }

    public Guid WorkspaceId { get; set; }

    public required LedgerEntryKind Kind { get; set; }

    /// <summary>For grants: why the credits were granted.</summary>
    public GrantKind? GrantKind { get; set; }

    public long Amount { get; set; }

    public string? Reason { get; set; }

    /// <summary>Unique across all ledgers: a replayed operation finds its entry instead of adding one.</summary>
    public required string IdempotencyKey { get; set; }

    /// <summary>
    /// The run a hold, capture or release is for; for a hold made ahead for several runs (and the release of its
    /// rest), that hold's own id: each run charged from it has its capture under its own run id.
    /// </summary>
    public Guid? RunId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A new entry, with a time-ordered id (<paramref name="id"/> when the key already names it).</summary>
    public static LedgerEntry New(
        Guid workspaceId, LedgerEntryKind kind, long amount, string idempotencyKey, string? reason, Guid? runId, DateTimeOffset now, GrantKind? grantKind = null,
        Guid? id = null) => new()
    {
        Id = id ?? Guid.CreateVersion7(now), WorkspaceId = workspaceId, Kind = kind, GrantKind = grantKind, Amount = amount, Reason = reason,
        IdempotencyKey = idempotencyKey, RunId = runId, CreatedAt = now,
    };
}
