using Gsv.ControlPlane.Client;
using Gsv.Gateway.Credits;
using static Gsv.Gateway.Credits.CreditCommandKind;

namespace Gsv.Tests.Gateway;

/// <summary>
/// Issue 22, item 1: the gateway's credit state machine, told events and checked on the commands it returns — no
/// HTTP, no threads, no clock (one timestamp tick is a millisecond here).
/// </summary>
public sealed class WorkspaceCreditsTests
{
    /// <summary>Shares ahead only while runs overlap (nothing kept warm).</summary>
    internal static readonly CreditPolicy Policy = new(PrefetchMax: 16, Window: 100, Idle: 2_000, KeepWarm: 0, ForgetAfter: 600_000, MaxReadyAge: 60_000, Pause: 1_000);

    /// <summary>And a few kept for two minutes after a run (issue 22, item 4).</summary>
    internal static readonly CreditPolicy WarmPolicy = Policy with { KeepWarm = 120_000 };

    private static readonly PoolKey A = new(Guid.NewGuid(), 1);
    private static readonly PoolKey B = new(Guid.NewGuid(), 2);
    private static readonly PoolKey C = new(Guid.NewGuid(), 3);

    private WorkspaceCredits _credits = new(Guid.NewGuid(), Policy);
    private long _tickets;

    [Fact]
    public void A_run_alone_gets_its_own_hold_and_nothing_is_held_ahead()
    {
        for (var now = 0; now < 1_000; now += 200)
        {
            var (ticket, sent) = Arrive(A, now);
            Assert.Equal([Hold], Kinds(sent));
            Assert.Equal(A.Price, sent[0].Amount);

            var answered = Do(c => _credits.HoldAnswered(now + 5, ticket, HoldAnswer.Held, c));
            Assert.Equal([Answer], Kinds(answered));
            Assert.Equal(ticket, answered[0].Ticket);
            _credits.RunEnded(now + 50, A);
        }

        Assert.Equal(0, _credits.ReadyShares);
    }

    [Fact]
    public void Overlapping_runs_refill_shares_ahead_which_the_next_run_takes_without_the_ledger()
    {
        Assert.Equal([Hold], Kinds(Arrive(A, 0).Commands));
        var second = Arrive(A, 1).Commands;
        // Two runs at once: twice the runs of the window plus four shares, in one hold ahead.
        Assert.Equal([Hold, Refill], Kinds(second));
        var refill = second[1];
        Assert.Equal(8 * A.Price, refill.Amount);
        Assert.Empty(Do(c => _credits.RefillAnswered(3, refill.HoldId, HoldAnswer.Held, c)));
        Assert.Equal(8, _credits.ReadyShares);

        // The third run takes a share (and, three runs in the window, tops the shares ahead up).
        var (ticket, granted) = Arrive(A, 4);
        Assert.Equal([Grant, Refill], Kinds(granted));
        Assert.Equal((ticket, refill.HoldId), (granted[0].Ticket, granted[0].HoldId));
        Assert.Equal(7, _credits.ReadyShares);
    }

    [Fact]
    public void Shares_ahead_are_never_more_than_half_of_what_the_wallet_has_available()
    {
        _credits.Observe(Wallet(available: 6));
        Arrive(A, 0);
        var refill = Arrive(A, 1).Commands.Single(c => c.Kind == Refill);
        Assert.Equal(3 * A.Price, refill.Amount);
    }

    [Fact]
    public void A_hold_ahead_closes_after_the_settlement_of_its_last_run_and_not_before()
    {
        var hold = ReadyHold(A, shares: 8);
        // Eight runs take the eight shares (a refill goes out for the next ones); the ninth holds its own credits.
        var runs = Enumerable.Range(0, 8).Select(i => Arrive(A, 10 + i).Commands.First()).ToList();
        Assert.All(runs, r => Assert.Equal((Grant, hold), (r.Kind, r.HoldId)));
        Assert.Equal([Hold], Kinds(Arrive(A, 20).Commands.Where(c => c.Kind != Refill).ToList()));

        for (var i = 0; i < 7; i++)
        {
            _credits.RunEnded(30, A);
            Assert.Empty(Do(c => _credits.ShareSettled(hold, c)));
        }

        _credits.RunEnded(30, A);
        var closed = Do(c => _credits.ShareSettled(hold, c));
        Assert.Equal((Close, hold, false), (closed.Single().Kind, closed.Single().HoldId, closed.Single().Urgent));
    }

