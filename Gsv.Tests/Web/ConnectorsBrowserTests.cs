using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Connectors;
using Gsv.Tests.ControlPlane;
using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gsv.Tests.Web;

/// <summary>
/// Issue 19 item 6 in a real browser: the Connect tab of a Code Review Assistant trial (it needs GitHub) against a local
/// stand-in of GitHub's REST API — the console's notice, a refused token, a test and a save (the token then shown only
/// by its last 4 characters), a tool taken off the allow-list, a field error that saves nothing, the tool-call audit,
/// and a revocation after which a run is refused with the way back to Connect. Each page checked with axe and
/// screenshotted (<c>connect-*.png</c>); how long Test connection and Save take for the buyer is printed.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConnectorsBrowserTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string Offering = "code-review-assistant";
    private const string OfferingName = "Code Review Assistant";

    [Fact]
    public async Task A_buyer_connects_GitHub_tests_and_saves_a_token_limits_its_tools_reads_the_audit_and_revokes_it()
    {
        await using var upstream = await UpstreamStandIns.StartAsync();
        var token = upstream.NewToken("ghp");
        await using var session = await BuyerBrowser.StartAsync(platform, output, "web-connect");
        var page = session.Page;
        var instance = await ActiveTrialAsync(session.User);
        await session.SignInAtAsync($"/account/instances/{instance.Id}");

        // The console has three tabs and says GitHub must be connected before a run.
        var tabs = page.GetByRole(AriaRole.Navigation, new() { Name = "Instance" });
        await Expect(tabs.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Console", "Connect", "Knowledge"]);
        await Expect(tabs.GetByRole(AriaRole.Link, new() { Name = "Console" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(page.GetByText($"{OfferingName} needs GitHub connected before it can run.")).ToBeVisibleAsync();
        await session.CheckPageAsync("connect-console-notice");

        await page.GetByRole(AriaRole.Link, new() { Name = "Connect GitHub" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}/connect"));
        await Expect(tabs.GetByRole(AriaRole.Link, new() { Name = "Connect" })).ToHaveAttributeAsync("aria-current", "page");
        var github = page.GetByRole(AriaRole.Region, new() { Name = "GitHub", Exact = true });
        var state = github.Locator(".connector-state");
        await Expect(state).ToContainTextAsync("Not connected");
        await Expect(github.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(3);
        foreach (var box in await github.GetByRole(AriaRole.Checkbox).AllAsync())
        {
            await Expect(box).ToBeCheckedAsync();
        }

        await Expect(page.GetByText("No tool calls yet.")).ToBeVisibleAsync();
        await session.CheckPageAsync("connect-empty");

        // A token GitHub does not know: the test shows GitHub's refusal in the live region.
        await github.GetByLabel("Personal access token").FillAsync("ghp_" + new string('x', 36));
        await github.GetByLabel("Repository").FillAsync("octo-org/website");
        await github.GetByLabel("API URL").FillAsync(upstream.GitHubApiUrl);
        var testResult = github.GetByRole(AriaRole.Status).Filter(new() { HasText = "Test " });
        var refused = await TimedAsync("Test connection (refused token)", async () =>
        {
            await github.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
            await Expect(testResult).ToContainTextAsync("Test failed: Connecting failed: HTTP 401 Unauthorized: GitHub refused the token.");
        });
        await session.CheckPageAsync("connect-test-refused");

        // The right token: the test reaches the repository; the page never carries the token itself.
        await github.GetByLabel("Personal access token").FillAsync(token);
        var tested = await TimedAsync("Test connection", async () =>
        {
            await github.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
            await Expect(testResult).ToContainTextAsync("Test passed: Connected to octo-org/website.");
        });
        await Expect(github.GetByLabel("Personal access token")).ToHaveValueAsync("");
        await Expect(github.GetByLabel("Personal access token")).ToHaveAccessibleDescriptionAsync(new Regex("Leave empty to use the one you just entered"));
        await Expect(github.GetByLabel("Repository")).ToHaveValueAsync("octo-org/website");
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Contains(upstream.Requests, r => r.Authorization == $"Bearer {token}" && r.Path == "/github/repos/octo-org/website");
        await session.CheckPageAsync("connect-test-passed");

        // Save: connected, the token shown only by its last 4 characters, every tool allowed.
        var saved = await TimedAsync("Save", async () =>
        {
            await github.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/connect\?saved=github(#connector-github)?$"));
            await Expect(state).ToContainTextAsync(new Regex(@"Connected since \d{1,2} \w{3} \d{4} \d{2}:\d{2} UTC"));
        });
        await Expect(github.GetByRole(AriaRole.Status).Filter(new() { HasText = "GitHub is connected." })).ToBeVisibleAsync();
        var connection = github.GetByRole(AriaRole.Definition);
        await Expect(connection).ToHaveTextAsync([$"set ••••{token[^4..]}", "octo-org/website", upstream.GitHubApiUrl]);
        await Expect(AllowedTools(github)).ToHaveTextAsync([new Regex("^List issues"), new Regex("^Create issue"), new Regex("^Comment issue")]);
        await Expect(github.GetByLabel("Personal access token")).ToHaveAccessibleDescriptionAsync(new Regex("Leave empty to keep the current one"));
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        await session.CheckPageAsync("connect-connected");

        // Connected, the console runs (and no longer shows the notice).
        await tabs.GetByRole(AriaRole.Link, new() { Name = "Console" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}"));
        await Expect(page.Locator("#connectors-needed")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Review: if (x = 1) { return; }");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.GetByText($"Charged {instance.CreditsPerRun} credits.")).ToBeVisibleAsync();

        // Take "Create issue" off the allow-list: saved, it is no longer listed as allowed, and the box stays unticked.
        await tabs.GetByRole(AriaRole.Link, new() { Name = "Connect" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}/connect"));
        await github.GetByRole(AriaRole.Checkbox, new() { Name = "Create issue" }).UncheckAsync();
        await TimedAsync("Save (tools)", async () =>
        {
            await github.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/connect\?saved=github(#connector-github)?$"));
            await Expect(AllowedTools(github)).ToHaveTextAsync([new Regex("^List issues"), new Regex("^Comment issue")]);
        });
        await Expect(github.GetByRole(AriaRole.Checkbox, new() { Name = "Create issue" })).Not.ToBeCheckedAsync();
        await Expect(connection.First).ToHaveTextAsync($"set ••••{token[^4..]}");

        // The agent's calls (as the Gateway's MCP endpoint makes them) are audited: one that GitHub answered, one refused.
        var tools = await ControlPlaneHttp.GatewayClientAsync(platform);
        await tools.CallToolAsync(instance.Id, "github_list_issues", new ToolCallRequest(null, null));
        var notAllowed = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => tools.CallToolAsync(
            instance.Id, "github_create_issue", new ToolCallRequest(JsonSerializer.SerializeToElement(new { title = "Flaky test" }), null)));
        Assert.Equal("tool_not_available", notAllowed.Code);
        await page.ReloadAsync();
        var audit = page.GetByRole(AriaRole.Table, new() { Name = "Latest tool calls, newest first" });
        var rows = audit.Locator("tbody").GetByRole(AriaRole.Row);
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).GetByRole(AriaRole.Cell)).ToHaveTextAsync(
            [Exactly("github_create_issue"), Exactly("Refused"), Milliseconds(), Exactly("—"), new Regex("github_create_issue is not among the tools allowed")]);
        await Expect(rows.Nth(1).GetByRole(AriaRole.Cell)).ToHaveTextAsync(
            [Exactly("github_list_issues"), Exactly("Succeeded"), Milliseconds(), Exactly("200"), Exactly("—")]);
        await Expect(rows.Nth(0).GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(new Regex(@"^\d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC$"));
        await session.CheckPageAsync("connect-audit");

        // A repository without a slash: the error is at the field and nothing is saved.
        await github.GetByLabel("Repository").FillAsync("octo-org-website");
        await github.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var repository = github.GetByLabel("Repository");
        await Expect(repository).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(repository).ToHaveAccessibleDescriptionAsync(new Regex("Enter the repository as owner/name\\."));
        await Expect(repository).ToHaveValueAsync("octo-org-website");
        await Expect(github.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nothing was saved");
        await Expect(connection.Nth(1)).ToHaveTextAsync("octo-org/website");
        Assert.Equal("octo-org/website", (await Connectors(session.User, instance.Id)).Fields.Single(f => f.Name == "repository").Value);
        await session.CheckPageAsync("connect-field-error");

        // Revoke, confirmed: not connected any more.
        await github.GetByRole(AriaRole.Link, new() { Name = "Revoke GitHub…" }).ClickAsync();
        var confirm = github.GetByRole(AriaRole.Form, new() { Name = "Revoke GitHub?" });
        await Expect(confirm).ToBeVisibleAsync();
        await Expect(state).ToContainTextAsync("Connected");
        await session.CheckPageAsync("connect-revoke-confirm");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke GitHub" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/connect\?revoked=github(#connector-github)?$"));
        await Expect(state).ToContainTextAsync("Not connected");
        await Expect(github.GetByRole(AriaRole.Status).Filter(new() { HasText = "GitHub is disconnected" })).ToBeVisibleAsync();
        await Expect(github.GetByRole(AriaRole.Definition)).ToHaveCountAsync(0);
        Assert.False((await Connectors(session.User, instance.Id)).Bound);
        await session.CheckPageAsync("connect-revoked");

        // A run from the console is refused (409 connector_required) with the way back to Connect.
        await tabs.GetByRole(AriaRole.Link, new() { Name = "Console" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}"));
        await Expect(page.GetByText($"{OfferingName} needs GitHub connected before it can run.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("Review: while (true) {}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync($"{OfferingName} needs a connector before it can run: connect it on the Connect tab");
        await Expect(alert).ToContainTextAsync("Nothing was charged.");
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message" })).ToHaveValueAsync("Review: while (true) {}");
        await session.CheckPageAsync("connect-console-refused");
        await alert.GetByRole(AriaRole.Link, new() { Name = "Go to Connect" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}/connect"));

        output.WriteLine($"Timings for the buyer: Test connection {refused.TotalMilliseconds:0} ms (refused token), {tested.TotalMilliseconds:0} ms (accepted); Save {saved.TotalMilliseconds:0} ms.");
    }

    [Fact]
    public async Task Without_JavaScript_the_Connect_forms_test_save_and_revoke_as_plain_posts()
    {
        await using var upstream = await UpstreamStandIns.StartAsync();
        var token = upstream.NewToken("ghp");
        await using var session = await BuyerBrowser.StartAsync(platform, output, "web-connect-nojs");
        var instance = await ActiveTrialAsync(session.User);
        await session.SignInAtAsync($"/account/instances/{instance.Id}");

        // The signed-in session, in a page that runs no script: every form is a plain post and its full response.
        await using var context = await session.Page.Context.Browser!.NewContextAsync(new() { JavaScriptEnabled = false });
        await context.AddCookiesAsync((await session.Page.Context.CookiesAsync()).Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Expires = c.Expires, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
        }));
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(90_000);
        await page.GotoAsync(session.Url($"/account/instances/{instance.Id}/connect"));
        var github = page.GetByRole(AriaRole.Region, new() { Name = "GitHub", Exact = true });
        await github.GetByLabel("Personal access token").FillAsync(token);
        await github.GetByLabel("Repository").FillAsync("octo-org/website");
        await github.GetByLabel("API URL").FillAsync(upstream.GitHubApiUrl);
        await github.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(github.GetByRole(AriaRole.Status).Filter(new() { HasText = "Test " })).ToContainTextAsync("Test passed: Connected to octo-org/website.");
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);

        // Save with the token kept from the test (sealed in the form): a redirect back to the tab.
        await github.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/connect\?saved=github#connector-github$"));
        await Expect(github.Locator(".connector-state")).ToContainTextAsync("Connected since");
        await Expect(github.GetByRole(AriaRole.Definition).First).ToHaveTextAsync($"set ••••{token[^4..]}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(PageCheck.ScreenshotFolder, "connect-nojs-connected.png"), FullPage = true });

        await github.GetByRole(AriaRole.Link, new() { Name = "Revoke GitHub…" }).ClickAsync();
        await github.GetByRole(AriaRole.Form, new() { Name = "Revoke GitHub?" }).GetByRole(AriaRole.Button, new() { Name = "Revoke GitHub" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/connect\?revoked=github#connector-github$"));
        await Expect(github.Locator(".connector-state")).ToContainTextAsync("Not connected");
        Assert.False((await Connectors(session.User, instance.Id)).Bound);
    }

    private static Regex Exactly(string text) => new($"^{Regex.Escape(text)}$");

    private static Regex Milliseconds() => new(@"^\d+ ms$");

    private static ILocator AllowedTools(ILocator connector) =>
        connector.GetByRole(AriaRole.List, new() { Name = "Tools allowed" }).GetByRole(AriaRole.Listitem);

    /// <summary>How long <paramref name="action"/> took, from the click to what the buyer sees; printed.</summary>
    private async Task<TimeSpan> TimedAsync(string what, Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        output.WriteLine($"{what}: {watch.ElapsedMilliseconds} ms");
        return watch.Elapsed;
    }

    private async Task<InstanceConnectorDto> Connectors(TestUser user, Guid instanceId)
    {
        using var http = platform.CreateHttpClient("controlplane");
        return (await new ControlPlaneUserClient(http).ListConnectorsAsync(user.AccessToken, instanceId))!.Single(c => c.Key == "github");
    }

    /// <summary>A free trial of the Code Review Assistant, once the Provisioner has made it active.</summary>
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
}
