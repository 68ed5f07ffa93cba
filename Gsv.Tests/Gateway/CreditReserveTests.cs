using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Gsv.ControlPlane.Client;
using Gsv.Gateway;
using static Gsv.Tests.Infrastructure.Polling;

namespace Gsv.Tests.Gateway;

/// <summary>
/// The gateway's credit reserve against an in-memory ledger with the Control Plane's batch rules (settlements first,
/// then holds in request order while credits are available): holds made ahead only under concurrency, taken without
/// a round trip, released when idle or when another run of the workspace needs them; keyed runs keep their own id.
/// </summary>
public sealed class CreditReserveTests
{
    private static readonly Guid Workspace = Guid.NewGuid();

    [Fact]
    public async Task Runs_one_at_a_time_hold_nothing_ahead()
    {
        var ledger = new InMemoryLedger(credits: 100);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions());
        var instance = Instance(Guid.NewGuid(), price: 2);

        for (var i = 0; i < 3; i++)
        {
            var hold = await credits.Reserve.HoldAsync(instance, ownRunId: null);
            Assert.True(hold.Held);
            credits.Reserve.Settle(instance, hold.RunId, capture: true, Record(instance, hold.RunId));
            await credits.Batcher.WhenSettledAsync(hold.RunId, TimeSpan.FromSeconds(10));
        }

