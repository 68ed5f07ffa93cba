using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Services;

/// <summary>
/// Every change to a wallet runs in a transaction that first locks the wallet row (<c>SELECT … FOR UPDATE</c>), so
/// changes to one wallet are serialized by PostgreSQL itself: the availability check and the hold cannot interleave
/// with another request's. Idempotency keys and run ids are unique in the database as well, so a replay that races
/// past the lookup still cannot add a second entry.
/// </summary>
public sealed partial class LedgerService(ControlPlaneDbContext db, TimeProvider time, ILogger<LedgerService> logger)
{
    public async Task<WalletDto?> GetWalletAsync(Guid workspaceId, CancellationToken cancellationToken = default) =>
        (await GetWalletRowAsync(workspaceId, cancellationToken))?.ToDto();

    private Task<Wallet?> GetWalletRowAsync(Guid workspaceId, CancellationToken cancellationToken) =>
        db.Wallets.AsNoTracking().SingleOrDefaultAsync(w => w.WorkspaceId == workspaceId, cancellationToken);

    /// <summary>Adds credits; the same idempotency key again returns the original entry with <c>Created = false</c>.</summary>
    public Task<GrantResult> GrantAsync(
        Guid workspaceId, long amount, GrantKind grantKind, string idempotencyKey, string? reason, CancellationToken cancellationToken = default) =>
        CreditAsync(workspaceId, LedgerEntryKind.Grant, grantKind, amount, idempotencyKey, reason, runId: null, cancellationToken);

    /// <summary>Gives credits back (e.g. a failed run charged by mistake); idempotent like a grant.</summary>
    public Task<GrantResult> RefundAsync(
        Guid workspaceId, long amount, string idempotencyKey, string? reason, Guid? runId, CancellationToken cancellationToken = default) =>
        CreditAsync(workspaceId, LedgerEntryKind.Refund, null, amount, idempotencyKey, reason, runId, cancellationToken);

    private async Task<GrantResult> CreditAsync(
        Guid workspaceId, LedgerEntryKind kind, GrantKind? grantKind, long amount, string idempotencyKey, string? reason, Guid? runId,
        CancellationToken cancellationToken)
    {
        if (amount <= 0)
        {
            throw ControlPlaneException.Invalid("The amount must be a positive number of credits.");
        }

        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > 200)
        {
            throw ControlPlaneException.Invalid("An idempotency key (1 to 200 characters) is required.");
        }

        try
        {
            return await db.InTransactionAsync(async () =>
            {
                var wallet = await LockWalletAsync(workspaceId, cancellationToken);
                var existing = await db.LedgerEntries.AsNoTracking().SingleOrDefaultAsync(e => e.IdempotencyKey == idempotencyKey, cancellationToken);
                if (existing is not null)
                {
                    return Replayed(existing, workspaceId, kind, amount, wallet);
                }

                var now = time.GetUtcNow();
                wallet.Credit(amount, topUp: grantKind is { } granted && Wallet.IsTopUp(granted));
                var entry = Append(workspaceId, kind, amount, idempotencyKey, reason, runId, now, grantKind);
                await SaveWithCrossingsAsync(wallet, now, cancellationToken);
                LogCredited(logger, kind.WireName(), amount, workspaceId, wallet.Balance);
                return new GrantResult(entry.Id, Created: true, wallet.ToDto());
            }, cancellationToken);
        }
        catch (DbUpdateException exception) when (ControlPlaneDbContext.IsUniqueViolation(exception))
        {
            // The key was used on another wallet concurrently; report it as a replay (or a conflict) like any other.
            db.ChangeTracker.Clear();
            var existing = await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.IdempotencyKey == idempotencyKey, cancellationToken);
            var wallet = await db.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspaceId, cancellationToken);
            return Replayed(existing, workspaceId, kind, amount, wallet);
        }
    }

    private static GrantResult Replayed(LedgerEntry existing, Guid workspaceId, LedgerEntryKind kind, long amount, Wallet wallet)
    {
        if (existing.WorkspaceId != workspaceId || existing.Kind != kind || existing.Amount != amount)
        {
            throw ControlPlaneException.Conflict(
                $"Idempotency key '{existing.IdempotencyKey}' was already used for a different {existing.Kind.WireName()} of {existing.Amount} credits.");
        }

        return new GrantResult(existing.Id, Created: false, wallet.ToDto());
    }

    private async Task<Wallet> LockWalletAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        var wallets = await db.Wallets
            .FromSql($"""SELECT * FROM wallets WHERE "WorkspaceId" = {workspaceId} FOR UPDATE""")
            .ToListAsync(cancellationToken);
        return wallets.SingleOrDefault() ?? throw ControlPlaneException.NotFound($"The wallet of workspace {workspaceId}");
    }

    private LedgerEntry Append(
        Guid workspaceId, LedgerEntryKind kind, long amount, string idempotencyKey, string? reason, Guid? runId, DateTimeOffset now, GrantKind? grantKind = null)
    {
        var entry = LedgerEntry.New(workspaceId, kind, amount, idempotencyKey, reason, runId, now, grantKind);
        db.LedgerEntries.Add(entry);
        return entry;
    }

    /// <summary>
    /// Saves the wallet's change (in the open transaction, under its lock) with the crossings it causes and the emails
    /// those queue: all committed together or not at all.
    /// </summary>
    private async Task SaveWithCrossingsAsync(Wallet wallet, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var crossings = Touch(wallet, now);
        db.WalletEvents.AddRange(crossings);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var crossing in crossings.Where(c => WalletEvent.IsNotified(c.Kind)))
        {
            await LowCreditOutbox.QueueAsync(db, crossing, cancellationToken);
        }
    }

    /// <summary>Stamps the change and re-evaluates the low and empty flags; returns the crossing events to store.</summary>
    private List<WalletEvent> Touch(Wallet wallet, DateTimeOffset now)
    {
        wallet.UpdatedAt = now;
        var crossings = wallet.TrackLowBalance(now);
        foreach (var crossing in crossings)
        {
            LogLowBalance(logger, wallet.WorkspaceId, crossing.Kind.WireName(), crossing.Balance, crossing.Threshold);
        }

        return crossings;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger {Kind} of {Amount} credits on workspace {WorkspaceId}; balance {Balance}")]
    private static partial void LogCredited(ILogger logger, string kind, long amount, Guid workspaceId, long balance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wallet of workspace {WorkspaceId} is {Kind}: balance {Balance}, threshold {Threshold}")]
    private static partial void LogLowBalance(ILogger logger, Guid workspaceId, string kind, long balance, long threshold);
}
