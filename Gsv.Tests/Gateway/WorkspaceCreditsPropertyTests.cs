using Gsv.ControlPlane.Client;
using Gsv.Gateway.Credits;
using static Gsv.Gateway.Credits.CreditCommandKind;

namespace Gsv.Tests.Gateway;

/// <summary>
/// Issue 22, item 1: random event sequences against the credit state machine and a ledger of one wallet that applies
/// its commands in random order, some failing. Whatever the order: a run is answered exactly once; no share is
/// granted that its hold does not cover; nothing is released or closed twice; and once the runs end and the gateway
/// stops, every hold is closed and every credit not charged is back in the wallet. Even seeds keep shares warm after
/// runs (item 4), odd ones hold ahead only while runs overlap.
/// </summary>
public sealed class WorkspaceCreditsPropertyTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 200)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_sequences_keep_every_credit_accounted_for(int seed) =>
        new Simulation(seed, seed % 2 == 0 ? WorkspaceCreditsTests.WarmPolicy : WorkspaceCreditsTests.Policy).Run(steps: 400);

    private sealed class Simulation
    {
        private static readonly PoolKey[] Pools = [new(Guid.NewGuid(), 1), new(Guid.NewGuid(), 2), new(Guid.NewGuid(), 5)];

        private readonly Random _random;
        private readonly CreditPolicy _policy;
        private readonly WorkspaceCredits _credits;
        private readonly List<CreditCommand> _inFlight = [];

        /// <summary>Ledger: the balance and the open holds, by id, with what each has left.</summary>
        private long _balance;

        private long _charged;
        private readonly long _granted;
        private readonly Dictionary<Guid, long> _held = [];

        /// <summary>Runs in progress: their pool and the shared hold they were granted a share of (null: their own hold).</summary>
        private readonly List<(PoolKey Pool, Guid RunId, Guid? SharedHold)> _running = [];

        /// <summary>Settlements of runs on shared holds, not landed yet.</summary>
        private readonly List<(Guid HoldId, long Price, bool Capture)> _settling = [];

        private readonly Dictionary<long, (Guid RunId, int Holds)> _waiting = [];
        private readonly HashSet<long> _answered = [];
        private readonly HashSet<Guid> _closes = [];
        private readonly HashSet<Guid> _partReleases = [];
        private long _now;
        private long _tickets;

        public Simulation(int seed, CreditPolicy policy)
        {
            _random = new Random(seed);
            (_policy, _credits) = (policy, new WorkspaceCredits(Guid.NewGuid(), policy));
            _balance = _granted = _random.Next(5, 120);
        }

        public void Run(int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                Step();
                CheckSharesCovered();
            }

            // The runs end, every command lands, the pools go idle, the gateway stops, and what it sends lands.
            while (_running.Count > 0 || _settling.Count > 0 || _inFlight.Count > 0)
            {
                if (_running.Count > 0)
                {
                    EndRun(_running.Count - 1);
                }
                else if (_settling.Count > 0)
                {
                    LandSettlement(0);
                }
                else
                {
                    Land(0, fail: false);
                }
            }

            _now += Math.Max(_policy.Idle, _policy.KeepWarm);
            Do(c => _credits.Tick(_now, c));
            Do(_credits.Stop);
            while (_inFlight.Count > 0)
            {
                Land(0, fail: false);
            }

            Assert.Empty(_held);
            Assert.Equal(_granted, _balance + _charged);
            Assert.Equal(_waiting.Keys.Order(), _answered.Order());
            Assert.Equal(0, _credits.ReadyShares);
            Assert.False(_credits.Reclaiming);
        }

        private void Step()
        {
            var roll = _random.Next(100);
            if (roll < 30)
            {
                var ticket = ++_tickets;
                var runId = Guid.CreateVersion7();
                _waiting[ticket] = (runId, 0);
                Do(c => _credits.RunArrived(_now, Pools[_random.Next(Pools.Length)], ticket, runId, c));
            }
            else if (roll < 65 && _inFlight.Count > 0)
            {
                Land(_random.Next(_inFlight.Count), fail: _random.Next(10) == 0);
            }
            else if (roll < 80 && _running.Count > 0)
            {
                EndRun(_random.Next(_running.Count));
            }
            else if (roll < 90 && _settling.Count > 0)
            {
                LandSettlement(_random.Next(_settling.Count));
            }
            else
            {
                _now += _random.Next(0, 4) switch { 0 => 1, 1 => 50, 2 => 1_000, _ => 70_000 };
                Do(c => _credits.Tick(_now, c));
            }
        }

        private void Do(Action<List<CreditCommand>> happened)
        {
            var commands = new List<CreditCommand>();
            happened(commands);
            foreach (var command in commands)
            {
                switch (command.Kind)
                {
                    case Grant:
                        Assert.True(_answered.Add(command.Ticket), $"Run {command.Ticket} answered twice.");
                        Assert.True(_held.ContainsKey(command.HoldId), "A share of a hold the ledger does not have.");
                        _running.Add((command.Pool, command.RunId, command.HoldId));
                        break;
                    case Answer:
                        Assert.True(_answered.Add(command.Ticket), $"Run {command.Ticket} answered twice.");
                        if (_held.ContainsKey(command.RunId))
                        {
                            _running.Add((command.Pool, command.RunId, null));
                        }

                        break;
                    case Hold:
                        var (runId, holds) = _waiting[command.Ticket];
                        Assert.True(holds < 2, $"Run {command.Ticket} sent a third hold.");
                        Assert.DoesNotContain(command.Ticket, _answered);
                        _waiting[command.Ticket] = (runId, holds + 1);
                        _inFlight.Add(command);
                        break;
                    case CreditCommandKind.ReleasePart:
                        Assert.True(_partReleases.Add(command.HoldId), "Shares of a hold released twice.");
                        Assert.DoesNotContain(command.HoldId, _closes);
                        _inFlight.Add(command);
                        break;
                    case Close:
                        Assert.True(_closes.Add(command.HoldId), "A hold closed twice.");
                        _inFlight.Add(command);
                        break;
                    default:
                        _inFlight.Add(command);
                        break;
                }
            }
        }

        /// <summary>The ledger applies one command and the machine is told (a failed hold was not held; a failed part release is released on close).</summary>
        private void Land(int index, bool fail)
        {
            var command = _inFlight[index];
            _inFlight.RemoveAt(index);
            switch (command.Kind)
            {
                case Hold:
                case Refill:
                    var id = command.Kind == Hold ? command.RunId : command.HoldId;
                    var answer = fail ? HoldAnswer.Failed : HoldInLedger(id, command.Amount);
                    // A refill whose answer is lost may have been held: the machine closes it either way.
                    if (fail && command.Kind == Refill && _random.Next(2) == 0)
                    {
                        HoldInLedger(id, command.Amount);
                    }

                    Do(c =>
                    {
                        _credits.Observe(Wallet());
                        if (command.Kind == Hold)
                        {
                            _credits.HoldAnswered(_now, command.Ticket, answer, c);
                        }
                        else
                        {
                            _credits.RefillAnswered(_now, command.HoldId, answer, c);
                        }
                    });
                    break;
                case CreditCommandKind.ReleasePart:
                    if (!fail)
                    {
                        Assert.True(_held[command.HoldId] >= command.Amount, "More released than the hold has left.");
                        _held[command.HoldId] -= command.Amount;
                    }

                    Do(c => _credits.PartReleaseLanded(_now, command.HoldId, c));
                    break;
                case Close:
                    _held.Remove(command.HoldId);
                    Do(c => _credits.CloseLanded(_now, command.HoldId, c));
                    break;
            }
        }

        private HoldAnswer HoldInLedger(Guid id, long amount)
        {
            if (_balance - _held.Values.Sum() < amount)
            {
                return HoldAnswer.InsufficientCredits;
            }

            _held[id] = amount;
            return HoldAnswer.Held;
        }

        private void EndRun(int index)
        {
            var (pool, runId, shared) = _running[index];
            _running.RemoveAt(index);
            _credits.RunEnded(_now, pool);
            var capture = _random.Next(4) > 0;
            if (shared is { } holdId)
            {
                _settling.Add((holdId, pool.Price, capture));
                return;
            }

            // Its own hold: captured or released whole.
            var amount = _held[runId];
            _held.Remove(runId);
            if (capture)
            {
                (_balance, _charged) = (_balance - amount, _charged + amount);
            }
        }

        private void LandSettlement(int index)
        {
            var (holdId, price, capture) = _settling[index];
            _settling.RemoveAt(index);
            Assert.True(_held.TryGetValue(holdId, out var left) && left >= price, "A run charged from a hold that no longer covers it.");
            if (capture)
            {
                _held[holdId] = left - price;
                (_balance, _charged) = (_balance - price, _charged + price);
            }

            Do(c => _credits.ShareSettled(holdId, c));
        }

        /// <summary>Every shared hold covers the runs granted a share of it that are not charged yet.</summary>
        private void CheckSharesCovered()
        {
            var owed = _running.Where(r => r.SharedHold is not null).Select(r => (Id: r.SharedHold!.Value, r.Pool.Price))
                .Concat(_settling.Select(s => (Id: s.HoldId, s.Price)))
                .GroupBy(r => r.Id, r => r.Price);
            foreach (var hold in owed)
            {
                Assert.True(_held.TryGetValue(hold.Key, out var left) && left >= hold.Sum(), "Shares granted beyond what their hold covers.");
            }

            Assert.True(_held.Values.Sum() <= _balance, "More held than the wallet has.");
        }

        private WalletDto Wallet()
        {
            var held = _held.Values.Sum();
            return new WalletDto(_credits.Id, _balance, held, _balance - held, false, 0, DateTimeOffset.UtcNow);
        }
    }
}
