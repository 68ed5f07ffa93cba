using System.Net;
using System.Net.Http.Json;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.ControlPlane.Services;
using Gsv.ServiceDefaults.Text;
using Gsv.Tests.Infrastructure;
using Gsv.Tests.Provisioner;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Gsv.Tests.ControlPlane.ControlPlaneHttp;

namespace Gsv.Tests.ControlPlane;

/// <summary>
/// Issue 15, the Control Plane's part: prices (4), verified emails (6), a role per service (7), long display names (15),
/// one user per verified email (20). Bad input (13–17) is in <c>Gsv.Tests.Security.ControlPlaneBadInputTests</c>.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ControlPlaneTrustTests(PlatformFixture platform)
{
    [Fact]
    public async Task An_offering_that_runs_without_a_price_is_refused_and_no_instance_of_it_can_be_created()
    {
        var service = await ServiceClientAsync(platform);
        var unpriced = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => service.UpsertOfferingAsync(
            $"free-{Guid.NewGuid():N}", new UpsertOfferingRequest(null, "Free agent", "agent", "support-agent", 0, 0, 10, [], false)));
        Assert.Equal(("validation", HttpStatusCode.BadRequest), (unpriced.Code, unpriced.Status));
        // A credit pack has no price per run and stays fine; a name is kept without control characters (item 16).
        var pack = await service.UpsertOfferingAsync($"pack-{Guid.NewGuid():N}", new UpsertOfferingRequest(
            null, "\u001b[31mPack\r\n\u202e", "credit-pack", null, 0, 100, 0, [], false));
        Assert.Equal("[31mPack", pack.Name);

        // An offering stored without a price (synced before prices were checked): neither an order nor a trial makes an instance.
        var options = await DbOptionsAsync();
        var slug = $"legacy-{Guid.NewGuid():N}";
        await using (var db = new ControlPlaneDbContext(options))
        {
            db.Offerings.Add(new Offering { Slug = slug, Name = "Legacy", Kind = "agent", FlowTemplate = "support-agent", TrialCredits = 10, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var buyer = await NewBuyerAsync(platform);
        var order = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => service.CreateInstanceAsync(
            new CreateInstanceRequest(buyer.WorkspaceId, slug, null, null, $"order-{Guid.NewGuid():N}", "line-1")));
        Assert.Equal(("offering_not_sellable", HttpStatusCode.UnprocessableEntity), (order.Code, order.Status));
        await AssertProblemAsync(
            await buyer.Http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(slug)), HttpStatusCode.UnprocessableEntity, "offering_not_sellable");
        Assert.Empty(await ReadAsync<List<InstanceDto>>(await buyer.Http.GetAsync("/api/v1/instances"), HttpStatusCode.OK));
        Assert.Equal(0, (await ReadAsync<WalletDto>(await buyer.Http.GetAsync("/api/v1/wallet"), HttpStatusCode.OK)).Balance);
    }

    [Fact]
    public async Task Trial_credits_are_spent_only_by_the_trial_instance_and_expire_with_it()
    {
        var options = await DbOptionsAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var slug = $"trial-{Guid.NewGuid():N}";
        Guid workspaceId, paidId;
        InstanceDto trial;
        await using (var db = new ControlPlaneDbContext(options))
        {
            db.Offerings.Add(new Offering
            {
                Slug = slug, Name = "Trial agent", Kind = "agent", FlowTemplate = "support-agent", CreditsPerRun = 2, TrialCredits = 10, UpdatedAt = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync();
            (_, workspaceId) = await new UserDirectory(db, clock, NullLogger<UserDirectory>.Instance).FindOrCreateByEmailAsync($"trial-{Guid.NewGuid():N}@test.gsv.local");
            trial = await Instances(db, clock).StartTrialAsync(workspaceId, slug);
            paidId = (await Instances(db, clock).CreateFromOrderAsync(
                new CreateInstanceRequest(workspaceId, slug, null, null, $"order-{Guid.NewGuid():N}", "line-1"))).Instance.Id;
        }

        // The 10 trial credits are in the wallet, but another instance of the workspace cannot spend them.
        var refused = await Assert.ThrowsAsync<InsufficientCreditsRefusal>(() => WithLedgerAsync(options, clock, l => l.HoldAsync(workspaceId, Guid.NewGuid(), paidId, 2)));
        Assert.Equal(10, refused.Balance);
        await Assert.ThrowsAsync<InsufficientCreditsRefusal>(() => WithLedgerAsync(options, clock, l => l.HoldAsync(workspaceId, Guid.NewGuid(), null, 1)));

        // The trial instance spends them.
        var run = Guid.NewGuid();
        await WithLedgerAsync(options, clock, l => l.HoldAsync(workspaceId, run, trial.Id, 4));
        await WithLedgerAsync(options, clock, l => l.CaptureAsync(run, null));

        // Bought credits are spendable by any instance, the trial's earmark excepted.
        await WithLedgerAsync(options, clock, l => l.GrantAsync(workspaceId, 5, GrantKind.Purchase, $"order:{Guid.NewGuid()}", "purchase"));
        var paidRun = Guid.NewGuid();
        await WithLedgerAsync(options, clock, l => l.HoldAsync(workspaceId, paidRun, paidId, 5));
        await Assert.ThrowsAsync<InsufficientCreditsRefusal>(() => WithLedgerAsync(options, clock, l => l.HoldAsync(workspaceId, Guid.NewGuid(), paidId, 1)));
        await WithLedgerAsync(options, clock, l => l.ReleaseAsync(paidRun));

        // A trial run in progress when the trial ends keeps its hold; the rest expires now, the held part when released.
        var lastRun = Guid.NewGuid();
        await WithLedgerAsync(options, clock, l => l.HoldAsync(workspaceId, lastRun, trial.Id, 2));
        clock.Advance(trial.TrialExpiresAt!.Value - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await WithLedgerAsync(options, clock, l => l.ExpireTrialsAsync()));
        Assert.Equal((7L, 2L), await WalletAsync(options, workspaceId)); // 10 − 4 spent − 4 expired + 5 bought; 2 held
        await WithLedgerAsync(options, clock, l => l.ReleaseAsync(lastRun));
        Assert.Equal((5L, 0L), await WalletAsync(options, workspaceId)); // the released 2 expired with the settlement
        Assert.Equal(0, await WithLedgerAsync(options, clock, l => l.ExpireTrialsAsync()));

        // Only the bought credits are left, for any instance; the ledger explains the balance.
        await WithLedgerAsync(options, clock, l => l.HoldAsync(workspaceId, Guid.NewGuid(), paidId, 5));
        await using var check = new ControlPlaneDbContext(options);
        var sums = await check.LedgerEntries.AsNoTracking().Where(e => e.WorkspaceId == workspaceId)
            .GroupBy(e => e.Kind).Select(g => new { g.Key, Sum = g.Sum(e => e.Amount) }).ToDictionaryAsync(g => g.Key, g => g.Sum);
        Assert.Equal(6, sums[LedgerEntryKind.Expire]);
        Assert.Equal(sums[LedgerEntryKind.Grant] - sums[LedgerEntryKind.Capture] - sums[LedgerEntryKind.Expire], (await WalletAsync(options, workspaceId)).Balance);
        var earmark = await check.TrialCredits.AsNoTracking().SingleAsync(t => t.InstanceId == trial.Id);
        Assert.Equal((10L, 0L, 0L), (earmark.Granted, earmark.Remaining, earmark.Held));
    }

    [Fact]
    public async Task An_unverified_email_equal_to_a_guest_buyers_does_not_receive_their_order()
    {
        var guestEmail = ProvisionerHarness.NewEmail("guest");
        // Someone registers the guest's address without proving it (Keycloak: emailVerified false) and signs in first.
        var (_, token) = await platform.Identity.CreateUserWithProfileAsync(guestEmail, emailVerified: false);
        using var intruder = platform.Identity.CreateClient("controlplane", token);
        var me = await ReadAsync<MeDto>(await intruder.GetAsync("/api/v1/me"), HttpStatusCode.OK);
        Assert.Null(me.Email);

        // The guest buys; the Provisioner looks the buyer up by the order's email.
        var harness = new ProvisionerHarness(platform);
        var order = await harness.BuyAsync(guestEmail, ("support-agent", 1));
        var buyerWorkspace = await harness.WorkspaceOfAsync(guestEmail);
        Assert.NotEqual(me.Workspaces.Single().Id, buyerWorkspace);
        await harness.WaitForInstanceAsync(buyerWorkspace, order.Id, _ => true);

        Assert.Empty(await ReadAsync<List<InstanceDto>>(await intruder.GetAsync("/api/v1/instances"), HttpStatusCode.OK));
        Assert.Equal(0, (await ReadAsync<WalletDto>(await intruder.GetAsync("/api/v1/wallet"), HttpStatusCode.OK)).Balance);
    }

    [Fact]
    public async Task A_gateway_token_cannot_grant_or_create_and_a_provisioner_token_cannot_hold_or_settle()
    {
        var provisioner = platform.Identity.CreateClient("controlplane", await platform.Identity.GetServiceTokenAsync("gsv-provisioner"));
        var gateway = platform.Identity.CreateClient("controlplane", await platform.Identity.GetServiceTokenAsync("gsv-gateway"));
        var workspaceId = (await new ControlPlaneClient(provisioner).FindOrCreateUserAsync($"roles-{Guid.NewGuid():N}@test.gsv.local")).WorkspaceId;

        var grant = new GrantRequest(1000, GrantKind.Adjustment, $"mint-{Guid.NewGuid():N}", "minted by the gateway");
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.PostAsJsonAsync($"/internal/v1/wallets/{workspaceId}/grants", grant, Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.PostAsJsonAsync($"/internal/v1/wallets/{workspaceId}/refunds",
            new RefundRequest(1000, $"mint-{Guid.NewGuid():N}", "minted", null), Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.PostAsJsonAsync("/internal/v1/users/find-or-create", new { email = "x@test.gsv.local" }, Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.PostAsJsonAsync("/internal/v1/instances",
            new CreateInstanceRequest(workspaceId, "support-agent", null, null, $"order-{Guid.NewGuid():N}", "line-1"), Json)).StatusCode);
        Assert.Equal(0, (await new ControlPlaneClient(gateway).GetWalletAsync(workspaceId))!.Balance); // reads both may do

        var batch = new CreditBatchRequest([], [new BatchHold(Guid.NewGuid(), workspaceId, null, 1)]);
        Assert.Equal(HttpStatusCode.Forbidden, (await provisioner.PostAsJsonAsync("/internal/v1/credits/batch", batch, Json)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await provisioner.PostAsJsonAsync("/internal/v1/api-keys/resolve", new { key = "gsv_x" }, Json)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await provisioner.PostAsJsonAsync($"/internal/v1/wallets/{workspaceId}/grants", grant, Json)).StatusCode);
        Assert.Equal(CreditOutcome.Held, (await new ControlPlaneClient(gateway).ApplyCreditBatchAsync(batch)).Holds.Single().Outcome);
    }

    [Fact]
    public async Task A_display_name_longer_than_the_column_is_cut_not_a_500_and_control_characters_are_dropped()
    {
        var email = $"long-name-{Guid.NewGuid():N}@test.gsv.local";
        var (_, token) = await platform.Identity.CreateUserWithProfileAsync(email, emailVerified: true, firstName: "\u001b[31m" + new string('N', 300) + "\u202e");
        using var http = platform.Identity.CreateClient("controlplane", token);

        var me = await ReadAsync<MeDto>(await http.GetAsync("/api/v1/me"), HttpStatusCode.OK);
        Assert.Equal(UserDirectory.MaxNameLength, me.Name!.Length);
        Assert.DoesNotContain(me.Name, FreeText.IsForbidden);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/wallet")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/instances")).StatusCode);
    }

    [Fact]
    public async Task A_new_identity_with_the_same_verified_email_is_linked_to_the_same_user_and_workspace()
    {
        var email = $"relinked-{Guid.NewGuid():N}@test.gsv.local";
        var (firstSub, firstToken) = await platform.Identity.CreateUserWithProfileAsync(email, emailVerified: true);
        using var first = platform.Identity.CreateClient("controlplane", firstToken);
        var before = await ReadAsync<MeDto>(await first.GetAsync("/api/v1/me"), HttpStatusCode.OK);
        var service = await ServiceClientAsync(platform);
        await service.GrantAsync(before.Workspaces.Single().Id, new GrantRequest(50, GrantKind.Purchase, $"order-{Guid.NewGuid():N}", "bought"));

        // The identity provider forgets the user and knows them again under a new id (as the emulator did at each restart).
        await platform.Identity.DeleteUserAsync(firstSub);
        var (secondSub, secondToken) = await platform.Identity.CreateUserWithProfileAsync(email, emailVerified: true);
        Assert.NotEqual(firstSub, secondSub);
        using var second = platform.Identity.CreateClient("controlplane", secondToken);
        var after = await ReadAsync<MeDto>(await second.GetAsync("/api/v1/me"), HttpStatusCode.OK);

        Assert.Equal((before.UserId, secondSub, email), (after.UserId, after.Sub, after.Email));
        Assert.Equal(before.Workspaces.Single().Id, after.Workspaces.Single().Id);
        Assert.Equal(50, (await ReadAsync<WalletDto>(await second.GetAsync("/api/v1/wallet"), HttpStatusCode.OK)).Balance);
        // An order with that email goes to the same user: the email names one user only.
        var found = await service.FindOrCreateUserAsync(email.ToUpperInvariant());
        Assert.Equal((before.UserId, false), (found.UserId, found.Pending));
        await using var db = new ControlPlaneDbContext(await DbOptionsAsync());
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == email));
    }

    private async Task<DbContextOptions<ControlPlaneDbContext>> DbOptionsAsync() =>
        new DbContextOptionsBuilder<ControlPlaneDbContext>().UseNpgsql(await platform.GetConnectionStringAsync("controlplane-db")).Options;

    /// <summary>Trials of one hour: this test's trial ends long before any other test's (14 days), so only it expires here.</summary>
    private static InstanceService Instances(ControlPlaneDbContext db, TimeProvider clock) => new(
        db, new LedgerService(db, clock, NullLogger<LedgerService>.Instance), clock, Options.Create(new InstanceOptions { TrialDuration = TimeSpan.FromHours(1) }),
        NullLogger<InstanceService>.Instance);

    private static async Task<T> WithLedgerAsync<T>(DbContextOptions<ControlPlaneDbContext> options, TimeProvider clock, Func<LedgerService, Task<T>> work)
    {
        await using var db = new ControlPlaneDbContext(options);
        return await work(new LedgerService(db, clock, NullLogger<LedgerService>.Instance));
    }

    private static async Task<(long Balance, long Held)> WalletAsync(DbContextOptions<ControlPlaneDbContext> options, Guid workspaceId)
    {
        await using var db = new ControlPlaneDbContext(options);
        var wallet = await db.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspaceId);
        return (wallet.Balance, wallet.Held);
    }
}
