using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Data;

/// <summary>
/// The running totals of one workspace's ledger, kept on one row so that every change to them happens under that
/// row's lock (see <c>LedgerService</c>). The rules live here, free of the database, so they can be unit-tested:
/// <c>Balance</c> = grants + refunds − captures, <c>Held</c> = holds − captures − releases, and
/// <c>Available</c> = Balance − Held is never negative.
/// </summary>
public sealed class Wallet
{
    public const long DefaultLowThreshold = 10;

    public Guid WorkspaceId { get; set; }

    public long Balance { get; set; }

    public long Held { get; set; }

    /// <summary>The amount of the last top-up grant (purchase, credit pack, trial), for the default low threshold.</summary>
    public long? LastTopUp { get; set; }

    /// <summary>Explicit per-wallet threshold; when null, 20% of the last top-up (rounded up), or 10 before any.</summary>
    public long? LowThresholdOverride { get; set; }

    public bool Low { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Available => Balance - Held;

    public long LowThreshold => LowThresholdOverride
        ?? (LastTopUp is > 0 and var topUp ? (topUp + 4) / 5 : DefaultLowThreshold);

    public static bool IsTopUp(string grantKind) => grantKind is GrantKinds.Purchase or GrantKinds.CreditPack or GrantKinds.Trial;

    /// <summary>A grant or a refund.</summary>
    public void Credit(long amount, bool topUp)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        Balance = checked(Balance + amount);
        if (topUp)
        {
            LastTopUp = amount;
        }
    }

    /// <summary>Reserves <paramref name="amount"/> if available; otherwise changes nothing and returns false.</summary>
    public bool TryHold(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        if (Available < amount)
        {
            return false;
        }

        Held += amount;
        return true;
    }

    /// <summary>Closes a hold of <paramref name="heldAmount"/>, charging <paramref name="charged"/> of it (0 = release).</summary>
    public void Settle(long heldAmount, long charged)
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
    }

    /// <summary>Updates the low flag; returns the event when the balance has just crossed the threshold (once per crossing).</summary>
    public WalletEvent? TrackLowBalance(DateTimeOffset now)
    {
        var threshold = LowThreshold;
        var low = Balance < threshold;
        if (low == Low)
        {
            return null;
        }

        Low = low;
        return new WalletEvent
        {
            WorkspaceId = WorkspaceId,
            Kind = low ? WalletEvent.Low : WalletEvent.Resolved,
            Balance = Balance,
            Threshold = threshold,
            CreatedAt = now,
        };
    }

    public WalletDto ToDto() => new(WorkspaceId, Balance, Held, Available, Low, LowThreshold, UpdatedAt);
}