    [Fact]
    public void Idle_shares_are_released_as_a_part_while_runs_settle_and_the_hold_closes_after_both()
    {
        var hold = ReadyHold(A, shares: 8);
        Assert.Equal(Grant, Arrive(A, 10).Commands.First().Kind);

        Assert.Empty(Do(c => _credits.Tick(10 + Policy.Idle - 1, c)));
        var released = Do(c => _credits.Tick(10 + Policy.Idle, c)).Single();
        Assert.Equal((CreditCommandKind.ReleasePart, hold, 7 * A.Price, false), (released.Kind, released.HoldId, released.Amount, released.Urgent));
        Assert.Equal(0, _credits.ReadyShares);

        // The run's settlement lands first: the hold waits for its part release, then closes.
        _credits.RunEnded(3_000, A);
        Assert.Empty(Do(c => _credits.ShareSettled(hold, c)));
        Assert.Equal([Close], Kinds(Do(c => _credits.PartReleaseLanded(3_001, hold, c))));
    }

    [Fact]
    public void Shares_older_than_the_ledger_keeps_them_are_released_even_while_the_pool_is_busy()
    {
        // Held at 1 (when it was asked for); the pool is in use at each tick.
        var hold = ReadyHold(A, shares: 8);
        var young = Policy.MaxReadyAge - 10;
        Assert.Equal(Grant, Arrive(A, young).Commands.First().Kind);
        Assert.DoesNotContain(Do(c => _credits.Tick(young + 1, c)), c => c.HoldId == hold);

        Assert.Equal(Grant, Arrive(A, Policy.MaxReadyAge).Commands.First().Kind);
        var released = Do(c => _credits.Tick(Policy.MaxReadyAge + 1, c)).Single(c => c.HoldId == hold);
        Assert.Equal((CreditCommandKind.ReleasePart, 6 * A.Price), (released.Kind, released.Amount));
    }

    [Fact]
    public void A_refused_run_waits_for_the_workspace_shares_to_be_released_then_tries_once_more()
    {
        var ahead = ReadyHold(A, shares: 8);
        var (ticket, sent) = Arrive(B, 100);
        Assert.Equal([Hold], Kinds(sent));

        // Refused: every ready share of the workspace is released at once, and the run waits for that.
        var reclaim = Do(c => _credits.HoldAnswered(110, ticket, HoldAnswer.InsufficientCredits, c));
        Assert.Equal((Close, ahead, true), (reclaim.Single().Kind, reclaim.Single().HoldId, reclaim.Single().Urgent));
        Assert.True(_credits.Reclaiming);

        var retry = Do(c => _credits.CloseLanded(120, ahead, c));
        Assert.Equal((Hold, ticket), (retry.Single().Kind, retry.Single().Ticket));
        Assert.False(_credits.Reclaiming);

        // Refused again: the run is answered (with the refusal), once.
        var answer = Do(c => _credits.HoldAnswered(130, ticket, HoldAnswer.InsufficientCredits, c));
        Assert.Equal((Answer, ticket), (answer.Single().Kind, answer.Single().Ticket));
    }

    [Fact]
    public void A_reclaim_waits_for_the_refills_out_and_runs_refused_meanwhile_join_it()
    {
        Arrive(A, 0);
        var refill = Arrive(A, 1).Commands.Single(c => c.Kind == Refill).HoldId;
        var first = Arrive(B, 2).Ticket;
        var second = Arrive(C, 3).Ticket;

        Assert.Empty(Do(c => _credits.HoldAnswered(10, first, HoldAnswer.InsufficientCredits, c)));
        Assert.Empty(Do(c => _credits.HoldAnswered(11, second, HoldAnswer.InsufficientCredits, c)));
        // The refill lands held: it is released (closed, as no run took a share), and only then do both runs retry.
        var released = Do(c => _credits.RefillAnswered(12, refill, HoldAnswer.Held, c));
        Assert.Equal((Close, refill, true), (released.Single().Kind, released.Single().HoldId, released.Single().Urgent));
        var retries = Do(c => _credits.CloseLanded(13, refill, c));
        Assert.Equal([(Hold, first), (Hold, second)], retries.Select(c => (c.Kind, c.Ticket)).OrderBy(c => c.Ticket));
    }

