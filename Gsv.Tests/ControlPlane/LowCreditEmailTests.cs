using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Services;
using Gsv.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using static Gsv.Tests.ControlPlane.ControlPlaneHttp;

namespace Gsv.Tests.ControlPlane;

/// <summary>
/// Low-credit emails end to end: credits spent through the Gateway's credit API, the crossing's emails queued in the
/// Control Plane's outbox and sent over SMTP to the platform's smtp4dev (<c>mail</c>), read back through its REST API.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LowCreditEmailTests(PlatformFixture platform)
{
    private const string LowSubject = "Your GSV credits are low";
    private const string BlockedSubject = "Your GSV credits are used up: runs are blocked";

    [Fact]
    public async Task Each_crossing_emails_the_member_once_and_zero_sends_the_blocked_email()
    {
        var service = await ServiceClientAsync(platform);
        var gateway = await GatewayClientAsync(platform);
        var email = $"low-{Guid.NewGuid():N}@test.gsv.local";
        var workspace = (await service.FindOrCreateUserAsync(email)).WorkspaceId;
        await service.GrantAsync(workspace, new GrantRequest(100, GrantKind.Purchase, $"order-{Guid.NewGuid():N}", "order")); // threshold 20

        Assert.False((await SpendAsync(gateway, workspace, null, 79)).Low); // 21: above
        Assert.True((await SpendAsync(gateway, workspace, null, 2)).Low); // 19: the crossing
        await WaitUntilSentAsync(workspace, expected: 1);
        await AssertSubjectsToAsync(email, LowSubject);

        Assert.True((await SpendAsync(gateway, workspace, null, 5)).Low); // 14: still below, no second email
        var topUp = await service.GrantAsync(workspace, new GrantRequest(20, GrantKind.CreditPack, $"pack-{Guid.NewGuid():N}", "pack"));
        Assert.Equal((34L, false, 20L), (topUp.Wallet.Balance, topUp.Wallet.Low, topUp.Wallet.LowThreshold)); // re-armed
        Assert.True((await SpendAsync(gateway, workspace, null, 15)).Low); // 19: a new crossing
        Assert.Equal(0, (await SpendAsync(gateway, workspace, null, 19)).Balance); // zero: blocked

        // Every email the workspace queued is sent: what smtp4dev holds is all there will ever be.
        await WaitUntilSentAsync(workspace, expected: 3);
        await AssertSubjectsToAsync(email, LowSubject, LowSubject, BlockedSubject);
    }

    [Fact]
    public async Task An_email_queued_while_smtp_is_down_arrives_once_it_is_back()
    {
        var service = await ServiceClientAsync(platform);
        var gateway = await GatewayClientAsync(platform);
        var email = $"smtp-down-{Guid.NewGuid():N}@test.gsv.local";
        var workspace = (await service.FindOrCreateUserAsync(email)).WorkspaceId;
        await service.GrantAsync(workspace, new GrantRequest(50, GrantKind.Purchase, $"order-{Guid.NewGuid():N}", "order")); // threshold 10

        await platform.StopResourceAsync(MailResource);
        try
        {
            Assert.True((await SpendAsync(gateway, workspace, null, 45)).Low);
            // The sender tried and failed: the message waits in the outbox, not sent, not lost.
            await WaitForOutboxAsync(workspace, rows => rows.Count == 1 && rows[0].Attempts >= 1 && rows[0].SentAt is null && rows[0].LastError is not null);
        }
        finally
        {
            await platform.StartResourceAsync(MailResource);
        }

        await WaitUntilSentAsync(workspace, expected: 1);
        await AssertSubjectsToAsync(email, LowSubject);
    }

    [Fact]
    public async Task The_threshold_is_validated_and_setting_it_above_the_balance_is_a_crossing()
    {
        var buyer = await NewBuyerAsync(platform);
        var settings = await ReadAsync<LowCreditSettingsDto>(await buyer.Http.GetAsync("/api/v1/wallet/low-credit"), HttpStatusCode.OK);
        Assert.Equal((10L, 10L, true, 0L, false), (settings.Threshold, settings.DefaultThreshold, settings.IsDefault, settings.Balance, settings.Low));

        await AssertProblemAsync(await PutAsync(buyer.Http, new { threshold = -1 }), HttpStatusCode.BadRequest, "validation");
        await AssertProblemAsync(await PutAsync(buyer.Http, new { threshold = LowCreditSettingsRequest.MaxThreshold + 1 }), HttpStatusCode.BadRequest, "validation");
        var notANumber = await AssertProblemAsync(await PutAsync(buyer.Http, new { threshold = "ten" }), HttpStatusCode.BadRequest, "validation");
        Assert.Contains("threshold", notANumber.ToString(), StringComparison.OrdinalIgnoreCase);
        await AssertProblemAsync(
            await buyer.Http.PutAsJsonAsync($"/api/v1/wallet/low-credit?workspaceId={Guid.NewGuid()}", new { threshold = 5 }), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(settings, await ReadAsync<LowCreditSettingsDto>(await buyer.Http.GetAsync("/api/v1/wallet/low-credit"), HttpStatusCode.OK));

        // 0 credits, now below 50: the wallet is low (as the wallet itself reports) and the member is told.
        var set = await ReadAsync<LowCreditSettingsDto>(await PutAsync(buyer.Http, new { threshold = 50 }), HttpStatusCode.OK);
        Assert.Equal((50L, false, true), (set.Threshold, set.IsDefault, set.Low));
        var wallet = await ReadAsync<WalletDto>(await buyer.Http.GetAsync("/api/v1/wallet"), HttpStatusCode.OK);
        Assert.Equal((true, 50L), (wallet.Low, wallet.LowThreshold));
        await WaitUntilSentAsync(buyer.WorkspaceId, expected: 1);
        await AssertSubjectsToAsync(buyer.User.Email, LowSubject);

        var reset = await ReadAsync<LowCreditSettingsDto>(await PutAsync(buyer.Http, new { threshold = (long?)null }), HttpStatusCode.OK);
        Assert.Equal((10L, true, true), (reset.Threshold, reset.IsDefault, reset.Low));
    }

    [Fact]
    public async Task A_crossing_and_its_emails_commit_or_roll_back_with_the_change_that_caused_it()
    {
        var service = await ServiceClientAsync(platform);
        var workspace = (await service.FindOrCreateUserAsync($"atomic-{Guid.NewGuid():N}@test.gsv.local")).WorkspaceId;
        var options = await DbOptionsAsync();

        await using (var db = new ControlPlaneDbContext(options))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var set = await new LedgerService(db, TimeProvider.System, NullLogger<LedgerService>.Instance).SetLowCreditAsync(workspace, 50);
            Assert.True(set.Low);
            // Inside the change's transaction: the event and one email per member are there...
            Assert.Equal(1, await db.WalletEvents.CountAsync(e => e.WorkspaceId == workspace && e.Kind == WalletEventKind.Low));
            Assert.Equal(1, await db.EmailOutbox.CountAsync(m => m.WorkspaceId == workspace));
            await transaction.RollbackAsync();
        }

        // ...and gone with it.
        await using (var db = new ControlPlaneDbContext(options))
        {
            Assert.Equal(0, await db.WalletEvents.CountAsync(e => e.WorkspaceId == workspace));
            Assert.Equal(0, await db.EmailOutbox.CountAsync(m => m.WorkspaceId == workspace));
            var wallet = await db.Wallets.AsNoTracking().SingleAsync(w => w.WorkspaceId == workspace);
            Assert.Equal((null, false), (wallet.LowThresholdOverride, wallet.Low));
        }
    }

    private const string MailResource = "mail";

    private async Task<DbContextOptions<ControlPlaneDbContext>> DbOptionsAsync() =>
        new DbContextOptionsBuilder<ControlPlaneDbContext>().UseNpgsql(await platform.GetConnectionStringAsync("controlplane-db")).Options;

    private static Task<HttpResponseMessage> PutAsync(HttpClient http, object body) => http.PutAsJsonAsync("/api/v1/wallet/low-credit", body, Json);

    /// <summary>Waits until the workspace's outbox holds <paramref name="expected"/> emails, all sent.</summary>
    private Task WaitUntilSentAsync(Guid workspace, int expected) =>
        WaitForOutboxAsync(workspace, rows => rows.Count == expected && rows.All(r => r.SentAt is not null));

    private async Task WaitForOutboxAsync(Guid workspace, Func<List<EmailOutboxMessage>, bool> condition)
    {
        var options = await DbOptionsAsync();
        // Far above the sender's poll interval and its longest retry delay (1 min) on a busy machine.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        List<EmailOutboxMessage> rows;
        while (true)
        {
            await using (var db = new ControlPlaneDbContext(options))
            {
                rows = await db.EmailOutbox.AsNoTracking().Where(m => m.WorkspaceId == workspace).OrderBy(m => m.Id).ToListAsync();
            }

            if (condition(rows))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"The outbox of workspace {workspace} did not reach the expected state: {JsonSerializer.Serialize(rows, Json)}");
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Waits until smtp4dev lists exactly <paramref name="expected"/> for <paramref name="recipient"/>, in any order. It
    /// lists a message a moment after it accepted it over SMTP, which is when the outbox marks it sent.
    /// </summary>
    private async Task AssertSubjectsToAsync(string recipient, params string[] expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var subjects = await SubjectsToAsync(recipient);
            if (subjects.Order().SequenceEqual(expected.Order()) || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected.Order(), subjects.Order());
                return;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The subjects of the messages smtp4dev received for <paramref name="recipient"/> (its REST API, <c>GET /api/messages</c>).</summary>
    private async Task<List<string>> SubjectsToAsync(string recipient)
    {
        using var http = platform.CreateHttpClient(MailResource);
        var page = await http.GetFromJsonAsync<JsonElement>("/api/messages?pageSize=100000");
        return [.. page.GetProperty("results").EnumerateArray()
            .Where(m => m.GetProperty("to").EnumerateArray().Any(to => string.Equals(to.GetString(), recipient, StringComparison.OrdinalIgnoreCase)))
            .Select(m => m.GetProperty("subject").GetString()!)];
    }
}
