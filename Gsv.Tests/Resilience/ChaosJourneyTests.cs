using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Gsv.Tests.Provisioner;
using Xunit.Abstractions;

namespace Gsv.Tests.Resilience;

/// <summary>
/// The purchase-and-run journey of many buyers on a platform whose services meet faults on their calls to Saleor,
/// Langflow, RAGFlow and the Control Plane (<see cref="ResiliencePlatform"/>). What must hold anyway: every paid order provisioned exactly once with its credits granted once, no run
/// charged without an answer, no overspend, the ledger adding up to the wallet, and no hold left open.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class ChaosJourneyTests(ResiliencePlatform resilience, ITestOutputHelper output)
{
    private const int Buyers = 6;
    private const int RunsPerBuyer = 8;
    private const string Offering = "research-agent";
    private const long IncludedCredits = 200;
    private const long CreditsPerRun = 2;

    private PlatformFixture Platform => resilience.Platform;

    [Fact]
    public async Task Under_chaos_every_order_is_provisioned_once_and_every_credit_is_accounted_for()
    {
        await CommercePlatform.WaitForBootstrapAsync(Platform);
        var results = await Task.WhenAll(Enumerable.Range(0, Buyers).Select(_ => JourneyAsync()));

        var answered = results.Sum(r => r.Answered);
        output.WriteLine($"{Buyers} buyers, {Buyers * RunsPerBuyer} runs: {answered} answered, {results.Sum(r => r.Refused)} refused by injected faults.");
        Assert.True(answered >= Buyers * RunsPerBuyer / 2, $"only {answered} runs were answered");
    }

    private sealed record JourneyResult(int Answered, int Refused);

    private async Task<JourneyResult> JourneyAsync()
    {
        var harness = new ProvisionerHarness(Platform);
        var user = await Platform.Identity.CreateUserAsync("chaos");
        var controlPlane = new ControlPlaneUserClient(Platform.Identity.CreateClient("controlplane", null));
        var workspaceId = (await controlPlane.GetMeAsync(user.AccessToken)).Workspaces[0].Id;

        var order = await harness.BuyAsync(user.Email, (Offering, 1));
        var instance = await harness.WaitForInstanceAsync(workspaceId, order.Id, i => i.State == InstanceState.Active);
        var key = await controlPlane.CreateApiKeyAsync(user.AccessToken, instance.Id, "chaos");

        // The runs, one after the other as a program would send them: each answered (charged) or refused (not charged).
        using var gateway = new HttpClient { BaseAddress = Platform.App.GetEndpoint("gateway", "http"), Timeout = TimeSpan.FromSeconds(120) };
        gateway.DefaultRequestHeaders.Add("X-Api-Key", key.Key);
        var (answered, refused, charged) = (0, 0, 0L);
        for (var i = 0; i < RunsPerBuyer; i++)
        {
            using var response = await gateway.PostAsJsonAsync($"/v1/instances/{instance.Id}/runs", new { input = $"chaos question {i}" });
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                answered++;
                charged += (long)JsonNode.Parse(body)!["credits"]!["charged"]!;
                Assert.False(string.IsNullOrEmpty((string?)JsonNode.Parse(body)!["output"]));
            }
            else
            {
                Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"run answered {(int)response.StatusCode}: {body}");
                refused++;
            }
        }

        // Exactly once: one instance for the order, its credits granted once.
        Assert.Single(await harness.InstancesOfOrderAsync(workspaceId, order.Id));
        var wallet = await SettledWalletAsync(controlPlane, user.AccessToken);
        var ledger = await LedgerAsync(controlPlane, user.AccessToken);
        var grants = ledger.Where(e => e.Kind == LedgerEntryKind.Grant).ToList();
        Assert.Equal(IncludedCredits, Assert.Single(grants).Amount);

        // No run charged without an answer, no overspend, and the ledger adds up to the wallet.
        Assert.Equal(answered * CreditsPerRun, charged);
        var captured = ledger.Where(e => e.Kind == LedgerEntryKind.Capture).Sum(e => e.Amount);
        Assert.Equal(charged, captured);
        Assert.Equal(IncludedCredits - charged, wallet.Balance);
        Assert.Equal(grants.Sum(g => g.Amount) + ledger.Where(e => e.Kind == LedgerEntryKind.Refund).Sum(e => e.Amount) - captured, wallet.Balance);
        Assert.Equal(0, wallet.Held);
        Assert.True(wallet.Balance >= 0);
        return new JourneyResult(answered, refused);
    }

    /// <summary>The wallet once nothing is held: settlements are sent after the answers and unused shares released after 2 s.</summary>
    private static async Task<WalletDto> SettledWalletAsync(ControlPlaneUserClient controlPlane, string token)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var wallet = await controlPlane.GetWalletAsync(token);
            if (wallet is { Held: 0 } || DateTime.UtcNow > deadline)
            {
                return wallet!;
            }

            await Task.Delay(250);
        }
    }

    private static async Task<List<LedgerEntryDto>> LedgerAsync(ControlPlaneUserClient controlPlane, string token)
    {
        var entries = new List<LedgerEntryDto>();
        for (var page = 1; ; page++)
        {
            var slice = await controlPlane.GetLedgerAsync(token, page, 200);
            entries.AddRange(slice!.Items);
            if (entries.Count >= slice.Total || slice.Items.Count == 0)
            {
                return entries;
            }
        }
    }
}