    [Fact]
    public void A_hold_sent_before_a_reclaim_landed_and_refused_after_it_retries_without_another()
    {
        var ahead = ReadyHold(A, shares: 8);
        var early = Arrive(B, 100).Ticket;
        var refused = Arrive(C, 101).Ticket;
        var reclaim = Do(c => _credits.HoldAnswered(110, refused, HoldAnswer.InsufficientCredits, c)).Single();
        Do(c => _credits.CloseLanded(120, reclaim.HoldId, c));

        var retry = Do(c => _credits.HoldAnswered(130, early, HoldAnswer.InsufficientCredits, c));
        Assert.Equal((Hold, early), (retry.Single().Kind, retry.Single().Ticket));
        Assert.False(_credits.Reclaiming);
        Assert.Equal(ahead, reclaim.HoldId);
    }

    [Fact]
    public void A_refill_without_an_answer_is_closed_and_refills_pause()
    {
        Arrive(A, 0);
        var refill = Arrive(A, 1).Commands.Single(c => c.Kind == Refill).HoldId;
        var closed = Do(c => _credits.RefillAnswered(10, refill, HoldAnswer.Failed, c));
        Assert.Equal((Close, refill, false), (closed.Single().Kind, closed.Single().HoldId, closed.Single().Urgent));

        Assert.DoesNotContain(Arrive(A, 10 + Policy.Pause - 1).Commands, c => c.Kind == Refill);
        Assert.Contains(Arrive(A, 10 + Policy.Pause).Commands, c => c.Kind == Refill);
    }

    [Fact]
    public void Stopping_releases_every_ready_share_now_and_refills_as_they_land()
    {
        var ready = ReadyHold(A, shares: 8);
        Arrive(B, 10);
        var refill = Arrive(B, 11).Commands.Single(c => c.Kind == Refill).HoldId;

        var stopped = Do(_credits.Stop);
        Assert.Equal((Close, ready, true), (stopped.Single().Kind, stopped.Single().HoldId, stopped.Single().Urgent));
        var landed = Do(c => _credits.RefillAnswered(20, refill, HoldAnswer.Held, c));
        Assert.Equal((Close, refill, true), (landed.Single().Kind, landed.Single().HoldId, landed.Single().Urgent));
        Assert.DoesNotContain(Arrive(B, 30).Commands, c => c.Kind == Refill);
    }

    [Fact]
    public void A_pool_unused_for_ten_minutes_is_forgotten_and_its_workspace_left_empty()
    {
        var (ticket, _) = Arrive(A, 0);
        Do(c => _credits.HoldAnswered(5, ticket, HoldAnswer.Held, c));
        _credits.RunEnded(10, A);

        Do(c => _credits.Tick(Policy.ForgetAfter, c));
        Assert.Equal(1, _credits.PoolCount);
        Do(c => _credits.Tick(10 + Policy.ForgetAfter, c));
        Assert.Equal(0, _credits.PoolCount);
        Assert.True(_credits.IsEmpty);
    }

    [Fact]
    public void The_projection_adds_the_untaken_shares_to_the_wallet_available()
    {
        Assert.Equal((0L, false), _credits.Projected());
        _credits.Observe(Wallet(available: 40, threshold: 60));
        ReadyHold(B, shares: 8);
        Assert.Equal((40L + 8 * B.Price, true), _credits.Projected());
    }

    [Fact]
    public void After_a_run_two_shares_are_kept_warm_and_the_next_run_alone_takes_one_without_the_ledger()
    {
        _credits = new WorkspaceCredits(Guid.NewGuid(), WarmPolicy);

        // The very first run: its own hold, and nothing ahead until the wallet is known.
        var (first, sent) = Arrive(A, 0);
        Assert.Equal([Hold], Kinds(sent));
        _credits.Observe(Wallet(available: 100));
        var answered = Do(c => _credits.HoldAnswered(5, first, HoldAnswer.Held, c));
        Assert.Equal([Answer, Refill], Kinds(answered));
        var warm = answered[1];
        Assert.Equal(2 * A.Price, warm.Amount);
        Assert.Empty(Do(c => _credits.RefillAnswered(8, warm.HoldId, HoldAnswer.Held, c)));
        _credits.RunEnded(50, A);

        // Idle, but within the two minutes: the shares stay.
        Assert.Empty(Do(c => _credits.Tick(50 + WarmPolicy.Idle, c)));
        Assert.Equal(2, _credits.ReadyShares);

        // A run alone 30 s later takes a share at once; a refill of the one taken goes out in the background.
        var (next, granted) = Arrive(A, 30_000);
        Assert.Equal([Grant, Refill], Kinds(granted));
        Assert.Equal((next, warm.HoldId, A.Price), (granted[0].Ticket, granted[0].HoldId, granted[1].Amount));
        Assert.Empty(Do(c => _credits.RefillAnswered(30_005, granted[1].HoldId, HoldAnswer.Held, c)));
        _credits.RunEnded(30_050, A);
        Assert.Empty(Do(c => _credits.ShareSettled(warm.HoldId, c)));

        // Two minutes without a run: both holds are closed, what is left released.
        var released = Do(c => _credits.Tick(30_050 + WarmPolicy.KeepWarm, c));
        Assert.Equal([Close, Close], Kinds(released));
        Assert.Equal((warm.HoldId, granted[1].HoldId), (released[0].HoldId, released[1].HoldId));
        Assert.Equal(0, _credits.ReadyShares);
    }

