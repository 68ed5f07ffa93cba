using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.ControlPlane.Services;
using Gsv.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace Gsv.Tests.ControlPlane;

/// <summary>
/// <see cref="LedgerService"/> against the platform's real PostgreSQL (the database the running Control Plane migrated),
/// each operation on its own connection and DbContext, as concurrent requests would be.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LedgerDatabaseTests(PlatformFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_hundred_concurrent_holds_of_one_credit_on_fifty_credits_exactly_fifty_succeed()
    {
        var options = await OptionsAsync();
        var workspaceId = await NewWorkspaceAsync(options);
        await using (var db = new ControlPlaneDbContext(options))
        {
            await Ledger(db).GrantAsync(workspaceId, 50, GrantKind.Purchase, $"order:{Guid.NewGuid()}", "test purchase");
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            await using var db = new ControlPlaneDbContext(options);
            try
            {
                await Ledger(db).HoldAsync(workspaceId, Guid.NewGuid(), null, 1);
                return true;
            }
            catch (InsufficientCreditsRefusal refusal)
            {
                Assert.Equal(0, refusal.Available);
                return false;
            }
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(attempts);

        var succeeded = results.Count(r => r);
        output.WriteLine($"200 concurrent holds of 1 on 50 credits: {succeeded} succeeded, {results.Length - succeeded} refused (insufficient_credits)");
        Assert.Equal(50, succeeded);

        await using var check = new ControlPlaneDbContext(options);
        var wallet = await check.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspaceId);
        Assert.Equal((50L, 50L, 0L), (wallet.Balance, wallet.Held, wallet.Available));
        Assert.Equal(50, await check.CreditHolds.CountAsync(h => h.WorkspaceId == workspaceId && h.Status == CreditHoldStatus.Open));
        await AssertLedgerMatchesWalletAsync(check, workspaceId);

        // Capturing every hold spends the wallet to exactly zero.
        var runIds = await check.CreditHolds.Where(h => h.WorkspaceId == workspaceId).Select(h => h.RunId).ToListAsync();
        await Task.WhenAll(runIds.Select(runId => Task.Run(async () =>
        {
            await using var db = new ControlPlaneDbContext(options);
            await Ledger(db).CaptureAsync(runId, null);
        })));
        check.ChangeTracker.Clear();
        wallet = await check.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspaceId);
        output.WriteLine($"after capturing all: balance {wallet.Balance}, held {wallet.Held}, available {wallet.Available}, low {wallet.Low}");
        Assert.Equal((0L, 0L, 0L), (wallet.Balance, wallet.Held, wallet.Available));
        Assert.True(wallet.Low);
        await AssertLedgerMatchesWalletAsync(check, workspaceId);
        Assert.Equal(1, await check.WalletEvents.CountAsync(e => e.WorkspaceId == workspaceId && e.Kind == WalletEventKind.Low));
    }

    [Fact]
    public async Task Replaying_a_grant_key_five_times_in_sequence_and_concurrently_adds_one_entry()
    {
        var options = await OptionsAsync();
        var workspaceId = await NewWorkspaceAsync(options);
        var key = $"order:{Guid.NewGuid()}:line:1";

        var sequential = new List<GrantResult>();
        for (var i = 0; i < 5; i++)
        {
            await using var db = new ControlPlaneDbContext(options);
            sequential.Add(await Ledger(db).GrantAsync(workspaceId, 30, GrantKind.Purchase, key, "replayed"));
        }

        Assert.Equal(1, sequential.Count(r => r.Created));
        Assert.Single(sequential.Select(r => r.EntryId).Distinct());
        Assert.All(sequential, r => Assert.Equal(30, r.Wallet.Balance));

        var concurrentKey = $"order:{Guid.NewGuid()}:line:2";
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var replays = Enumerable.Range(0, 5).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            await using var db = new ControlPlaneDbContext(options);
            return await Ledger(db).GrantAsync(workspaceId, 20, GrantKind.CreditPack, concurrentKey, "replayed concurrently");
        })).ToList();
        start.SetResult();
        var concurrent = await Task.WhenAll(replays);

        output.WriteLine($"5 sequential replays: {sequential.Count(r => r.Created)} created; 5 concurrent replays: {concurrent.Count(r => r.Created)} created");
        Assert.Equal(1, concurrent.Count(r => r.Created));
        Assert.Single(concurrent.Select(r => r.EntryId).Distinct());

        await using var check = new ControlPlaneDbContext(options);
        Assert.Equal(1, await check.LedgerEntries.CountAsync(e => e.IdempotencyKey == key));
        Assert.Equal(1, await check.LedgerEntries.CountAsync(e => e.IdempotencyKey == concurrentKey));
        Assert.Equal(50, (await check.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspaceId)).Balance);
        await AssertLedgerMatchesWalletAsync(check, workspaceId);
    }

    [Fact]
    public async Task The_same_key_with_a_different_amount_is_a_conflict_and_changes_nothing()
    {
        var options = await OptionsAsync();
        var workspaceId = await NewWorkspaceAsync(options);
        var key = $"adjust:{Guid.NewGuid()}";
        await using var db = new ControlPlaneDbContext(options);
        await Ledger(db).GrantAsync(workspaceId, 5, GrantKind.Adjustment, key, null);
        var conflict = await Assert.ThrowsAsync<ControlPlaneException>(() => Ledger(db).GrantAsync(workspaceId, 6, GrantKind.Adjustment, key, null));
        Assert.Equal("conflict", conflict.Code);
        Assert.Equal(5, (await db.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspaceId)).Balance);
    }

    [Fact]
    public async Task Holds_are_idempotent_on_run_id_and_settle_once()
    {
        var options = await OptionsAsync();
        var workspaceId = await NewWorkspaceAsync(options);
        var runId = Guid.NewGuid();
        await using var db = new ControlPlaneDbContext(options);
        var ledger = Ledger(db);
        await ledger.GrantAsync(workspaceId, 10, GrantKind.Trial, $"trial:{Guid.NewGuid()}", null);

        await ledger.HoldAsync(workspaceId, runId, null, 4);
        var again = await ledger.HoldAsync(workspaceId, runId, null, 4);
        Assert.Equal((10L, 4L), (again.Wallet.Balance, again.Wallet.Held));

        var captured = await ledger.CaptureAsync(runId, 3);
        Assert.Equal(3, captured.Charged);
        Assert.Equal((7L, 0L), (captured.Wallet.Balance, captured.Wallet.Held));
        Assert.Equal(3, (await ledger.CaptureAsync(runId, null)).Charged);
        var released = await Assert.ThrowsAsync<ControlPlaneException>(() => ledger.ReleaseAsync(runId));
        Assert.Equal("conflict", released.Code);

        var other = Guid.NewGuid();
        await ledger.HoldAsync(workspaceId, other, null, 7);
        await Assert.ThrowsAsync<InsufficientCreditsRefusal>(() => ledger.HoldAsync(workspaceId, Guid.NewGuid(), null, 1));
        Assert.Equal(0, (await ledger.ReleaseAsync(other)).Charged);
        Assert.Equal(0, (await ledger.ReleaseAsync(other)).Charged);
        await AssertLedgerMatchesWalletAsync(db, workspaceId);
    }

    [Fact]
    public async Task A_credit_batch_settles_before_it_holds_and_a_replay_changes_nothing()
    {
        var options = await OptionsAsync();
        var workspaceId = await NewWorkspaceAsync(options);
        var runs = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid()).ToArray();
        await using var db = new ControlPlaneDbContext(options);
        var ledger = Ledger(db);
        await ledger.GrantAsync(workspaceId, 3, GrantKind.Trial, $"trial:{Guid.NewGuid()}", null);

        // Five holds of 1 on 3 credits, in order: the first three are held.
        var first = await ledger.ApplyBatchAsync(new CreditBatchRequest([], [.. runs.Take(5).Select(r => new BatchHold(r, workspaceId, null, 1))]));
        Assert.Equal(
            [CreditOutcome.Held, CreditOutcome.Held, CreditOutcome.Held, CreditOutcome.InsufficientCredits, CreditOutcome.InsufficientCredits],
            first.Holds.Select(h => h.Outcome));
        Assert.Equal((3L, 3L, 0L), (first.Holds[4].Wallet!.Balance, first.Holds[4].Wallet!.Held, first.Holds[4].Wallet!.Available));

        // Settlements go first: capturing run 0 and releasing run 1 frees one credit for run 5; run 6 finds none.
        var second = new CreditBatchRequest(
            [new CloseHold(runs[0], Capture: true, null, null), new CloseHold(runs[1], Capture: false, null, null),
             new CloseHold(Guid.NewGuid(), Capture: true, null, null)],
            [new BatchHold(runs[5], workspaceId, null, 1), new BatchHold(runs[6], workspaceId, null, 1)]);
        var settled = await ledger.ApplyBatchAsync(second);
        Assert.Equal([CreditOutcome.Captured, CreditOutcome.Released, CreditOutcome.NotFound], settled.Settlements.Select(s => s.Outcome));
        Assert.Equal([1L, 0L], settled.Settlements.Take(2).Select(s => s.Amount));
        Assert.Equal([CreditOutcome.Held, CreditOutcome.InsufficientCredits], settled.Holds.Select(h => h.Outcome));
        Assert.Equal((2L, 2L, 0L), (settled.Holds[0].Wallet!.Balance, settled.Holds[0].Wallet!.Held, settled.Holds[0].Wallet!.Available));

        var entries = await db.LedgerEntries.CountAsync(e => e.WorkspaceId == workspaceId);
        db.ChangeTracker.Clear();
        var replay = await ledger.ApplyBatchAsync(second);
        Assert.Equal(settled.Settlements.Select(s => (s.Outcome, s.Amount)), replay.Settlements.Select(s => (s.Outcome, s.Amount)));
        Assert.Equal(settled.Holds.Select(h => h.Outcome), replay.Holds.Select(h => h.Outcome));
        Assert.Equal(entries, await db.LedgerEntries.CountAsync(e => e.WorkspaceId == workspaceId));

        // A run record of another workspace is refused, and its hold stays open.
        var foreign = new RunDto(runs[2], Guid.NewGuid(), Guid.NewGuid(), "api-key", RunStatus.Succeeded, 1, 10, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);
        var refused = await ledger.ApplyBatchAsync(new CreditBatchRequest([new CloseHold(runs[2], Capture: true, null, foreign)], []));
        Assert.Equal(CreditOutcome.Invalid, refused.Settlements[0].Outcome);
        Assert.Equal(CreditHoldStatus.Open, (await db.CreditHolds.AsNoTracking().SingleAsync(h => h.RunId == runs[2])).Status);
        await AssertLedgerMatchesWalletAsync(db, workspaceId);
        output.WriteLine($"batch 1: {string.Join(", ", first.Holds.Select(h => h.Outcome))}; batch 2: {string.Join(", ", settled.Settlements.Concat(settled.Holds).Select(h => h.Outcome))}");
    }

    [Fact]
    public async Task A_stale_hold_is_released_without_charge_and_a_late_capture_is_refused()
    {
        var options = await OptionsAsync();
        var workspaceId = await NewWorkspaceAsync(options);
        var runId = Guid.NewGuid();
        await using var db = new ControlPlaneDbContext(options);
        var ledger = Ledger(db);
        await ledger.GrantAsync(workspaceId, 5, GrantKind.Trial, $"trial:{Guid.NewGuid()}", null);
        await ledger.HoldAsync(workspaceId, runId, null, 2);

        // Not stale yet: a sweep with a cut-off before the hold leaves it alone.
        await ledger.ReleaseStaleHoldsAsync(DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Equal(CreditHoldStatus.Open, (await db.CreditHolds.AsNoTracking().SingleAsync(h => h.RunId == runId)).Status);

        // As if the gateway had crashed mid-run long ago.
        Assert.True(await ledger.ReleaseStaleHoldsAsync(DateTimeOffset.UtcNow.AddSeconds(1)) >= 1);
        var wallet = await db.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspaceId);
        Assert.Equal((5L, 0L, 5L), (wallet.Balance, wallet.Held, wallet.Available));
        var late = await Assert.ThrowsAsync<ControlPlaneException>(() => ledger.CaptureAsync(runId, null));
        Assert.Equal("conflict", late.Code);
        await AssertLedgerMatchesWalletAsync(db, workspaceId);
    }

    [Fact]
    public async Task A_shared_hold_charges_each_run_its_price_releases_parts_and_closes_with_the_rest()
    {
        var options = await OptionsAsync();
        var workspaceId = await NewWorkspaceAsync(options);
        var instanceId = await NewInstanceAsync(options, workspaceId);
        var holdId = Guid.NewGuid();
        var (first, second, failed) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using var db = new ControlPlaneDbContext(options);
        var ledger = Ledger(db);
        await ledger.GrantAsync(workspaceId, 20, GrantKind.Trial, $"trial:{Guid.NewGuid()}", null);
        await ledger.ApplyBatchAsync(new CreditBatchRequest([], [new BatchHold(holdId, workspaceId, instanceId, 10)]));

        // Two runs charged 3 each under their own ids, one failed run recorded without charge; the hold stays open.
        var runs = new CreditBatchRequest(
            [Charge(first, 3), Charge(second, 3), new RecordFailedRun(failed, holdId, Record(failed, RunStatus.Failed))], []);
        var settled = await ledger.ApplyBatchAsync(runs);
        Assert.Equal([(CreditOutcome.Captured, 3L), (CreditOutcome.Captured, 3L), (CreditOutcome.Released, 0L)],
            settled.Settlements.Select(r => (r.Outcome, r.Amount)));
        Assert.Equal((14L, 4L), (settled.Settlements[0].Wallet!.Balance, settled.Settlements[0].Wallet!.Held));

        // A replay changes nothing; a charge beyond what the hold has left is refused and changes nothing either.
        var entries = await db.LedgerEntries.CountAsync(e => e.WorkspaceId == workspaceId);
        db.ChangeTracker.Clear();
        var replay = await ledger.ApplyBatchAsync(runs);
        Assert.Equal(settled.Settlements.Select(r => (r.Outcome, r.Amount)), replay.Settlements.Select(r => (r.Outcome, r.Amount)));
        var tooMuch = await ledger.ApplyBatchAsync(new CreditBatchRequest([Charge(Guid.NewGuid(), 5)], []));
        Assert.Equal(CreditOutcome.Invalid, tooMuch.Settlements[0].Outcome);
        Assert.Equal(entries, await db.LedgerEntries.CountAsync(e => e.WorkspaceId == workspaceId));

        // Untaken shares released as a part (once, however often it is sent), then the hold closed: the rest goes back.
        var part = new CreditBatchRequest([new ReleasePart(Guid.NewGuid(), holdId, 3)], []);
        Assert.Equal((CreditOutcome.Released, 3L), (await ledger.ApplyBatchAsync(part)).Settlements.Select(r => (r.Outcome, r.Amount)).Single());
        Assert.Equal(1L, (await ledger.ApplyBatchAsync(part)).Settlements[0].Wallet!.Held);
        var closed = await ledger.ApplyBatchAsync(new CreditBatchRequest([new CloseHold(holdId, Capture: false, null, null)], []));
        Assert.Equal((14L, 0L), (closed.Settlements[0].Wallet!.Balance, closed.Settlements[0].Wallet!.Held));

        var hold = await db.CreditHolds.AsNoTracking().SingleAsync(h => h.RunId == holdId);
        Assert.Equal((CreditHoldStatus.Released, 10L, 6L, 4L), (hold.Status, hold.Amount, hold.Charged, hold.Freed));
        var recorded = await db.Runs.AsNoTracking().Where(r => r.WorkspaceId == workspaceId).ToDictionaryAsync(r => r.RunId, r => r.CreditsCharged);
        Assert.Equal(new Dictionary<Guid, long> { [first] = 3, [second] = 3, [failed] = 0 }, recorded);
        var late = await ledger.ApplyBatchAsync(new CreditBatchRequest([Charge(Guid.NewGuid(), 1)], []));
        Assert.Equal(CreditOutcome.Conflict, late.Settlements[0].Outcome);
        await AssertLedgerMatchesWalletAsync(db, workspaceId);

        ChargeFromHold Charge(Guid runId, long amount) => new(runId, holdId, amount, Record(runId, RunStatus.Succeeded));

        RunDto Record(Guid runId, RunStatus status) =>
            new(runId, instanceId, workspaceId, "api-key", status, 0, 10, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);
    }

    /// <summary>The wallet row is exactly the sum of its ledger entries.</summary>
    private static async Task AssertLedgerMatchesWalletAsync(ControlPlaneDbContext db, Guid workspaceId)
    {
        var sums = await db.LedgerEntries.AsNoTracking().Where(e => e.WorkspaceId == workspaceId)
            .GroupBy(e => e.Kind).Select(g => new { Kind = g.Key, Sum = g.Sum(e => e.Amount) }).ToDictionaryAsync(g => g.Kind, g => g.Sum);
        long Sum(LedgerEntryKind kind) => sums.GetValueOrDefault(kind);
        var wallet = await db.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspaceId);
        Assert.Equal(Sum(LedgerEntryKind.Grant) + Sum(LedgerEntryKind.Refund) - Sum(LedgerEntryKind.Capture) - Sum(LedgerEntryKind.Expire), wallet.Balance);
        Assert.Equal(Sum(LedgerEntryKind.Hold) - Sum(LedgerEntryKind.Capture) - Sum(LedgerEntryKind.Release), wallet.Held);
        var openHolds = await db.CreditHolds.Where(h => h.WorkspaceId == workspaceId && h.Status == CreditHoldStatus.Open)
            .SumAsync(h => h.Amount - h.Charged - h.Freed);
        Assert.Equal(openHolds, wallet.Held);
        Assert.True(wallet.Available >= 0);
    }

    private async Task<DbContextOptions<ControlPlaneDbContext>> OptionsAsync()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await platform.GetConnectionStringAsync("controlplane-db"))
        {
            // 200 simultaneous callers share the pool; waiting for a connection is not a failure here.
            Timeout = 60,
        }.ConnectionString;
        return new DbContextOptionsBuilder<ControlPlaneDbContext>().UseNpgsql(connectionString).Options;
    }

    private static LedgerService Ledger(ControlPlaneDbContext db) => new(db, TimeProvider.System, NullLogger<LedgerService>.Instance);

    /// <summary>An ACTIVE instance in the workspace, for run records (they belong to an instance).</summary>
    private static async Task<Guid> NewInstanceAsync(DbContextOptions<ControlPlaneDbContext> options, Guid workspaceId)
    {
        await using var db = new ControlPlaneDbContext(options);
        var instance = new Instance
        {
            Id = Guid.CreateVersion7(), WorkspaceId = workspaceId, OfferingSlug = "support-agent", Kind = "agent", CreditsPerRun = 3,
            State = InstanceState.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Instances.Add(instance);
        await db.SaveChangesAsync();
        return instance.Id;
    }

    /// <summary>A fresh pending user's personal workspace (with its empty wallet), created the way the API creates it.</summary>
    private static async Task<Guid> NewWorkspaceAsync(DbContextOptions<ControlPlaneDbContext> options)
    {
        await using var db = new ControlPlaneDbContext(options);
        var users = new UserDirectory(db, TimeProvider.System, NullLogger<UserDirectory>.Instance);
        var (_, workspaceId) = await users.FindOrCreateByEmailAsync($"ledger-{Guid.NewGuid():N}@test.gsv.local");
        return workspaceId;
    }
}