        Assert.Equal(0, credits.Reserve.ReadyCount);
        Assert.Equal((94L, 0L), ledger.Wallet);
        Assert.Equal(3, ledger.HoldsRequested);
        Assert.Equal((94L, false), credits.Reserve.Projected(Workspace));
    }

    [Fact]
    public async Task Under_concurrency_holds_are_made_ahead_and_a_run_takes_one_without_a_round_trip()
    {
        var ledger = new InMemoryLedger(credits: 1000);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions { CreditPrefetchMax = 16 });
        var instance = Instance(Guid.NewGuid(), price: 1);
        using var holdsBySource = new HoldSources(credits.Meters);

        var running = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => credits.Reserve.HoldAsync(instance, ownRunId: null)));
        Assert.All(running, hold => Assert.True(hold.Held));
        await Eventually(() => credits.Reserve.ReadyCount > 0);

        var heldBefore = ledger.HeldRunIds;
        var next = await credits.Reserve.HoldAsync(instance, ownRunId: null);
        Assert.Contains(next.RunId, heldBefore);
        Assert.InRange(holdsBySource.Ready, 1, 9);
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
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions { CreditPrefetchIdle = TimeSpan.FromMilliseconds(300) });
        var instance = Instance(Guid.NewGuid(), price: 1);

        var running = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => credits.Reserve.HoldAsync(instance, ownRunId: null)));
        await Eventually(() => credits.Reserve.ReadyCount > 0);
        foreach (var hold in running)
        {
            credits.Reserve.Settle(instance, hold.RunId, capture: true, Record(instance, hold.RunId));
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

        var running = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => credits.Reserve.HoldAsync(instance, ownRunId: null)));
        await Eventually(() => credits.Reserve.ReadyCount > 0);
        foreach (var hold in running.Take(4))
        {
            credits.Reserve.Settle(instance, hold.RunId, capture: true, Record(instance, hold.RunId));
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
                var hold = await credits.Reserve.HoldAsync(instance, ownRunId: null);
                if (hold.Held)
                {
                    await Task.Delay(Random.Shared.Next(1, runMs));
                    credits.Reserve.Settle(instance, hold.RunId, capture: true, Record(instance, hold.RunId));
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

        var running = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => credits.Reserve.HoldAsync(first, ownRunId: null)));
        Assert.All(running, hold => Assert.True(hold.Held));
        await Eventually(() => credits.Reserve.ReadyCount > 0 && ledger.Wallet.Held == 5 + credits.Reserve.ReadyCount);
        var elsewhere = ledger.HoldTheRest();

        // The second instance's first run finds the wallet empty: the first instance's ready holds are released for it.
        var other = await credits.Reserve.HoldAsync(second, ownRunId: null);
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

        var held = await credits.Reserve.HoldAsync(instance, ownRunId: null);
        var refused = await credits.Reserve.HoldAsync(instance, ownRunId: null);

        Assert.True(held.Held);
        Assert.Equal(CreditOutcomes.InsufficientCredits, refused.Outcome);
        Assert.Equal((3L, 1L), (refused.Wallet!.Balance, refused.Wallet.Available));
    }

    [Fact]
    public async Task A_run_with_its_own_id_is_held_under_it_even_when_holds_are_ready()
    {
        var ledger = new InMemoryLedger(credits: 1000);
        await using var credits = await RunningCredits.StartAsync(ledger, new GatewayOptions());
        var instance = Instance(Guid.NewGuid(), price: 1);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => credits.Reserve.HoldAsync(instance, ownRunId: null)));
        await Eventually(() => credits.Reserve.ReadyCount > 0);

        var own = Guid.CreateVersion7();
        var hold = await credits.Reserve.HoldAsync(instance, own);
        Assert.Equal((own, true), (hold.RunId, hold.Held));
        Assert.Contains(own, ledger.HeldRunIds);
    }

    private static InstanceDto Instance(Guid id, long price) => new(
        id, Workspace, "support-agent", null, null, "agent", "support-agent", price, false, [], InstanceState.Active, false, null,
        null, null, "flow", null, null, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private static RunDto Record(InstanceDto instance, Guid runId) => new(
        runId, instance.Id, Workspace, "test", RunStatuses.Succeeded, instance.CreditsPerRun, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);

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

    /// <summary>The Control Plane's batch endpoint over one in-memory wallet: settlements first, then holds in order.</summary>
    private sealed class InMemoryLedger(long credits) : HttpMessageHandler
    {
        /// <summary>Most time a batch call takes (a random share of it each call), so batches interleave as they do over a network.</summary>
        public TimeSpan Latency { get; init; }

        private readonly Dictionary<Guid, long> _held = [];
        private long _balance = credits;

        public int HoldsRequested { get; private set; }

        public (long Balance, long Held) Wallet
        {
            get
            {
                lock (_held)
                {
                    return (_balance, _held.Values.Sum());
                }
            }
        }

        /// <summary>Holds every credit still available (as another gateway would); returns how many.</summary>
        public long HoldTheRest()
        {
            lock (_held)
            {
                var rest = _balance - _held.Values.Sum();
                _held[Guid.NewGuid()] = rest;
                return rest;
            }
        }

        public HashSet<Guid> HeldRunIds
        {
            get
            {
                lock (_held)
                {
                    return [.. _held.Keys];
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
            lock (_held)
            {
                var settlements = batch.Settlements.Select(s =>
                {
                    if (!_held.Remove(s.RunId, out var amount))
                    {
                        return new CreditBatchItemResult(s.RunId, CreditOutcomes.NotFound, 0, null, null);
                    }

                    _balance -= s.Capture ? amount : 0;
                    return new CreditBatchItemResult(s.RunId, s.Capture ? CreditOutcomes.Captured : CreditOutcomes.Released, s.Capture ? amount : 0, null, null);
                }).ToList();
                var holds = batch.Holds.Select(h =>
                {
                    HoldsRequested++;
                    if (_balance - _held.Values.Sum() < h.Amount)
                    {
                        return new CreditBatchItemResult(h.RunId, CreditOutcomes.InsufficientCredits, 0, null, null);
                    }

                    _held[h.RunId] = h.Amount;
                    return new CreditBatchItemResult(h.RunId, CreditOutcomes.Held, h.Amount, null, null);
                }).ToList();
                var held = _held.Values.Sum();
                var wallet = new WalletDto(Workspace, _balance, held, _balance - held, Low: false, LowThreshold: 0, DateTimeOffset.UtcNow);
                result = new CreditBatchResult([.. settlements.Select(r => r with { Wallet = wallet })], [.. holds.Select(r => r with { Wallet = wallet })]);
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(result) };
        }
    }
}
