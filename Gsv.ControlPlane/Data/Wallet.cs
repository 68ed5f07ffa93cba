using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Data;

/// <summary>
/// The running totals of one workspace's ledger, kept on one row so that every change to them happens under that
/// row's lock (see <c>LedgerService</c>). The rules live here, free of the database, so they can be unit-tested:
/// <c>Balance</c> = grants + refunds − captures − expiries, <c>Held</c> = holds − captures − releases, and
/// <c>Available</c> = Balance − Held is never negative. Trial credits (<see cref="Trials"/>) are part of the balance but
/// earmarked: a hold for any other instance may use only what is available beyond every other trial's
/// <see cref="TrialCredit.Reserved"/>, so Available ≥ Σ Reserved always holds and an expiry never overdraws.
/// </summary>
public sealed class Wallet
{
    public const long DefaultLowThreshold = 10;

    public Guid WorkspaceId { get; set; }

    public long Balance { get; set; }

    public long Held { get; set; }

    /// <summary>The largest top-up grant (purchase, credit pack, trial) so far, for the default low threshold.</summary>
    public long? LargestTopUp { get; set; }

    /// <summary>Explicit per-wallet threshold; when null, 20% of the largest top-up (rounded up), or 10 before any.</summary>
    public long? LowThresholdOverride { get; set; }

    /// <summary>Below the threshold since the last crossing (re-armed when the balance is back at or above it).</summary>
    public bool Low { get; set; }

    /// <summary>At zero since the last crossing (re-armed when the balance is above zero again).</summary>
    public bool Empty { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Available => Balance - Held;

    /// <summary>The open trial credits of the workspace, read with the wallet under its lock (not a column).</summary>
    public List<TrialCredit> Trials { get; } = [];

    /// <summary>What a hold for <paramref name="instanceId"/> may take: the available credits less other trials' earmarks.</summary>
    public long AvailableFor(Guid? instanceId)
    {
        var available = Available;
        foreach (var trial in Trials)
        {
            if (trial.InstanceId != instanceId)
            {
                available -= trial.Reserved;
            }
        }

        return available;
    }

    public long LowThreshold => LowThresholdOverride ?? DefaultThreshold(LargestTopUp);

    /// <summary>20% of the largest top-up (rounded up), or <see cref="DefaultLowThreshold"/> before any.</summary>
    public static long DefaultThreshold(long? largestTopUp) => largestTopUp is > 0 and var topUp ? (topUp + 4) / 5 : DefaultLowThreshold;

    public static bool IsTopUp(GrantKind grantKind) => grantKind is GrantKind.Purchase or GrantKind.CreditPack or GrantKind.Trial;

    /// <summary>A grant or a refund.</summary>
    public void Credit(long amount, bool topUp)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        Balance = checked(Balance + amount);
        if (topUp && amount > (LargestTopUp ?? 0))
        {
            LargestTopUp = amount;
        }
    }

    /// <summary>
    /// Reserves <paramref name="amount"/> for a run of <paramref name="instanceId"/> if available to it (see
    /// <see cref="AvailableFor"/>); otherwise changes nothing and returns false.
    /// </summary>
    public bool TryHold(long amount, Guid? instanceId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        if (AvailableFor(instanceId) < amount)
        {
            return false;
        }

        Held += amount;
        if (TrialOf(instanceId) is { } trial)
        {
            trial.Held += amount;
        }

        return true;
    }

    /// <summary>
    /// Closes a hold of <paramref name="heldAmount"/> of <paramref name="instanceId"/>, charging <paramref name="charged"/>
    /// of it (0 = release); a trial instance's charge is taken from its trial credits first.
    /// </summary>
    public void Settle(long heldAmount, long charged, Guid? instanceId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heldAmount);
        ArgumentOutOfRangeException.ThrowIfNegative(charged);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(charged, heldAmount);
        if (heldAmount > Held)
        {
            throw new InvalidOperationException($"Settling {heldAmount} but only {Held} is held.");
        }

        Held -= heldAmount;
        Balance -= charged;
        if (TrialOf(instanceId) is { } trial)
        {
            trial.Held = Math.Max(0, trial.Held - heldAmount);
            trial.Remaining -= Math.Min(charged, trial.Remaining);
        }
    }

    /// <summary>
    /// Takes out of the balance what ended trials left unspent and unheld (credits still held by their runs expire when
    /// those settle); returns each trial with the amount that expired now.
    /// </summary>
    public List<(TrialCredit Trial, long Amount)> ExpireTrials(DateTimeOffset now)
    {
        var expired = new List<(TrialCredit, long)>();
        foreach (var trial in Trials)
        {
            if (trial.ExpiresAt <= now && trial.Reserved > 0)
            {
                var amount = trial.Reserved;
                trial.Remaining -= amount;
                Balance -= amount;
                expired.Add((trial, amount));
            }
        }

        return expired;
    }

    private TrialCredit? TrialOf(Guid? instanceId) => instanceId is { } id ? Trials.Find(t => t.InstanceId == id) : null;

    /// <summary>
    /// Updates the low and empty flags; returns the crossings (none, one or both): <c>low</c> when the balance has just
    /// gone below the threshold, <c>resolved</c> when it is back at or above it, <c>empty</c> when it has just reached
    /// zero. Each happens once per crossing: the flag stays set, so later changes on the same side add nothing.
    /// </summary>
    public List<WalletEvent> TrackLowBalance(DateTimeOffset now)
    {
        var crossings = new List<WalletEvent>();
        var threshold = LowThreshold;
        var low = Balance < threshold;
        if (low != Low)
        {
            Low = low;
            crossings.Add(Event(low ? WalletEventKind.Low : WalletEventKind.Resolved, threshold, now));
        }

        var empty = Balance <= 0;
        if (empty != Empty)
        {
            Empty = empty;
            if (empty)
            {
                crossings.Add(Event(WalletEventKind.Empty, threshold, now));
            }
        }

        return crossings;
    }

    private WalletEvent Event(WalletEventKind kind, long threshold, DateTimeOffset now) =>
        new() { WorkspaceId = WorkspaceId, Kind = kind, Balance = Balance, Threshold = threshold, CreatedAt = now };

    public WalletDto ToDto() => new(WorkspaceId, Balance, Held, Available, Low, LowThreshold, UpdatedAt);
}
