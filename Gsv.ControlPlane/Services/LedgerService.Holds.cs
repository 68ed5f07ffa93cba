using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gsv.ControlPlane.Services;

/// <summary>
/// Holds and their settlement. Every change goes through <see cref="ApplyBatchAsync"/>: one transaction that locks
/// the wallets concerned (in workspace order, so two batches cannot deadlock) and reads the holds under those locks,
/// applies the <see cref="Wallet"/> rules to the settlements (they free credits) then to the holds, in request order,
/// and writes everything at once (<see cref="CreditBatchSession"/>: three round trips). The Gateway sends the holds
/// and settlements of its concurrent runs together, so a busy wallet costs one short transaction per batch instead
/// of one per call.
/// </summary>
public sealed partial class LedgerService
{
    public const int MaxBatchItems = 500;

    // One hold, capture or release at a time, in process (the ledger tests use them); over HTTP the Gateway sends
    // batches only (POST /internal/v1/credits/batch).

    /// <summary>Reserves credits for a run; idempotent on the run id. Not enough available → <see cref="InsufficientCreditsRefusal"/>.</summary>
    public async Task<HoldResult> HoldAsync(
        Guid workspaceId, Guid runId, Guid? instanceId, long amount, CancellationToken cancellationToken = default)
    {
        var result = (await ApplyBatchAsync(new CreditBatchRequest([], [new BatchHold(runId, workspaceId, instanceId, amount)]), cancellationToken)).Holds[0];
        return result.Outcome == CreditOutcome.Held
            ? new HoldResult(runId, result.Amount, result.Wallet!)
            : throw Refusal(result, amount);
    }

    /// <summary>
    /// Charges the run's hold: all of it, or <paramref name="amount"/> with the rest released. Capturing again returns
    /// the same result; capturing a released hold is a conflict.
    /// </summary>
    public Task<SettleResult> CaptureAsync(Guid runId, long? amount, CancellationToken cancellationToken = default) =>
        SettleAsync(new CloseHold(runId, Capture: true, amount), cancellationToken);

    /// <summary>Frees the run's hold without charging; idempotent; releasing a captured hold is a conflict.</summary>
    public Task<SettleResult> ReleaseAsync(Guid runId, CancellationToken cancellationToken = default) =>
        SettleAsync(new CloseHold(runId, Capture: false), cancellationToken);

    private async Task<SettleResult> SettleAsync(CloseHold settlement, CancellationToken cancellationToken)
    {
        var result = (await ApplyBatchAsync(new CreditBatchRequest([settlement], []), cancellationToken)).Settlements[0];
        return result.Outcome is CreditOutcome.Captured or CreditOutcome.Released
            ? new SettleResult(settlement.RunId, result.Amount, result.Wallet!)
            : throw Refusal(result, 0);
    }

    /// <summary>
    /// Applies settlements, then holds, atomically; each item gets its own outcome (a refused item changes nothing and
    /// does not stop the others). Replays (same run id) return the first outcome.
    /// </summary>
    public Task<CreditBatchResult> ApplyBatchAsync(CreditBatchRequest batch, CancellationToken cancellationToken = default) =>
        ApplyBatchAsync(batch, [], cancellationToken);

    /// <summary>Takes ended trials' unspent credits out of the wallets that have some; returns how many wallets changed.</summary>
    public async Task<int> ExpireTrialsAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var workspaces = await db.TrialCredits.AsNoTracking().Where(t => t.Remaining > t.Held && t.ExpiresAt <= now)
            .Select(t => t.WorkspaceId).Distinct().OrderBy(id => id).Take(MaxBatchItems).ToArrayAsync(cancellationToken);
        if (workspaces.Length > 0)
        {
            await ApplyBatchAsync(new CreditBatchRequest([], []), workspaces, cancellationToken);
        }

        return workspaces.Length;
    }

    private async Task<CreditBatchResult> ApplyBatchAsync(CreditBatchRequest batch, Guid[] alsoLock, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ApplyOnceAsync(batch, alsoLock, cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 3)
            {
                // A concurrent request on another wallet inserted the same run's hold first. The batch was rolled back
                // whole; applied again, it finds that hold and treats it as a replay.
            }
        }
    }

    private async Task<CreditBatchResult> ApplyOnceAsync(CreditBatchRequest batch, Guid[] alsoLock, CancellationToken cancellationToken)
    {
        await using var session = await CreditBatchSession.BeginAsync(db, cancellationToken);
        var settledHolds = batch.Settlements.Select(s => s.SettledHold).Distinct().ToArray();
        var (wallets, holds, entries) = await session.LockAsync(
            [.. batch.Holds.Select(h => h.WorkspaceId).Concat(alsoLock).Distinct()], settledHolds,
            [.. settledHolds.Concat(batch.Holds.Select(h => h.RunId)).Distinct()],
            [.. batch.Settlements.Select(CreditBatchRules.EntryKey).OfType<string>()], cancellationToken);

        var now = time.GetUtcNow();
        var rules = new CreditBatchRules(wallets, holds, entries, now);
        // Each changed wallet is stamped and its low-balance crossings recorded before the results show it.
        var result = rules.Apply(batch, wallet => Touch(wallet, now));
        await session.SaveAsync(rules.Writes, cancellationToken);
        return result;
    }

    /// <summary>Releases (no charge) every hold still open that was taken before <paramref name="takenBefore"/>; returns how many.</summary>
    public async Task<int> ReleaseStaleHoldsAsync(DateTimeOffset takenBefore, CancellationToken cancellationToken = default)
    {
        var released = 0;
        while (true)
        {
            var stale = await db.CreditHolds.AsNoTracking()
                .Where(h => h.Status == CreditHoldStatus.Open && h.CreatedAt < takenBefore)
                .OrderBy(h => h.CreatedAt).Select(h => h.RunId).Take(MaxBatchItems).ToListAsync(cancellationToken);
            if (stale.Count == 0)
            {
                return released;
            }

            var result = await ApplyBatchAsync(
                new CreditBatchRequest([.. stale.Select(runId => new CloseHold(runId, Capture: false))], []), cancellationToken);
            var count = result.Settlements.Count(s => s.Outcome == CreditOutcome.Released);
            released += count;
            if (count == 0 || stale.Count < MaxBatchItems)
            {
                // All of them, or settled concurrently (captured just now): nothing left that this sweep may release.
                return released;
            }
        }
    }

    /// <summary>The refusal of a single-item call, as the exception its endpoint turns into problem+json.</summary>
    private static ControlPlaneException Refusal(CreditBatchItemResult result, long requested) => result.Outcome switch
    {
        CreditOutcome.InsufficientCredits => new InsufficientCreditsRefusal(result.Wallet?.Balance ?? 0, result.Wallet?.Available ?? 0, requested),
        CreditOutcome.NotFound => new ControlPlaneException(GsvProblems.NotFound, StatusCodes.Status404NotFound, "Not found", result.Detail!),
        CreditOutcome.Conflict => ControlPlaneException.Conflict(result.Detail!),
        _ => ControlPlaneException.Invalid(result.Detail!),
    };
}
