using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;

namespace Gsv.Tests.ControlPlane;

/// <summary>The ledger rules of <see cref="Wallet"/>, which <c>LedgerService</c> applies under the wallet's row lock.</summary>
public sealed class WalletRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_hold_larger_than_available_changes_nothing()
    {
        var wallet = new Wallet();
        wallet.Credit(5, topUp: true);
        Assert.True(wallet.TryHold(3));
        Assert.False(wallet.TryHold(3));
        Assert.Equal((5L, 3L, 2L), (wallet.Balance, wallet.Held, wallet.Available));
    }

    [Fact]
    public void Capturing_part_of_a_hold_charges_that_part_and_frees_the_rest()
    {
        var wallet = new Wallet();
        wallet.Credit(10, topUp: true);
        Assert.True(wallet.TryHold(4));
        wallet.Settle(4, 1);
        Assert.Equal((9L, 0L, 9L), (wallet.Balance, wallet.Held, wallet.Available));
    }

    [Fact]
    public void Settling_more_than_held_or_charging_more_than_the_hold_is_refused()
    {
        var wallet = new Wallet();
        wallet.Credit(10, topUp: true);
        Assert.True(wallet.TryHold(4));
        Assert.Throws<InvalidOperationException>(() => wallet.Settle(5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => wallet.Settle(4, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => wallet.TryHold(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => wallet.Credit(-1, topUp: false));
        Assert.Equal((10L, 4L), (wallet.Balance, wallet.Held));
    }

    [Fact]
    public void Low_threshold_is_ten_before_any_top_up_then_a_fifth_of_the_largest_one_unless_set()
    {
        var wallet = new Wallet();
        Assert.Equal(10, wallet.LowThreshold);
        wallet.Credit(200, topUp: true);
        Assert.Equal(40, wallet.LowThreshold);
        wallet.Credit(7, topUp: false);
        Assert.Equal(40, wallet.LowThreshold);
        wallet.Credit(12, topUp: true); // smaller than the largest: the threshold stays
        Assert.Equal(40, wallet.LowThreshold);
        wallet.Credit(501, topUp: true);
        Assert.Equal(101, wallet.LowThreshold);
        wallet.LowThresholdOverride = 100;
        Assert.Equal(100, wallet.LowThreshold);
    }

    [Fact]
    public void Low_and_resolved_fire_once_per_crossing()
    {
        var wallet = new Wallet();
        wallet.Credit(100, topUp: true); // threshold 20
        Assert.Empty(wallet.TrackLowBalance(Now));

        Spend(wallet, 79); // balance 21
        Assert.Empty(wallet.TrackLowBalance(Now));
        Spend(wallet, 2); // 19 < 20
        var low = Assert.Single(wallet.TrackLowBalance(Now));
        Assert.Equal(WalletEventKind.Low, low.Kind);
        Assert.Equal((19L, 20L), (low.Balance, low.Threshold));
        Assert.True(wallet.Low);
        Spend(wallet, 5); // still low: no second event
        Assert.Empty(wallet.TrackLowBalance(Now));

        wallet.Credit(10, topUp: false); // 24 ≥ 20: re-armed
        Assert.Equal(WalletEventKind.Resolved, Assert.Single(wallet.TrackLowBalance(Now)).Kind);
        Assert.False(wallet.Low);
        Assert.Empty(wallet.TrackLowBalance(Now));

        Spend(wallet, 5); // 19: a new crossing
        Assert.Equal(WalletEventKind.Low, Assert.Single(wallet.TrackLowBalance(Now)).Kind);
    }

    [Fact]
    public void Reaching_zero_fires_empty_once_and_a_top_up_re_arms_it()
    {
        var wallet = new Wallet();
        wallet.Credit(100, topUp: true); // threshold 20
        Spend(wallet, 85); // 15: low
        Assert.Equal(WalletEventKind.Low, Assert.Single(wallet.TrackLowBalance(Now)).Kind);
        Spend(wallet, 15); // 0: empty, still low
        var empty = Assert.Single(wallet.TrackLowBalance(Now));
        Assert.Equal((WalletEventKind.Empty, 0L), (empty.Kind, empty.Balance));
        Assert.True(wallet.Empty);
        Assert.Empty(wallet.TrackLowBalance(Now));

        wallet.Credit(5, topUp: false); // 5: above zero (re-armed), still low
        Assert.Empty(wallet.TrackLowBalance(Now));
        Assert.False(wallet.Empty);
        Spend(wallet, 5);
        Assert.Equal(WalletEventKind.Empty, Assert.Single(wallet.TrackLowBalance(Now)).Kind);
    }

    [Fact]
    public void One_charge_from_above_the_threshold_to_zero_fires_low_then_empty()
    {
        var wallet = new Wallet();
        wallet.Credit(30, topUp: true); // threshold 6
        Spend(wallet, 30);
        Assert.Equal([WalletEventKind.Low, WalletEventKind.Empty], wallet.TrackLowBalance(Now).Select(e => e.Kind));
        Assert.All([WalletEventKind.Low, WalletEventKind.Empty], kind => Assert.True(WalletEvent.IsNotified(kind)));
        Assert.False(WalletEvent.IsNotified(WalletEventKind.Resolved));
    }

    /// <summary>
    /// Any sequence of grants, refunds, holds, captures (whole or partial) and releases: the wallet equals the sum of
    /// the ledger it would have written, available is never negative, and refused holds change nothing.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2026)]
    public void Randomized_sequences_keep_the_wallet_equal_to_the_sum_of_its_ledger(int seed)
    {
        var random = new Random(seed);
        var wallet = new Wallet();
        var ledger = new List<(LedgerEntryKind Kind, long Amount)>();
        var open = new List<long>();
        var refused = 0;
        for (var step = 0; step < 5000; step++)
        {
            switch (random.Next(6))
            {
                case 0 when random.Next(3) == 0:
                    var grant = random.Next(1, 30);
                    wallet.Credit(grant, topUp: random.Next(2) == 0);
                    ledger.Add((LedgerEntryKind.Grant, grant));
                    break;
                case 1 when random.Next(5) == 0:
                    var refund = random.Next(1, 5);
                    wallet.Credit(refund, topUp: false);
                    ledger.Add((LedgerEntryKind.Refund, refund));
                    break;
                case 2 or 3:
                    var hold = random.Next(1, 15);
                    var before = (wallet.Balance, wallet.Held);
                    if (wallet.TryHold(hold))
                    {
                        open.Add(hold);
                        ledger.Add((LedgerEntryKind.Hold, hold));
                    }
                    else
                    {
                        refused++;
                        Assert.Equal(before, (wallet.Balance, wallet.Held));
                        Assert.True(before.Balance - before.Held < hold);
                    }

                    break;
                case 4 when open.Count > 0:
                    var captured = TakeRandom(open, random);
                    var charged = random.Next(2) == 0 ? captured : random.Next(0, (int)captured + 1);
                    wallet.Settle(captured, charged);
                    ledger.Add((LedgerEntryKind.Capture, charged));
                    if (captured > charged)
                    {
                        ledger.Add((LedgerEntryKind.Release, captured - charged));
                    }

                    break;
                case 5 when open.Count > 0:
                    var released = TakeRandom(open, random);
                    wallet.Settle(released, 0);
                    ledger.Add((LedgerEntryKind.Release, released));
                    break;
            }

            wallet.TrackLowBalance(Now);
            Assert.True(wallet.Available >= 0, $"available went negative at step {step}");
            Assert.True(wallet.Held >= 0);
        }

        long Sum(LedgerEntryKind kind) => ledger.Where(e => e.Kind == kind).Sum(e => e.Amount);
        Assert.Equal(Sum(LedgerEntryKind.Grant) + Sum(LedgerEntryKind.Refund) - Sum(LedgerEntryKind.Capture), wallet.Balance);
        Assert.Equal(Sum(LedgerEntryKind.Hold) - Sum(LedgerEntryKind.Capture) - Sum(LedgerEntryKind.Release), wallet.Held);
        Assert.Equal(open.Sum(), wallet.Held);
        Assert.True(refused > 0, "the sequence should have exercised refused holds");
        Assert.Equal(wallet.Balance < wallet.LowThreshold, wallet.Low);
    }

    [Fact]
    public void Top_up_kinds_are_purchases_credit_packs_and_trials()
    {
        Assert.True(Wallet.IsTopUp(GrantKind.Purchase));
        Assert.True(Wallet.IsTopUp(GrantKind.CreditPack));
        Assert.True(Wallet.IsTopUp(GrantKind.Trial));
        Assert.False(Wallet.IsTopUp(GrantKind.Adjustment));
    }

    private static void Spend(Wallet wallet, long amount)
    {
        Assert.True(wallet.TryHold(amount));
        wallet.Settle(amount, amount);
    }

    private static long TakeRandom(List<long> open, Random random)
    {
        var index = random.Next(open.Count);
        var amount = open[index];
        open.RemoveAt(index);
        return amount;
    }
}
