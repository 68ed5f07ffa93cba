using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Services;
using Gsv.Gateway;
using Microsoft.Extensions.Time.Testing;
using static Gsv.Tests.Infrastructure.Polling;

namespace Gsv.Tests.Gateway;

/// <summary>
/// The gateway's credit reserve against an in-memory ledger with the Control Plane's batch rules (settlements first,
/// then holds in request order while credits are available): credits held ahead only under concurrency, in one hold
/// shared by several runs, whose shares are taken without a round trip and charged under each run's own id; untaken
/// shares released when idle or when another run of the workspace needs them.
/// </summary>
public sealed class CreditReserveTests
{
    private static readonly Guid Workspace = Guid.NewGuid();

    [Fact]
    public async Task Runs_one_at_a_time_hold_nothing_ahead_when_nothing_is_kept_warm()
    {
        var ledger = new InMemoryLedger(credits: 100);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions { CreditKeepWarm = TimeSpan.Zero });
        var instance = Instance(Guid.NewGuid(), price: 2);

        for (var i = 0; i < 3; i++)
        {
            var hold = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());
            Assert.True(hold.Held);
            credits.Reserve.Settle(hold, capture: true, Record(instance, hold.RunId));
            await credits.Batcher.WhenSettledAsync(hold.RunId, TimeSpan.FromSeconds(10));
        }

        Assert.Equal(0, credits.Reserve.ReadyCount);
        Assert.Equal((94L, 0L), ledger.Wallet);
        Assert.Equal(3, ledger.HoldsRequested);
        Assert.Equal((94L, false), credits.Reserve.Projected(Workspace));
    }

    [Fact]
    public async Task Runs_one_at_a_time_take_shares_kept_warm_after_the_first_and_they_are_released_after_two_minutes_unused()
    {
        var ledger = new InMemoryLedger(credits: 100);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions(), clock);
        var instance = Instance(Guid.NewGuid(), price: 2);

        var first = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());
        Assert.Contains(first.RunId, ledger.HeldRunIds);
        credits.Reserve.Settle(first, capture: true, Record(instance, first.RunId));
        await credits.Batcher.WhenSettledAsync(first.RunId, TimeSpan.FromSeconds(10));
        await Eventually(() => credits.Reserve.ReadyCount == 2 && ledger.Wallet == (98L, 4L));

        // Each later run alone takes a share: no hold of its own; the share it took is held anew in the background.
        var later = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(20));
            var hold = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());
            Assert.True(hold.Held);
            Assert.DoesNotContain(hold.RunId, ledger.HeldRunIds);
            later.Add(hold.RunId);
            credits.Reserve.Settle(hold, capture: true, Record(instance, hold.RunId));
            await Eventually(() => credits.Reserve.ReadyCount == 2 && ledger.ChargedUnderSharedHolds.Count == later.Count);
        }

        Assert.Equal(later.Order(), ledger.ChargedUnderSharedHolds.Order());
        Assert.Equal(92L, ledger.Wallet.Balance);
        Assert.Equal((92L, false), credits.Reserve.Projected(Workspace));

        // Two minutes without a run: nothing is held any more.
        clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually(() => credits.Reserve.ReadyCount == 0 && ledger.Wallet == (92L, 0L) && ledger.OpenSharedHolds == 0);
    }

    [Fact]
    public async Task Under_concurrency_holds_are_made_ahead_and_a_run_takes_one_without_a_round_trip()
    {
        var ledger = new InMemoryLedger(credits: 1000);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions { CreditPrefetchMax = 16 });
        var instance = Instance(Guid.NewGuid(), price: 1);
        using var holdsBySource = new HoldSources(credits.Meters);

        var running = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => credits.Reserve.HoldAsync(instance, Guid.CreateVersion7())));
        Assert.All(running, hold => Assert.True(hold.Held));
        await Eventually(() => credits.Reserve.ReadyCount > 0);

        var takenBefore = holdsBySource.Ready;
        var next = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());
        Assert.True(next.Held);
        Assert.Equal(takenBefore + 1, holdsBySource.Ready);
        Assert.DoesNotContain(next.RunId, ledger.HeldRunIds);
        Assert.Equal(9, holdsBySource.Ready + holdsBySource.Requested);

        // Every credit held is a run in progress or a hold ready; the answer's balance is what is left once the nine
        // runs in progress are charged.
        await Eventually(() => ledger.Wallet.Held == 9 + credits.Reserve.ReadyCount);
        Assert.InRange(credits.Reserve.ReadyCount, 1, 16);
        Assert.Equal((991L, false), credits.Reserve.Projected(Workspace));
    }

    [Fact]
    public async Task Holds_made_ahead_are_released_when_unused()
    {
        var ledger = new InMemoryLedger(credits: 1000);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions { CreditPrefetchIdle = TimeSpan.FromMilliseconds(300), CreditKeepWarm = TimeSpan.Zero });
        var instance = Instance(Guid.NewGuid(), price: 1);

        var running = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => credits.Reserve.HoldAsync(instance, Guid.CreateVersion7())));
        await Eventually(() => credits.Reserve.ReadyCount > 0);
        foreach (var hold in running)
        {
            credits.Reserve.Settle(hold, capture: true, Record(instance, hold.RunId));
        }

        await Eventually(() => ledger.Wallet == (996L, 0L));
        Assert.Equal(0, credits.Reserve.ReadyCount);
    }

    [Fact]
    public async Task Stopping_releases_every_hold_made_ahead_and_sends_every_settlement()
    {
        var ledger = new InMemoryLedger(credits: 1000);
        var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions());
        var instance = Instance(Guid.NewGuid(), price: 1);

        var running = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => credits.Reserve.HoldAsync(instance, Guid.CreateVersion7())));
        await Eventually(() => credits.Reserve.ReadyCount > 0);
        foreach (var hold in running.Take(4))
        {
            credits.Reserve.Settle(hold, capture: true, Record(instance, hold.RunId));
        }

        await credits.DisposeAsync();

        // Four runs charged, two still running (held), nothing ready left behind.
        Assert.Equal((996L, 2L), ledger.Wallet);
    }

    /// <summary>
    /// Fifty runs racing for ten credits, arriving over a few milliseconds, with batch calls of varying latency: exactly
    /// ten are held, every time — none is refused while a credit sits ready or on its way to a pool.
    /// </summary>
    [Theory]
    [InlineData(3, 4, 4)]
    [InlineData(8, 1, 2)]
    [InlineData(15, 2, 30)]
    [InlineData(20, 5, 1)]
    public async Task Fifty_runs_racing_for_ten_credits_get_exactly_ten_holds_every_time(int latencyMs, int arrivalMs, int runMs)
    {
        for (var round = 0; round < 40; round++)
        {
            var ledger = new InMemoryLedger(credits: 10) { Latency = TimeSpan.FromMilliseconds(latencyMs) };
            await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions());
            var instance = Instance(Guid.NewGuid(), price: 1);

            var held = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                await Task.Delay(Random.Shared.Next(0, arrivalMs + 1));
                var hold = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());
                if (hold.Held)
                {
                    await Task.Delay(Random.Shared.Next(1, runMs));
                    credits.Reserve.Settle(hold, capture: true, Record(instance, hold.RunId));
                }

                return hold.Held;
            }));

            Assert.True(held.Count(h => h) == 10, $"Round {round}: {held.Count(h => h)} of 50 runs held a credit, not 10.");
        }
    }

    [Fact]
    public async Task A_run_short_of_credits_gets_those_held_ahead_for_another_instance_of_its_workspace()
    {
        var ledger = new InMemoryLedger(credits: 100);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions());
        var first = Instance(Guid.NewGuid(), price: 1);
        var second = Instance(Guid.NewGuid(), price: 1);

        var running = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => credits.Reserve.HoldAsync(first, Guid.CreateVersion7())));
        Assert.All(running, hold => Assert.True(hold.Held));
        await Eventually(() => credits.Reserve.ReadyCount > 0 && ledger.Wallet.Held == 5 + credits.Reserve.ReadyCount);
        var elsewhere = ledger.HoldTheRest();

        // The second instance's first run finds the wallet empty: the first instance's ready holds are released for it.
        var other = await credits.Reserve.HoldAsync(second, Guid.CreateVersion7());
        Assert.True(other.Held);
        Assert.Equal(0, credits.Reserve.ReadyCount);
        Assert.Equal((100L, 6 + elsewhere), ledger.Wallet);
    }

    [Fact]
    public async Task With_no_credits_left_a_run_is_refused_with_the_wallet()
    {
        var ledger = new InMemoryLedger(credits: 3);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions());
        var instance = Instance(Guid.NewGuid(), price: 2);

        var held = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());
        var refused = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());

        Assert.True(held.Held);
        Assert.Equal(CreditOutcome.InsufficientCredits, refused.Outcome);
        Assert.Equal((3L, 1L), (refused.Wallet!.Balance, refused.Wallet.Available));
    }

    [Fact]
    public async Task A_run_that_takes_a_share_keeps_its_id_and_is_charged_from_the_shared_hold_which_closes_after_its_last_run()
    {
        var ledger = new InMemoryLedger(credits: 1000);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions { CreditPrefetchIdle = TimeSpan.FromMilliseconds(300), CreditKeepWarm = TimeSpan.Zero });
        var instance = Instance(Guid.NewGuid(), price: 3);

        var running = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => credits.Reserve.HoldAsync(instance, Guid.CreateVersion7())));
        await Eventually(() => credits.Reserve.ReadyCount > 0);

        var own = Guid.CreateVersion7();
        var hold = await credits.Reserve.HoldAsync(instance, own);
        Assert.Equal((own, true), (hold.RunId, hold.Held));
        Assert.DoesNotContain(own, ledger.HeldRunIds);

        // While the run is in progress the idle shares go back, but the shared hold stays open for it: its three
        // credits stay held, with those of the four runs on holds of their own.
        await Eventually(() => credits.Reserve.ReadyCount == 0 && ledger.Wallet == (1000L, 15L));
        Assert.Equal(1, ledger.OpenSharedHolds);

        credits.Reserve.Settle(hold, capture: true, Record(instance, own));
        foreach (var other in running)
        {
            credits.Reserve.Settle(other, capture: false, Record(instance, other.RunId));
        }

        // Charged under its own id; the shared hold is closed once its last run settled; nothing is held any more.
        await Eventually(() => ledger.Wallet == (997L, 0L) && ledger.OpenSharedHolds == 0);
        Assert.Equal([own], ledger.ChargedUnderSharedHolds);
    }

    [Fact]
    public async Task A_workspace_idle_past_its_pools_is_pruned_and_a_later_run_of_it_starts_afresh_with_every_credit_accounted()
    {
        var ledger = new InMemoryLedger(credits: 100);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions { CreditKeepWarm = TimeSpan.Zero }, clock);
        var instance = Instance(Guid.NewGuid(), price: 3);

        var hold = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());
        credits.Reserve.Settle(hold, capture: true, Record(instance, hold.RunId));
        await credits.Batcher.WhenSettledAsync(hold.RunId, TimeSpan.FromSeconds(10));
        Assert.Equal(1, credits.Reserve.WorkspaceCount);

        // Unused for longer than a pool is kept (10 min): the sweep forgets the pool, then the workspace it leaves empty.
        clock.Advance(TimeSpan.FromMinutes(11));
        await Eventually(() => credits.Reserve.WorkspaceCount == 0);
        Assert.Equal((97L, 0L), ledger.Wallet);

        // The workspace's next run holds and settles as the first did; its projection is the ledger's.
        var next = await credits.Reserve.HoldAsync(instance, Guid.CreateVersion7());
        Assert.True(next.Held);
        credits.Reserve.Settle(next, capture: true, Record(instance, next.RunId));
        await credits.Batcher.WhenSettledAsync(next.RunId, TimeSpan.FromSeconds(10));
        Assert.Equal((94L, 0L), ledger.Wallet);
        Assert.Equal((94L, false), credits.Reserve.Projected(Workspace));
        Assert.Equal(1, credits.Reserve.WorkspaceCount);
    }

    private static InstanceDto Instance(Guid id, long price) => new(
        id, Workspace, "support-agent", null, null, "agent", "support-agent", price, false, [], InstanceState.Active, false, null,
        null, null, "flow", null, null, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private static RunDto Record(InstanceDto instance, Guid runId) => new(
        runId, instance.Id, Workspace, "test", RunStatus.Succeeded, instance.CreditsPerRun, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);

    /// <summary>Counts <c>gsv.gateway.credit_holds</c> by source, from one harness's meters only.</summary>
    private sealed class HoldSources : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _ready;
        private long _requested;

        public HoldSources(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "gsv.gateway.credit_holds" && instrument.Meter.Scope == meters)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "source")
                    {
                        Interlocked.Add(ref (string?)tag.Value == "ready" ? ref _ready : ref _requested, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Ready => Interlocked.Read(ref _ready);

        public long Requested => Interlocked.Read(ref _requested);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>
    /// The Control Plane's batch endpoint over one in-memory wallet: the ledger's own rules (<see cref="CreditBatchRules"/>),
    /// with the wallet, the holds and the replay guards kept in memory instead of PostgreSQL.
    /// </summary>
    private sealed class InMemoryLedger : HttpMessageHandler
    {
        private readonly Wallet _wallet;
        private readonly Dictionary<Guid, CreditHold> _holds = [];
        private readonly Dictionary<string, long> _entries = [];
        private readonly HashSet<Guid> _sharedHolds = [];

        public InMemoryLedger(long credits) =>
            _wallet = new Wallet { WorkspaceId = Workspace, Balance = credits, LowThresholdOverride = 0, UpdatedAt = DateTimeOffset.UtcNow };

        /// <summary>Most time a batch call takes (a random share of it each call), so batches interleave as they do over a network.</summary>
        public TimeSpan Latency { get; init; }

        public int HoldsRequested { get; private set; }

        public (long Balance, long Held) Wallet
        {
            get
            {
                lock (_holds)
                {
                    return (_wallet.Balance, _wallet.Held);
                }
            }
        }

        /// <summary>Holds every credit still available (as another gateway would); returns how many.</summary>
        public long HoldTheRest()
        {
            lock (_holds)
            {
                var rest = _wallet.Available;
                Apply(new CreditBatchRequest([], [new BatchHold(Guid.NewGuid(), Workspace, null, rest)]));
                return rest;
            }
        }

        /// <summary>Runs charged from a shared hold (under their own ids): the ledger entries that guard those charges.</summary>
        public List<Guid> ChargedUnderSharedHolds
        {
            get
            {
                lock (_holds)
                {
                    return [.. _entries.Keys.Where(k => k.StartsWith("capture:", StringComparison.Ordinal)).Select(k => Guid.Parse(k["capture:".Length..]))];
                }
            }
        }

        /// <summary>Shared holds (those a run was charged from or recorded under, or a part released of) still open.</summary>
        public int OpenSharedHolds
        {
            get
            {
                lock (_holds)
                {
                    return _sharedHolds.Count(id => _holds[id].Status == CreditHoldStatus.Open);
                }
            }
        }

        /// <summary>Every id the ledger has held credits under.</summary>
        public HashSet<Guid> HeldRunIds
        {
            get
            {
                lock (_holds)
                {
                    return [.. _holds.Keys];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/internal/v1/credits/batch", request.RequestUri!.AbsolutePath);
            var batch = (await request.Content!.ReadFromJsonAsync<CreditBatchRequest>(cancellationToken))!;
            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency * Random.Shared.NextDouble(), cancellationToken);
            }

            CreditBatchResult result;
            lock (_holds)
            {
                HoldsRequested += batch.Holds.Count;
                _sharedHolds.UnionWith(batch.Settlements.Where(s => s is not CloseHold && _holds.ContainsKey(s.SettledHold)).Select(s => s.SettledHold));
                result = Apply(batch);
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(result) };
        }

        /// <summary>The ledger's rules over the wallet; what they change stays in memory (under the caller's lock).</summary>
        private CreditBatchResult Apply(CreditBatchRequest batch)
        {
            var now = DateTimeOffset.UtcNow;
            return new CreditBatchRules(new Dictionary<Guid, Wallet> { [Workspace] = _wallet }, _holds, _entries, now).Apply(batch, wallet =>
            {
                wallet.UpdatedAt = now;
                return [];
            });
        }
    }
}
