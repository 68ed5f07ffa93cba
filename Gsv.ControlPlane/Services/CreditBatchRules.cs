using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;

namespace Gsv.ControlPlane.Services;

/// <summary>
/// The ledger's rules for one credit batch, over the wallets and holds it concerns, already loaded (and, in the
/// Control Plane, locked): settlements first (they free credits), then ended trials' expiry, then holds, in request
/// order. Each item gets its own outcome: a refused item changes nothing and does not stop the others; a replay (same
/// run id) returns the first outcome. No I/O: <see cref="LedgerService"/> writes <see cref="Writes"/> in one round
/// trip, and the gateway's tests run the very same rules over an in-memory wallet.
/// </summary>
/// <param name="entries">The amounts of the ledger entries that guard settlements under shared holds, by key (<see cref="EntryKey"/>).</param>
public sealed class CreditBatchRules(
    IReadOnlyDictionary<Guid, Wallet> wallets, Dictionary<Guid, CreditHold> holds, Dictionary<string, long> entries, DateTimeOffset now)
{
    public CreditBatchWrites Writes { get; } = new();

    /// <summary>The ledger entry that guards a settlement under a shared hold against replays (none for the others).</summary>
    public static string? EntryKey(CreditSettlement item) => item switch
    {
        ChargeFromHold => $"capture:{item.RunId}",
        ReleasePart => $"release:{item.RunId}",
        _ => null,
    };

    /// <summary>
    /// Applies the batch; <paramref name="touch"/> then sees each wallet it changed (and returns the events that
    /// change causes). Each result carries its workspace's wallet as it is after the whole batch.
    /// </summary>
    public CreditBatchResult Apply(CreditBatchRequest batch, Func<Wallet, IEnumerable<WalletEvent>>? touch = null)
    {
        var settled = batch.Settlements.Select(Settle).ToList();
        // Ended trials' credits go before any hold could take them (and after settlements, which may free some).
        foreach (var wallet in wallets.Values)
        {
            foreach (var (trial, amount) in wallet.ExpireTrials(now))
            {
                var id = Guid.CreateVersion7(now);
                Writes.Entries.Add(LedgerEntry.New(
                    wallet.WorkspaceId, LedgerEntryKind.Expire, amount, $"expire:{id}", $"Trial of instance {trial.InstanceId} ended", null, now, id: id));
                Writes.ChangedWallets.Add(wallet);
            }
        }

        var held = batch.Holds.Select(Hold).ToList();
        foreach (var wallet in Writes.ChangedWallets)
        {
            Writes.Events.AddRange(touch?.Invoke(wallet) ?? []);
        }

        var after = wallets.ToDictionary(w => w.Key, w => w.Value.ToDto());
        return new CreditBatchResult(
            [.. settled.Select((r, i) => r with
            {
                Wallet = holds.TryGetValue(batch.Settlements[i].SettledHold, out var hold) ? after.GetValueOrDefault(hold.WorkspaceId) : null,
            })],
            [.. held.Select((r, i) => r with { Wallet = after.GetValueOrDefault(batch.Holds[i].WorkspaceId) })]);
    }

    /// <summary>Why a run record is not valid, or null.</summary>
    public static string? RunRecordProblem(RunDto run) =>
        !Enum.IsDefined(run.Status) || run.CreditsCharged < 0 || run.DurationMs < 0
        || string.IsNullOrWhiteSpace(run.Caller) || run.Caller.Length > 200 || run.Error is { Length: > 4000 }
            ? "status must be succeeded or failed, caller is required (at most 200 characters), credits and duration cannot be negative."
            : null;

    private CreditBatchItemResult Hold(BatchHold item)
    {
        if (item.Amount <= 0)
        {
            return Refused(item.RunId, CreditOutcome.Invalid, "The amount must be a positive number of credits.");
        }

        if (!wallets.TryGetValue(item.WorkspaceId, out var wallet))
        {
            return Refused(item.RunId, CreditOutcome.NotFound, $"The wallet of workspace {item.WorkspaceId} was not found.");
        }

        if (holds.TryGetValue(item.RunId, out var existing))
        {
            return existing.WorkspaceId == item.WorkspaceId && existing.Amount == item.Amount
                ? new CreditBatchItemResult(item.RunId, CreditOutcome.Held, existing.Amount, null, null)
                : Refused(item.RunId, CreditOutcome.Conflict, $"Run {item.RunId} already holds {existing.Amount} credits of another request.");
        }

        if (!wallet.TryHold(item.Amount, item.InstanceId))
        {
            return new CreditBatchItemResult(item.RunId, CreditOutcome.InsufficientCredits, 0, null,
                $"The run needs {item.Amount} credits but only {wallet.AvailableFor(item.InstanceId)} are available to this instance.");
        }

        var hold = new CreditHold
        {
            RunId = item.RunId, WorkspaceId = item.WorkspaceId, InstanceId = item.InstanceId, Amount = item.Amount, Status = CreditHoldStatus.Open, CreatedAt = now,
        };
        holds[item.RunId] = hold;
        Writes.NewHolds.Add(hold);
        Writes.Entries.Add(LedgerEntry.New(item.WorkspaceId, LedgerEntryKind.Hold, item.Amount, $"hold:{item.RunId}", null, item.RunId, now));
        Writes.ChangedWallets.Add(wallet);
        return new CreditBatchItemResult(item.RunId, CreditOutcome.Held, item.Amount, null, null);
    }

    private CreditBatchItemResult Settle(CreditSettlement item) => item switch
    {
        CloseHold close => Close(close),
        ChargeFromHold or RecordFailedRun or ReleasePart => SettleUnderSharedHold(item),
        _ => Refused(item.RunId, CreditOutcome.Invalid, "Unknown settlement kind."),
    };

    /// <summary>
    /// Captures (all it still holds, or <c>Amount</c>, the rest released) or releases a hold, which closes it, and
    /// records the run if given. Settling it again the same way returns the same result; the other way is a conflict.
    /// </summary>
    private CreditBatchItemResult Close(CloseHold item)
    {
        if (!holds.TryGetValue(item.RunId, out var hold))
        {
            return Refused(item.RunId, CreditOutcome.NotFound, $"The hold of run {item.RunId} was not found.");
        }

        if (item.Run is { } run && (RunOf(run, hold) ?? RunRecordProblem(run)) is { } problem)
        {
            return Refused(item.RunId, CreditOutcome.Invalid, problem);
        }

        var wanted = item.Capture ? CreditHoldStatus.Captured : CreditHoldStatus.Released;
        var outcome = item.Capture ? CreditOutcome.Captured : CreditOutcome.Released;
        if (hold.Status != wanted)
        {
            if (hold.Status != CreditHoldStatus.Open)
            {
                return Refused(item.RunId, CreditOutcome.Conflict, $"The hold of run {item.RunId} was already {hold.Status.WireName()}.");
            }

            // What a shared hold's runs were charged, and its parts released, stay as they are: this settles the rest.
            var remaining = hold.Remaining;
            var charged = item.Capture ? item.Amount ?? remaining : 0;
            if (charged < 0 || charged > remaining)
            {
                return Refused(item.RunId, CreditOutcome.Invalid, $"The capture must be between 0 and the {remaining} credits still held.");
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
            Writes.ChangedHolds.Add(hold);
            if (item.Capture)
            {
                Writes.Entries.Add(LedgerEntry.New(hold.WorkspaceId, LedgerEntryKind.Capture, charged, $"capture:{hold.RunId}", null, hold.RunId, now));
            }

            if (remaining - charged > 0)
            {
                Writes.Entries.Add(LedgerEntry.New(hold.WorkspaceId, LedgerEntryKind.Release, remaining - charged, $"release:{hold.RunId}", null, hold.RunId, now));
            }

            Writes.ChangedWallets.Add(wallet);
        }

        // Recorded with the settlement; a replay's record is already there and stays as it was.
        if (item.Run is { } record)
        {
            Writes.Runs.Add(Run.From(record, hold.Charged));
        }

        return new CreditBatchItemResult(item.RunId, outcome, hold.Charged, null, null);
    }

    /// <summary>
    /// A settlement under a shared hold, which stays open: a run charged its price from it, a failed run recorded, or
    /// a part released. Keyed by the item's run id (its ledger entry's idempotency key): a replay returns the first
    /// outcome and changes nothing.
    /// </summary>
    private CreditBatchItemResult SettleUnderSharedHold(CreditSettlement item)
    {
        var outcome = item is ChargeFromHold ? CreditOutcome.Captured : CreditOutcome.Released;
        var key = EntryKey(item);
        if (key is not null && entries.TryGetValue(key, out var done))
        {
            return new CreditBatchItemResult(item.RunId, outcome, done, null, null);
        }

        if (!holds.TryGetValue(item.SettledHold, out var hold))
        {
            return Refused(item.RunId, CreditOutcome.NotFound, $"The shared hold {item.SettledHold} was not found.");
        }

        var (run, amount) = item switch
        {
            ChargeFromHold charge => (charge.Run, charge.Amount),
            RecordFailedRun failed => (failed.Run, 0L),
            _ => (null, ((ReleasePart)item).Amount),
        };
        if (run is null && item is not ReleasePart)
        {
            return Refused(item.RunId, CreditOutcome.Invalid, "A run charged from or recorded under a shared hold needs its record.");
        }

        if (run is not null)
        {
            if (run.RunId != item.RunId || run.WorkspaceId != hold.WorkspaceId || run.InstanceId != hold.InstanceId)
            {
                return Refused(item.RunId, CreditOutcome.Invalid, $"The run record does not belong to run {item.RunId} under hold {hold.RunId}.");
            }

            if (RunRecordProblem(run) is { } problem)
            {
                return Refused(item.RunId, CreditOutcome.Invalid, problem);
            }

            if (item is RecordFailedRun)
            {
                // Not charged: only recorded (a replay's record is already there and stays as it was).
                Writes.Runs.Add(Run.From(run, 0));
                return new CreditBatchItemResult(item.RunId, outcome, 0, null, null);
            }
        }

        if (hold.Status != CreditHoldStatus.Open)
        {
            return Refused(item.RunId, CreditOutcome.Conflict, $"The shared hold {hold.RunId} was already {hold.Status.WireName()}.");
        }

        if (amount <= 0 || amount > hold.Remaining)
        {
            return Refused(item.RunId, CreditOutcome.Invalid, $"The amount must be between 1 and the {hold.Remaining} credits the hold still has.");
        }

        var wallet = wallets[hold.WorkspaceId];
        if (item is ChargeFromHold)
        {
            wallet.Settle(amount, amount, hold.InstanceId);
            hold.Charged += amount;
            Writes.Entries.Add(LedgerEntry.New(hold.WorkspaceId, LedgerEntryKind.Capture, amount, key!, null, item.RunId, now));
            Writes.Runs.Add(Run.From(run!, amount));
        }
        else
        {
            wallet.Settle(amount, 0, hold.InstanceId);
            hold.Freed += amount;
            Writes.Entries.Add(LedgerEntry.New(hold.WorkspaceId, LedgerEntryKind.Release, amount, key!, null, hold.RunId, now));
        }

        entries[key!] = amount;
        Writes.ChangedHolds.Add(hold);
        Writes.ChangedWallets.Add(wallet);
        return new CreditBatchItemResult(item.RunId, outcome, amount, null, null);
    }

    /// <summary>Why a run record cannot be stored with its own hold, or null: it must be the same run, workspace and instance.</summary>
    private static string? RunOf(RunDto run, CreditHold hold) =>
        run.RunId != hold.RunId || run.WorkspaceId != hold.WorkspaceId || run.InstanceId != hold.InstanceId
            ? $"The run record does not belong to the hold of run {hold.RunId}."
            : null;

    private static CreditBatchItemResult Refused(Guid runId, CreditOutcome outcome, string detail) => new(runId, outcome, 0, null, detail);
}