    [Fact]
    public void After_a_burst_only_the_warm_shares_stay_renewed_before_they_grow_old_and_never_over_half_the_wallet()
    {
        _credits = new WorkspaceCredits(Guid.NewGuid(), WarmPolicy);
        var burst = ReadyHold(A, shares: 8);
        _credits.Observe(Wallet(available: 100));

        // Idle: the burst's eight shares go, two are held anew.
        var idle = Do(c => _credits.Tick(3 + WarmPolicy.Idle, c));
        Assert.Equal([Close, Refill], Kinds(idle));
        Assert.Equal((burst, 2 * A.Price), (idle[0].HoldId, idle[1].Amount));
        Assert.Empty(Do(c => _credits.RefillAnswered(3 + WarmPolicy.Idle, idle[1].HoldId, HoldAnswer.Held, c)));

        // A minute on they are renewed (the ledger's stale-hold sweep never meets them)…
        Assert.Empty(Do(c => _credits.Tick(2 + WarmPolicy.Idle + WarmPolicy.MaxReadyAge, c)));
        var renewed = Do(c => _credits.Tick(3 + WarmPolicy.Idle + WarmPolicy.MaxReadyAge, c));
        Assert.Equal([Close, Refill], Kinds(renewed));
        Assert.Equal(idle[1].HoldId, renewed[0].HoldId);

        // …as many as half of what the wallet has left allows.
        _credits.Observe(Wallet(available: 2));
        Assert.Empty(Do(c => _credits.RefillAnswered(3 + WarmPolicy.Idle + WarmPolicy.MaxReadyAge, renewed[1].HoldId, HoldAnswer.Refused, c)));
        var capped = Do(c => _credits.Tick(3 + WarmPolicy.Idle + WarmPolicy.MaxReadyAge + WarmPolicy.Pause, c));
        Assert.Equal((Refill, 1 * A.Price), (capped.Single().Kind, capped.Single().Amount));
    }

    /// <summary>Two overlapping runs of <paramref name="pool"/> (answered held, ended) and their refill of <paramref name="shares"/>, landed.</summary>
    private Guid ReadyHold(PoolKey pool, int shares)
    {
        var first = Arrive(pool, 0).Ticket;
        var (second, commands) = Arrive(pool, 1);
        var refill = commands.Single(c => c.Kind == Refill);
        Assert.Equal(shares * pool.Price, refill.Amount);
        foreach (var ticket in new[] { first, second })
        {
            Do(c => _credits.HoldAnswered(2, ticket, HoldAnswer.Held, c));
            _credits.RunEnded(3, pool);
        }

        Do(c => _credits.RefillAnswered(4, refill.HoldId, HoldAnswer.Held, c));
        return refill.HoldId;
    }

    private (long Ticket, List<CreditCommand> Commands) Arrive(PoolKey pool, long now)
    {
        var ticket = ++_tickets;
        return (ticket, Do(c => _credits.RunArrived(now, pool, ticket, Guid.CreateVersion7(), c)));
    }

    private static List<CreditCommand> Do(Action<List<CreditCommand>> happened)
    {
        var commands = new List<CreditCommand>();
        happened(commands);
        return commands;
    }

    private static List<CreditCommandKind> Kinds(IEnumerable<CreditCommand> commands) => [.. commands.Select(c => c.Kind)];

    private WalletDto Wallet(long available, long threshold = 0) =>
        new(_credits.Id, available, 0, available, false, threshold, DateTimeOffset.UtcNow);
}
