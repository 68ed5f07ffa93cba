using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Gateway;

/// <summary>No overspend under concurrency: the hold at the Control Plane is the only gate, and it is atomic.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CreditConcurrencyTests(PlatformFixture platform)
{
    [Fact]
    public async Task Fifty_concurrent_runs_on_ten_credits_give_exactly_ten_successes_and_forty_402s()
    {
        var scenario = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 10);
        using var gateway = scenario.CreateApiKeyClient();

        using var start = new SemaphoreSlim(0);
        var runs = Enumerable.Range(0, 50).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await gateway.PostAsync(scenario.RunsPath, GatewayScenario.Body($"concurrent run {i}"));
            return response.StatusCode;
        }).ToList();
        start.Release(50);
        var statuses = await Task.WhenAll(runs);

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(40, statuses.Count(s => s == HttpStatusCode.PaymentRequired));

        var wallet = await scenario.SettledWalletAsync();
        Assert.Equal((0L, 0L, 0L), (wallet.Balance, wallet.Held, wallet.Available));

        // Ledger consistent: one grant of 10, ten captures of 1 (one per recorded run), every hold settled.
        var ledger = await scenario.LedgerAsync();
        var captures = ledger.Where(e => e.Kind == LedgerEntryKind.Capture).ToList();
        Assert.Equal(10, captures.Count);
        Assert.Equal(10, captures.Sum(e => Math.Abs(e.Amount)));
        Assert.Equal(10, ledger.Where(e => e.Kind == LedgerEntryKind.Grant).Sum(e => e.Amount));
        var recorded = await scenario.RunsAsync();
        Assert.Equal(10, recorded.Count);
        Assert.Equal(recorded.Select(r => r.RunId).Order(), captures.Select(c => c.RunId!.Value).Order());
    }
}
