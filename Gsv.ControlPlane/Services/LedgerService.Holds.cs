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
        return result.Outcome == CreditOutcomes.Held
            ? new HoldResult(runId, result.Amount, result.Wallet!)
            : throw Refusal(result, amount);
    }

    /// <summary>
    /// Charges the run's hold: all of it, or <paramref name="amount"/> with the rest released. Capturing again returns
    /// the same result; capturing a released hold is a conflict.
    /// </summary>
    public Task<SettleResult> CaptureAsync(Guid runId, long? amount, CancellationToken cancellationToken = default) =>
        SettleAsync(new BatchSettlement(runId, Capture: true, amount, Run: null), cancellationToken);

    /// <summary>Frees the run's hold without charging; idempotent; releasing a captured hold is a conflict.</summary>
    public Task<SettleResult> ReleaseAsync(Guid runId, CancellationToken cancellationToken = default) =>
        SettleAsync(new BatchSettlement(runId, Capture: false, Amount: null, Run: null), cancellationToken);

    private async Task<SettleResult> SettleAsync(BatchSettlement settlement, CancellationToken cancellationToken)
    {
        var result = (await ApplyBatchAsync(new CreditBatchRequest([settlement], []), cancellationToken)).Settlements[0];
        return result.Outcome is CreditOutcomes.Captured or CreditOutcomes.Released
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
            .Select(t => t.WorkspaceId).Distinct().Take(MaxBatchItems).ToArrayAsync(cancellationToken);
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
        var settledHolds = batch.Settlements.Select(HoldOf).Distinct().ToArray();
        var (wallets, holds, entries) = await session.LockAsync(
            [.. batch.Holds.Select(h => h.WorkspaceId).Concat(alsoLock).Distinct()], settledHolds,
            [.. settledHolds.Concat(batch.Holds.Select(h => h.RunId)).Distinct()],
            [.. batch.Settlements.Where(IsUnderSharedHold).Select(SharedEntryKey)], cancellationToken);

        var now = time.GetUtcNow();
        var writes = new CreditBatchWrites();
        var settled = batch.Settlements
            .Select(s => IsUnderSharedHold(s) ? SettleUnderSharedHold(s, holds, wallets, entries, writes, now) : Settle(s, holds, wallets, writes, now))
            .ToList();
        // Ended trials' credits go before any hold could take them (and after settlements, which may free some).
        foreach (var wallet in wallets.Values)
        {
            foreach (var (trial, amount) in wallet.ExpireTrials(now))
            {
                var id = Guid.CreateVersion7(now);
                writes.Entries.Add(new LedgerEntry
                {
                    Id = id, WorkspaceId = wallet.WorkspaceId, Kind = LedgerEntry.Expire, Amount = amount, Reason = $"Trial of instance {trial.InstanceId} ended",
                    IdempotencyKey = $"expire:{id}", CreatedAt = now,
                });
                writes.ChangedWallets.Add(wallet);
            }
        }

        var held = batch.Holds.Select(h => Hold(h, holds, wallets, writes, now)).ToList();
        foreach (var wallet in writes.ChangedWallets)
        {
            writes.Events.AddRange(Touch(wallet, now));
        }

        await session.SaveAsync(writes, cancellationToken);
        var after = wallets.ToDictionary(w => w.Key, w => w.Value.ToDto());
        return new CreditBatchResult(
            [.. settled.Select((r, i) => r with
            {
                Wallet = holds.TryGetValue(HoldOf(batch.Settlements[i]), out var hold) ? after.GetValueOrDefault(hold.WorkspaceId) : null,
            })],
            [.. held.Select((r, i) => r with { Wallet = after.GetValueOrDefault(batch.Holds[i].WorkspaceId) })]);
    }

    private static CreditBatchItemResult Hold(
        BatchHold item, Dictionary<Guid, CreditHold> holds, Dictionary<Guid, Wallet> wallets, CreditBatchWrites writes, DateTimeOffset now)
    {
        if (item.Amount <= 0)
        {
            return Refused(item.RunId, CreditOutcomes.Invalid, "The amount must be a positive number of credits.");
        }

        if (!wallets.TryGetValue(item.WorkspaceId, out var wallet))
        {
            return Refused(item.RunId, CreditOutcomes.NotFound, $"The wallet of workspace {item.WorkspaceId} was not found.");
        }

        if (holds.TryGetValue(item.RunId, out var existing))
        {
            return existing.WorkspaceId == item.WorkspaceId && existing.Amount == item.Amount
                ? new CreditBatchItemResult(item.RunId, CreditOutcomes.Held, existing.Amount, null, null)
                : Refused(item.RunId, CreditOutcomes.Conflict, $"Run {item.RunId} already holds {existing.Amount} credits of another request.");
        }

        if (!wallet.TryHold(item.Amount, item.InstanceId))
        {
            return new CreditBatchItemResult(item.RunId, CreditOutcomes.InsufficientCredits, 0, null,
                $"The run needs {item.Amount} credits but only {wallet.AvailableFor(item.InstanceId)} are available to this instance.");
        }

        var hold = new CreditHold
        {
            RunId = item.RunId, WorkspaceId = item.WorkspaceId, InstanceId = item.InstanceId, Amount = item.Amount, Status = CreditHold.Open, CreatedAt = now,
        };
        holds[item.RunId] = hold;
        writes.NewHolds.Add(hold);
        writes.Entries.Add(NewEntry(item.WorkspaceId, LedgerEntry.Hold, item.Amount, $"hold:{item.RunId}", null, item.RunId, now));
        writes.ChangedWallets.Add(wallet);
        return new CreditBatchItemResult(item.RunId, CreditOutcomes.Held, item.Amount, null, null);
    }

    private static CreditBatchItemResult Settle(
        BatchSettlement item, Dictionary<Guid, CreditHold> holds, Dictionary<Guid, Wallet> wallets, CreditBatchWrites writes, DateTimeOffset now)
    {
        if (!holds.TryGetValue(item.RunId, out var hold))
        {
            return Refused(item.RunId, CreditOutcomes.NotFound, $"The hold of run {item.RunId} was not found.");
        }

        if (item.Run is { } run && RunRecordProblem(run, hold) is { } problem)
        {
            return Refused(item.RunId, CreditOutcomes.Invalid, problem);
        }

        var wanted = item.Capture ? CreditHold.Captured : CreditHold.Released;
        var outcome = item.Capture ? CreditOutcomes.Captured : CreditOutcomes.Released;
        if (hold.Status != wanted)
        {
            if (hold.Status != CreditHold.Open)
            {
                return Refused(item.RunId, CreditOutcomes.Conflict, $"The hold of run {item.RunId} was already {hold.Status}.");
            }

            // What a shared hold's runs were charged, and its parts released, stay as they are: this settles the rest.
            var remaining = hold.Remaining;
            var charged = item.Capture ? item.Amount ?? remaining : 0;
            if (charged < 0 || charged > remaining)
            {
                return Refused(item.RunId, CreditOutcomes.Invalid, $"The capture must be between 0 and the {remaining} credits still held.");
            }

            var wallet = wallets[hold.WorkspaceId];
            if (remaining > 0)
            {
                wallet.Settle(remaining, charged, hold.InstanceId);
            }

            hold.Status = wanted;
            hold.Charged += charged;
            hold.Freed += remaining - charged;
            hold.SettledAt = now;
            writes.ChangedHolds.Add(hold);
            if (item.Capture)
            {
                writes.Entries.Add(NewEntry(hold.WorkspaceId, LedgerEntry.Capture, charged, $"capture:{hold.RunId}", null, hold.RunId, now));
            }

            if (remaining - charged > 0)
            {
                writes.Entries.Add(NewEntry(hold.WorkspaceId, LedgerEntry.Release, remaining - charged, $"release:{hold.RunId}", null, hold.RunId, now));
            }

            writes.ChangedWallets.Add(wallet);
        }

        // Recorded with the settlement; a replay's record is already there and stays as it was.
        if (item.Run is { } record)
        {
            writes.Runs.Add(Run.From(record, hold.Charged));
        }

        return new CreditBatchItemResult(item.RunId, outcome, hold.Charged, null, null);
    }

    /// <summary>
    /// A settlement under a shared hold, which stays open: with its run record, the run is recorded and, when captured,
    /// charged <c>Amount</c> from the hold; without one, <c>Amount</c> of the hold is released. Keyed by the item's run
    /// id (its ledger entry's idempotency key): a replay returns the first outcome and changes nothing.
    /// </summary>
    private static CreditBatchItemResult SettleUnderSharedHold(
        BatchSettlement item, Dictionary<Guid, CreditHold> holds, Dictionary<Guid, Wallet> wallets, Dictionary<string, long> entries,
        CreditBatchWrites writes, DateTimeOffset now)
    {
        var outcome = item.Capture ? CreditOutcomes.Captured : CreditOutcomes.Released;
        var key = SharedEntryKey(item);
        if (entries.TryGetValue(key, out var done))
        {
            return new CreditBatchItemResult(item.RunId, outcome, done, null, null);
        }

        var holdId = item.HoldId!.Value;
        if (!holds.TryGetValue(holdId, out var hold))
        {
            return Refused(item.RunId, CreditOutcomes.NotFound, $"The shared hold {holdId} was not found.");
        }

        if (item.Run is { } run)
        {
            if (run.RunId != item.RunId || run.WorkspaceId != hold.WorkspaceId || run.InstanceId != hold.InstanceId)
            {
                return Refused(item.RunId, CreditOutcomes.Invalid, $"The run record does not belong to run {item.RunId} under hold {holdId}.");
            }

            if (RunRecordProblem(run) is { } problem)
            {
                return Refused(item.RunId, CreditOutcomes.Invalid, problem);
            }

            if (!item.Capture)
            {
                // Not charged: only recorded (a replay's record is already there and stays as it was).
                writes.Runs.Add(Run.From(run, 0));
                return new CreditBatchItemResult(item.RunId, outcome, 0, null, null);
            }
        }
        else if (item.Capture)
        {
            return Refused(item.RunId, CreditOutcomes.Invalid, "A capture under a shared hold needs the run's record.");
        }

        if (hold.Status != CreditHold.Open)
        {
            return Refused(item.RunId, CreditOutcomes.Conflict, $"The shared hold {holdId} was already {hold.Status}.");
        }

        var amount = item.Amount ?? 0;
        if (amount <= 0 || amount > hold.Remaining)
        {
            return Refused(item.RunId, CreditOutcomes.Invalid, $"The amount must be between 1 and the {hold.Remaining} credits the hold still has.");
        }

        var wallet = wallets[hold.WorkspaceId];
        if (item.Capture)
        {
            wallet.Settle(amount, amount, hold.InstanceId);
            hold.Charged += amount;
            writes.Entries.Add(NewEntry(hold.WorkspaceId, LedgerEntry.Capture, amount, key, null, item.RunId, now));
            writes.Runs.Add(Run.From(item.Run!, amount));
        }
        else
        {
            wallet.Settle(amount, 0, hold.InstanceId);
            hold.Freed += amount;
            writes.Entries.Add(NewEntry(hold.WorkspaceId, LedgerEntry.Release, amount, key, null, holdId, now));
        }

        entries[key] = amount;
        writes.ChangedHolds.Add(hold);
        writes.ChangedWallets.Add(wallet);
        return new CreditBatchItemResult(item.RunId, outcome, amount, null, null);
    }

    private static bool IsUnderSharedHold(BatchSettlement item) => item.HoldId is { } holdId && holdId != item.RunId;

    private static Guid HoldOf(BatchSettlement item) => item.HoldId ?? item.RunId;

    /// <summary>The ledger entry a settlement under a shared hold writes (none for a run not charged): its replay guard.</summary>
    private static string SharedEntryKey(BatchSettlement item) => item.Capture ? $"capture:{item.RunId}" : $"release:{item.RunId}";

    /// <summary>Releases (no charge) every hold still open that was taken before <paramref name="takenBefore"/>; returns how many.</summary>
    public async Task<int> ReleaseStaleHoldsAsync(DateTimeOffset takenBefore, CancellationToken cancellationToken = default)
    {
        var released = 0;
        while (true)
        {
            var stale = await db.CreditHolds.AsNoTracking()
                .Where(h => h.Status == CreditHold.Open && h.CreatedAt < takenBefore)
                .OrderBy(h => h.CreatedAt).Select(h => h.RunId).Take(MaxBatchItems).ToListAsync(cancellationToken);
            if (stale.Count == 0)
            {
                return released;
            }

            var result = await ApplyBatchAsync(
                new CreditBatchRequest([.. stale.Select(runId => new BatchSettlement(runId, Capture: false, Amount: null, Run: null))], []), cancellationToken);
            var count = result.Settlements.Count(s => s.Outcome == CreditOutcomes.Released);
            released += count;
            if (count == 0 || stale.Count < MaxBatchItems)
            {
                // All of them, or settled concurrently (captured just now): nothing left that this sweep may release.
                return released;
            }
        }
    }

    /// <summary>Why a run record cannot be stored with its hold, or null: it must be the same run, workspace and instance.</summary>
    public static string? RunRecordProblem(RunDto run, CreditHold hold)
    {
        if (run.RunId != hold.RunId || run.WorkspaceId != hold.WorkspaceId || run.InstanceId != hold.InstanceId)
        {
            return $"The run record does not belong to the hold of run {hold.RunId}.";
        }

        return RunRecordProblem(run);
    }

    /// <summary>Why a run record is not valid, or null.</summary>
    public static string? RunRecordProblem(RunDto run) =>
        run.Status is not (RunStatuses.Succeeded or RunStatuses.Failed) || run.CreditsCharged < 0 || run.DurationMs < 0
        || string.IsNullOrWhiteSpace(run.Caller) || run.Caller.Length > 200 || run.Error is { Length: > 4000 }
            ? "status must be succeeded or failed, caller is required (at most 200 characters), credits and duration cannot be negative."
            : null;

    private static CreditBatchItemResult Refused(Guid runId, string outcome, string detail) => new(runId, outcome, 0, null, detail);

    /// <summary>The refusal of a single-item call, as the exception its endpoint turns into problem+json.</summary>
    private static ControlPlaneException Refusal(CreditBatchItemResult result, long requested) => result.Outcome switch
    {
        CreditOutcomes.InsufficientCredits => new InsufficientCreditsRefusal(result.Wallet?.Balance ?? 0, result.Wallet?.Available ?? 0, requested),
        CreditOutcomes.NotFound => new ControlPlaneException(GsvProblems.NotFound, StatusCodes.Status404NotFound, "Not found", result.Detail!),
        CreditOutcomes.Conflict => ControlPlaneException.Conflict(result.Detail!),
        _ => ControlPlaneException.Invalid(result.Detail!),
    };
}
