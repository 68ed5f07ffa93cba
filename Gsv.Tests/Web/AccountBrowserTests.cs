using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Gsv.ControlPlane.Client;
using Gsv.Tests.ControlPlane;
using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gsv.Tests.Web;

/// <summary>
/// UAT buyer 3 in a real browser: the account pages (instances, the run console streaming from the Gateway, API keys,
/// the wallet, the low-credit banner, the profile), each checked with axe and screenshotted. The instance is a free
/// trial started through the Control Plane (the browser's "Try free" is BuyerJourneyBrowserTests').
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountBrowserTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string Offering = "meeting-assistant";
    private const string OfferingName = "Meeting Assistant";

    /// <summary>Records every length the console's answer takes while it streams, in any document of the page.</summary>
    private const string AnswerRecorder = """
        window.__answerLengths = [];
        new MutationObserver(() => {
            const answer = document.getElementById('answer');
            if (answer) { window.__answerLengths.push(answer.textContent.length); }
        }).observe(document, { subtree: true, childList: true, characterData: true });
        """;

    [Fact]
    public async Task UAT_buyer_3_runs_an_instance_in_the_console_streaming_and_manages_its_API_keys()
    {
        await using var session = await BuyerBrowser.StartAsync(platform, output, "web-console");
        var page = session.Page;
        var instance = await ActiveTrialAsync(session.User);
        await session.SignInAtAsync("/account/instances");

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = OfferingName });
        await Expect(row).ToContainTextAsync("Active");
        await Expect(row).ToContainTextAsync("Free trial");
        await session.CheckPageAsync("account-instances");
        var before = await session.CreditsAsync();

        await row.GetByRole(AriaRole.Link, new() { Name = OfferingName }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(OfferingName);

        // A message, Run: the answer grows token by token in the page, then the charge and the balance after it.
        await page.AddInitScriptAsync(AnswerRecorder);
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Summarize our kickoff meeting");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.GetByText($"Charged {Credits(instance.CreditsPerRun)}. Balance after this run: {Credits(before - instance.CreditsPerRun)}.")).ToBeVisibleAsync();
        var answer = await page.Locator("#answer").TextContentAsync();
        Assert.Contains("Summarize our kickoff meeting", answer);
        var lengths = await page.EvaluateAsync<int[]>("() => window.__answerLengths");
        var partial = lengths.Where(l => l > "Answer: ".Length && l < answer!.Length).Distinct().Count();
        Assert.True(partial >= 3, $"The answer should appear progressively; lengths seen: {string.Join(", ", lengths)} (final {answer!.Length}).");
        var sessionId = await page.Locator("input[name='Form.SessionId']").InputValueAsync();
        Assert.False(string.IsNullOrEmpty(sessionId));

        // The run is in the history; the badge shows the balance after it.
        await Expect(session.CreditsBadge).ToHaveTextAsync($"Credits: {before - instance.CreditsPerRun}");
        var history = page.Locator("#history").GetByRole(AriaRole.Row);
        await Expect(history.Filter(new() { HasText = "Succeeded" })).ToHaveCountAsync(1);
        await session.CheckPageAsync("account-console");

        // A second message continues the same session, and the conversation shows both.
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("And the action items?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.GetByText($"Balance after this run: {Credits(before - (2 * instance.CreditsPerRun))}.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Conversation" }).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        Assert.Equal(sessionId, await page.Locator("input[name='Form.SessionId']").InputValueAsync());
        await Expect(history.Filter(new() { HasText = "Succeeded" })).ToHaveCountAsync(2);
        await page.GotoAsync(session.Url("/account/instances"));
        Assert.Equal(before - (2 * instance.CreditsPerRun), await session.CreditsAsync());

        // API key: created in the page (shown once), used over HTTP, revoked with a confirmation, then refused.
        await page.GotoAsync(session.Url($"/account/instances/{instance.Id}"));
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Key name" }).FillAsync("ci");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        var keyField = page.GetByRole(AriaRole.Textbox, new() { Name = "New API key" });
        var key = await keyField.InputValueAsync();
        Assert.StartsWith("gsv_", key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copied" })).ToBeVisibleAsync();
        await Expect(page.GetByText($"/v1/instances/{instance.Id}/runs?stream=true")).ToBeVisibleAsync();
        await session.CheckPageAsync("account-api-key-created");

        using var gateway = platform.CreateHttpClient("gateway");
        using (var run = await RunWithKeyAsync(gateway, instance.Id, key))
        {
            Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        }

        await page.GotoAsync(session.Url($"/account/instances/{instance.Id}"));
        var keyRow = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "ci", Exact = true }) });
        await Expect(keyRow).Not.ToContainTextAsync("Never");
        Assert.DoesNotContain(key, await page.ContentAsync());
        await keyRow.GetByRole(AriaRole.Link, new() { Name = "Revoke" }).ClickAsync();
        await session.CheckPageAsync("account-api-key-revoke");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key ci" }).ClickAsync();
        await Expect(page.GetByText("The key ci is revoked.")).ToBeVisibleAsync();
        await Expect(keyRow).ToContainTextAsync("Revoked");

        // Refused within the documented delay (the Gateway reuses a resolved key for 5 s).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(3);
        HttpStatusCode status;
        do
        {
            using var refused = await RunWithKeyAsync(gateway, instance.Id, key);
            status = refused.StatusCode;
        }
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline && await Delay());
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task At_zero_credits_the_console_says_so_and_a_pack_bought_from_the_wallet_lets_the_next_run_through()
    {
        await using var session = await BuyerBrowser.StartAsync(platform, output, "web-wallet");
        var page = session.Page;
        var instance = await ActiveTrialAsync(session.User);

        // Every credit spent (as the Gateway spends them): the wallet is empty.
        var service = await ControlPlaneHttp.GatewayClientAsync(platform);
        var wallet = (await service.GetWalletAsync(instance.WorkspaceId))!;
        Assert.Equal(0, (await ControlPlaneHttp.SpendAsync(service, instance.WorkspaceId, instance.Id, wallet.Available)).Balance);

        await session.SignInAtAsync($"/account/instances/{instance.Id}");
        await Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Low credits" })).ToContainTextAsync("You are out of credits.");
        await Expect(session.CreditsBadge).ToHaveTextAsync("Credits: 0 (low)");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Summarize our kickoff meeting");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync($"Not enough credits: a run of {OfferingName} costs {Credits(instance.CreditsPerRun)}. Nothing was charged.");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToHaveValueAsync("Summarize our kickoff meeting");
        await session.CheckPageAsync("account-console-no-credits");

        // Buy credits → the wallet's packs → cart → checkout → paid: the order page shows the new balance.
        await alert.GetByRole(AriaRole.Link, new() { Name = "Buy credits" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/wallet#credit-packs$"));
        await session.CheckPageAsync("account-wallet-empty");
        await page.GetByRole(AriaRole.Button, new() { Name = "Buy 500 Credits" }).ClickAsync();
        await page.WaitForURLAsync(session.Url("/cart"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await session.FillAddressAsync("FR");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
        await Expect(page.GetByText("Your balance is now 500 credits.")).ToBeVisibleAsync(new() { Timeout = 180_000 });

        // The next run goes through; the banner is gone.
        await page.GotoAsync(session.Url($"/account/instances/{instance.Id}"));
        await Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Low credits" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Summarize our kickoff meeting");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.GetByText($"Balance after this run: {Credits(500 - instance.CreditsPerRun)}.")).ToBeVisibleAsync();

        // The wallet: figures, the ledger filtered by kind, the warning level.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Account" }).GetByRole(AriaRole.Link, new() { Name = "Wallet" }).ClickAsync();
        await page.WaitForURLAsync(session.Url("/account/wallet"));
        await Expect(page.Locator(".wallet-figures")).ToContainTextAsync($"Balance{500 - instance.CreditsPerRun}");
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Kind" }).SelectOptionAsync(new SelectOptionValue { Label = "Charged for a run" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("kind=capture"));
        var entries = page.Locator("#ledger tbody").GetByRole(AriaRole.Row);
        await Expect(entries).ToHaveCountAsync(2);
        foreach (var entry in await entries.AllAsync())
        {
            await Expect(entry).ToContainTextAsync("Charged for a run");
        }

        var threshold = page.GetByRole(AriaRole.Spinbutton, new() { Name = "Warn me below (credits)" });
        await threshold.FillAsync("-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save warning level" }).ClickAsync();
        await Expect(page.Locator("#threshold-error")).ToContainTextAsync("A whole number of credits");
        await threshold.FillAsync("1000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save warning level" }).ClickAsync();
        await Expect(page.GetByText("Saved.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Low credits" })).ToContainTextAsync("Your credits are running low");
        await Expect(session.CreditsBadge).ToHaveTextAsync($"Credits: {500 - instance.CreditsPerRun} (low)");
        await session.CheckPageAsync("account-wallet");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use the default" }).ClickAsync();
        await Expect(page.GetByText("This is the default")).ToBeVisibleAsync();

        // The profile: name and email from Keycloak, the link to its account console, the workspace, and log out.
        await page.GetByRole(AriaRole.Link, new() { Name = "Test User" }).ClickAsync();
        await page.WaitForURLAsync(session.Url("/account"));
        await Expect(page.GetByText(session.User.Email)).ToBeVisibleAsync();
        Assert.EndsWith("/realms/gsv/account", await page.GetByRole(AriaRole.Link, new() { Name = "Manage your sign-in account" }).GetAttributeAsync("href"));
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Workspace" })).ToContainTextAsync("you are its owner");
        await session.CheckPageAsync("account-profile");
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Log in" })).ToBeVisibleAsync();
    }

    /// <summary>A free trial of <see cref="Offering"/> for <paramref name="user"/>, once the Provisioner has made it active.</summary>
    private async Task<InstanceDto> ActiveTrialAsync(TestUser user)
    {
        using var http = platform.CreateHttpClient("controlplane");
        var controlPlane = new ControlPlaneUserClient(http);
        var instance = await controlPlane.StartTrialAsync(user.AccessToken, Offering);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (instance.State != InstanceState.Active)
        {
            Assert.True(instance.State != InstanceState.Failed, $"The trial failed: {instance.LastError}");
            Assert.True(DateTime.UtcNow < deadline, $"The trial is still {instance.State} after 3 minutes.");
            await Task.Delay(250);
            instance = (await controlPlane.GetInstanceAsync(user.AccessToken, instance.Id))!;
        }

        return instance;
    }

    private static string Credits(long amount) => amount == 1 ? "1 credit" : $"{amount} credits";

    private static Task<HttpResponseMessage> RunWithKeyAsync(HttpClient gateway, Guid instanceId, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/instances/{instanceId}/runs") { Content = JsonContent.Create(new { input = "hello from ci" }) };
        request.Headers.Add("X-Api-Key", key);
        return gateway.SendAsync(request);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(250);
        return true;
    }
}
