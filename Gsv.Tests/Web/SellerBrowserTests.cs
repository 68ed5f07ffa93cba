using System.Diagnostics;
using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;
using Gsv.Tests.Provisioner;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gsv.Tests.Web;

/// <summary>
/// Issue 20's seller UATs in a real browser: the demo administrator opens <c>/seller</c> and sees the catalog with its
/// GSV attributes while a buyer gets a 403 (UAT seller 1); the administrator creates an offering in the console — a
/// negative price per run and a non-number refused at their fields first — publishes it, and it shows in the
/// marketplace and its category with the right facets within 10 s; a buyer buys it and gets an ACTIVE instance running
/// the chosen flow (UAT seller 2); the administrator uploads a Langflow export as a new flow template (a file that is not
/// JSON and a component Langflow lacks refused at the field first) and offerings can choose it. Pages checked with axe and screenshotted (<c>seller-*.png</c>); how long a save and a
/// publication take for the seller is printed.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SellerBrowserTests(PlatformFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task An_administrator_sees_the_catalog_with_its_attributes_and_a_buyer_is_refused()
    {
        await using (var buyer = await BuyerBrowser.StartAsync(platform, output, "web-not-seller"))
        {
            await buyer.SignInFromAsync("/");
            var response = await buyer.Page.GotoAsync(buyer.Url("/seller"));
            Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
            await Expect(buyer.Page.GetByRole(AriaRole.Heading, new() { Name = "Seller console", Level = 1 })).ToBeVisibleAsync();
            await Expect(buyer.Page.GetByText("Only administrators may open the seller console.")).ToBeVisibleAsync();
            await Expect(buyer.Page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
            await Expect(buyer.Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Seller console" })).ToHaveCountAsync(0);
            await buyer.CheckPageAsync("seller-forbidden");
        }

        await using var admin = await BuyerBrowser.StartAsAdministratorAsync(platform, output);
        var page = admin.Page;
        await admin.SignInAtAsync("/seller");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Offerings" });
        await Expect(table).ToBeVisibleAsync();
        var research = table.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "Research Agent" }) });
        // Every column but the sold count (other tests buy research agents).
        string?[] expected =
            ["Published", null, "Edit Unpublish", "agent", "49.00 USD", "2", "200", "20", "research-agent", "None", "No", "faster research, better decisions", "web research, summarization, citations"];
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] is { } text)
            {
                await Expect(research.GetByRole(AriaRole.Cell).Nth(i)).ToHaveTextAsync(text);
            }
        }

        var review = table.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "Code Review Assistant" }) });
        await Expect(review.GetByRole(AriaRole.Cell).Nth(9)).ToHaveTextAsync("github");
        await Expect(table.GetByRole(AriaRole.Link, new() { Name = "Edit Research Agent" })).ToHaveAttributeAsync("href", "seller/offerings/research-agent");
        await admin.CheckPageAsync("seller-list");
    }

    [Fact]
    public async Task An_administrator_creates_and_publishes_an_offering_that_buyers_find_and_buy()
    {
        await using var admin = await BuyerBrowser.StartAsAdministratorAsync(platform, output);
        var page = admin.Page;
        await admin.SignInAtAsync("/seller");
        await page.GetByRole(AriaRole.Link, new() { Name = "New offering" }).ClickAsync();
        await page.WaitForURLAsync(admin.Url("/seller/offerings/new"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New offering", Level = 1 })).ToBeVisibleAsync();

        var slug = SellerScenario.NewSlug();
        var name = "Tender Writer " + slug[^6..];
        await page.GetByLabel("Slug").FillAsync(slug);
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Description").FillAsync("Drafts answers to public tenders from your past bids.");
        await page.GetByLabel("Price (USD)").FillAsync("29.90");
        await page.GetByLabel("Category").SelectOptionAsync(new SelectOptionValue { Label = "Automations" });
        await page.GetByLabel("Kind").SelectOptionAsync(new SelectOptionValue { Label = "Automation" });
        await page.GetByLabel("Flow template").SelectOptionAsync("content-writer");
        await page.GetByLabel("Credits per run").FillAsync("-3");
        await page.GetByLabel("Included credits").FillAsync("many");
        await page.GetByLabel("Trial credits").FillAsync("10");
        var outcomes = page.GetByRole(AriaRole.Group, new() { Name = "Outcomes" });
        await outcomes.GetByRole(AriaRole.Checkbox, new() { Name = "More content" }).CheckAsync();
        var capabilities = page.GetByRole(AriaRole.Group, new() { Name = "Capabilities" });
        await capabilities.GetByRole(AriaRole.Checkbox, new() { Name = "Drafting" }).CheckAsync();

        // A word where a number goes is refused here; the form keeps what was typed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create offering" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Nothing was saved: check the fields marked below.");
        await Expect(page.GetByLabel("Included credits")).ToHaveAccessibleDescriptionAsync("Credits the buyer gets with a purchase. Included credits must be a whole number, like 5.");
        await Expect(page.GetByLabel("Included credits")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync(name);

        // A negative price per run is refused by the seller API, at the field; nothing is created.
        await page.GetByLabel("Included credits").FillAsync("300");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create offering" }).ClickAsync();
        await Expect(page.GetByLabel("Credits per run")).ToHaveAccessibleDescriptionAsync(
            "What one run costs; empty for a credit pack. Credits per run are a whole number from 1 to 1,000,000.");
        await Expect(page.GetByLabel("Credits per run")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Included credits")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(outcomes.GetByRole(AriaRole.Checkbox, new() { Name = "More content" })).ToBeCheckedAsync();
        await admin.CheckPageAsync("seller-create-refused");

        await page.GetByLabel("Credits per run").FillAsync("3");
        var saved = await TimedAsync("Create offering", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Create offering" }).ClickAsync();
            await page.WaitForURLAsync(admin.Url($"/seller?saved={slug}"));
            await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Status)).ToHaveTextAsync($"{name} is saved.");
        });
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = name }) });
        await Expect(row.GetByRole(AriaRole.Cell)).ToHaveTextAsync(
            ["Draft", "0", "Edit Publish", "automation", "29.90 USD", "3", "300", "10", "content-writer", "None", "No", "more content", "drafting"]);
        await admin.CheckPageAsync("seller-created");

        try
        {
            var published = await TimedAsync("Publish", async () =>
            {
                await row.GetByRole(AriaRole.Button, new() { Name = $"Publish {name}" }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Status)).ToHaveTextAsync($"{name} is published: buyers see it in the marketplace.");
            });
            await Expect(row.GetByRole(AriaRole.Cell).Nth(0)).ToHaveTextAsync("Published");

            // Within 10 s of publishing: in the marketplace's search, in its category, under its facets.
            var shown = Stopwatch.StartNew();
            await SellerScenario.MarketplaceShowsAsync(platform, name, shown: true, TimeSpan.FromSeconds(10));
            output.WriteLine($"Publish → shown in the marketplace: {shown.ElapsedMilliseconds} ms");
            await page.GotoAsync(admin.Url("/marketplace/automations"));
            var results = page.GetByRole(AriaRole.Region, new() { Name = "Results" });
            await Expect(results.GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToBeVisibleAsync();
            await page.GotoAsync(admin.Url("/marketplace?outcome=more-content&capability=drafting"));
            await Expect(results.GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToBeVisibleAsync();
            await results.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
            await admin.CheckPageAsync("seller-published-product");
            output.WriteLine($"Seller waits: create {saved} ms, publish {published} ms");

            // A buyer buys it (Saleor checkout, paid): an ACTIVE instance running the chosen flow.
            var harness = new ProvisionerHarness(platform);
            var email = ProvisionerHarness.NewEmail("seller-buyer");
            var workspace = await harness.WorkspaceOfAsync(email);
            var order = await harness.BuyAsync(email, (slug, 1));
            var active = await harness.WaitForInstanceAsync(workspace, order.Id, i => i.State == InstanceState.Active);
            Assert.Equal((slug, "content-writer", 3L), (active.OfferingSlug, active.FlowTemplate, active.CreditsPerRun));
            Assert.Equal(300, (await harness.WalletAsync(workspace)).Balance);

            await page.GotoAsync(admin.Url("/seller"));
            await Expect(row.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("1");
        }
        finally
        {
            // Back to the seed catalog for the other tests of the collection.
            await SellerScenario.UnpublishAsync(platform, slug, name);
        }
    }

    [Fact]
    public async Task An_administrator_uploads_a_Langflow_export_as_a_flow_template_that_offerings_can_choose()
    {
        await using var admin = await BuyerBrowser.StartAsAdministratorAsync(platform, output);
        var page = admin.Page;
        // The header leads an administrator to the console.
        await admin.SignInFromAsync("/");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Seller console" }).ClickAsync();
        await page.WaitForURLAsync(admin.Url("/seller"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Upload a flow" }).ClickAsync();
        await page.WaitForURLAsync(admin.Url("/seller/flows/new"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upload a flow", Level = 1 })).ToBeVisibleAsync();

        var name = SellerScenario.NewFlowName();
        var upload = page.GetByRole(AriaRole.Button, new() { Name = "Upload and check" });
        await page.GetByLabel("Template name").FillAsync(name);

        // A file that is not JSON is refused at the field, before anything is sent.
        await page.GetByLabel("Langflow export").SetInputFilesAsync(File("notes.json", "name: not json"));
        await upload.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Nothing was kept: check the fields marked below.");
        await Expect(page.GetByLabel("Langflow export")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Langflow export")).ToHaveAccessibleDescriptionAsync(
            "A .json file of at most 5 MB. The file is not JSON (line 1). Upload the file Langflow's Export gives.");
        await Expect(page.GetByLabel("Template name")).ToHaveValueAsync(name);

        // A component Langflow does not have: refused by the deployment check, at the field.
        await page.GetByLabel("Langflow export").SetInputFilesAsync(File("unknown.json", SellerScenario.FlowExportWithUnknownComponent().ToJsonString()));
        await upload.ClickAsync();
        await Expect(page.GetByLabel("Langflow export")).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("Langflow has no component 'NoSuchComponent'"));
        await admin.CheckPageAsync("seller-flow-refused");

        await page.GetByLabel("Langflow export").SetInputFilesAsync(File("uploaded-research.json", SellerScenario.FlowExport().ToJsonString()));
        var uploaded = await TimedAsync("Upload and check a flow", async () =>
        {
            await upload.ClickAsync();
            await page.WaitForURLAsync(admin.Url($"/seller?uploaded={name}"));
        });
        await Expect(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Status)).ToHaveTextAsync(
            $"The flow template {name} is uploaded: Langflow took it, and offerings can now run it.");
        var flows = page.GetByRole(AriaRole.Table, new() { Name = "Flow templates" });
        var row = flows.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = name }) });
        await Expect(row.GetByRole(AriaRole.Cell)).ToHaveTextAsync([(string)SellerScenario.FlowExport()["description"]!, "No", "No", "Uploaded"]);
        await Expect(flows.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "research-agent" }) })
            .GetByRole(AriaRole.Cell).Last).ToHaveTextAsync("Shipped with GSV");
        await admin.CheckPageAsync("seller-flow-uploaded");

        // Offerings can choose it.
        await page.GetByRole(AriaRole.Link, new() { Name = "New offering" }).ClickAsync();
        await page.GetByLabel("Flow template").SelectOptionAsync(name);
        await Expect(page.GetByLabel("Flow template")).ToHaveValueAsync(name);
        output.WriteLine($"Seller waits: upload and check {uploaded} ms");
    }

    private static FilePayload File(string name, string text) =>
        new() { Name = name, MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(text) };

    private async Task<long> TimedAsync(string what, Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        output.WriteLine($"{what}: {watch.ElapsedMilliseconds} ms");
        return watch.ElapsedMilliseconds;
    }
}
