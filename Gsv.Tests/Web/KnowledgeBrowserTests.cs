using System.Text;
using System.Text.RegularExpressions;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gsv.Tests.Web;

/// <summary>
/// Issue 18 item 5 in a real browser: the Knowledge tab of a Support Agent trial — upload (file input and drag and
/// drop), the live parse status, a run answering from the document, delete, a corrupt PDF, refused files — and no tab
/// for an offering without knowledge. Each page checked with axe and screenshotted (<c>knowledge-*.png</c>).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class KnowledgeBrowserTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string Offering = "support-agent";
    private const string OfferingName = "Support Agent";

    /// <summary>Records each distinct status text the documents' table shows, in the order the page shows them.</summary>
    private const string StatusRecorder = """
        window.__statuses = [];
        new MutationObserver(() => {
            for (const cell of document.querySelectorAll('.doc-status')) {
                const text = cell.textContent.trim();
                if (window.__statuses[window.__statuses.length - 1] !== text) { window.__statuses.push(text); }
            }
        }).observe(document, { subtree: true, childList: true, characterData: true });
        """;

    [Fact]
    public async Task A_buyer_uploads_a_document_on_the_Knowledge_tab_sees_it_parsed_live_asks_the_console_about_it_and_deletes_it()
    {
        await using var session = await BuyerBrowser.StartAsync(platform, output, "web-knowledge");
        var page = session.Page;
        var instance = await ActiveTrialAsync(session.User, Offering);
        await session.SignInAtAsync($"/account/instances/{instance.Id}");

        // The instance page has two tabs; the console is the current one.
        var tabs = page.GetByRole(AriaRole.Navigation, new() { Name = "Instance" });
        await Expect(tabs.GetByRole(AriaRole.Link, new() { Name = "Console" })).ToHaveAttributeAsync("aria-current", "page");
        await page.GetByRole(AriaRole.Link, new() { Name = "Knowledge" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}/knowledge"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(OfferingName);
        await Expect(tabs.GetByRole(AriaRole.Link, new() { Name = "Knowledge" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(page.GetByText("No documents yet.")).ToBeVisibleAsync();
        await Expect(page.GetByText("at most 16 MiB each and 10 files at once")).ToBeVisibleAsync();
        await Expect(page.GetByText("Drop files here or choose them")).ToBeVisibleAsync();
        await session.CheckPageAsync("knowledge-empty");

        // Upload a fact: the page lands back here and follows the parse until the document is ready, without a reload.
        var code = $"QX-{Guid.NewGuid():N}"[..11].ToUpperInvariant();
        var content = Encoding.UTF8.GetBytes("# Office handbook\n\nWelcome to the Lisbon office.\n\n"
            + $"The door code of the Lisbon office is {code}. Change it every quarter.\n\n"
            + "Lunch is served at noon in the canteen on the second floor. Visitors sign in at reception.");
        await page.AddInitScriptAsync(StatusRecorder);
        await page.GetByLabel("Documents").SetInputFilesAsync(new FilePayload { Name = "handbook.md", MimeType = "text/markdown", Buffer = content });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/knowledge\?uploaded=1$"), new() { WaitUntil = WaitUntilState.Commit });
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "1 document uploaded" })).ToBeVisibleAsync();
        var handbook = Row(page, "handbook.md");
        await Expect(handbook.Locator(".doc-status")).ToHaveTextAsync(ReadyStatus());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The status should change in the open page, not by a reload.");
        await Expect(handbook.GetByRole(AriaRole.Cell).First).ToHaveTextAsync($"{content.Length} bytes");
        var statuses = await page.EvaluateAsync<string[]>("() => window.__statuses");
        output.WriteLine("Statuses seen in the open page: " + string.Join(" → ", statuses));
        // The buyer saw it parse, then become ready, in the same page.
        Assert.Contains(statuses, s => s.StartsWith("Parsing", StringComparison.Ordinal) || s.StartsWith("Queued", StringComparison.Ordinal));
        Assert.Matches(ReadyStatus(), statuses[^1]);
        await session.CheckPageAsync("knowledge-ready");

        // The tab's own search shows the passage a run would be given.
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Question" }).FillAsync("What is the door code of the Lisbon office?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find passages" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Best passages" })).ToContainTextAsync(code);
        await session.CheckPageAsync("knowledge-search");

        // The console answers from the document.
        await page.GetByRole(AriaRole.Link, new() { Name = "Console" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}"));
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync("What is the door code of the Lisbon office?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Expect(page.Locator("#answer")).ToContainTextAsync(code);
        await session.CheckPageAsync("knowledge-console-answer");

        // Delete it: the table no longer shows it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Knowledge" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}/knowledge"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete handbook.md" }).ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/knowledge\?deleted=handbook\.md$"));
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "handbook.md is deleted" })).ToBeVisibleAsync();
        await Expect(Row(page, "handbook.md")).ToHaveCountAsync(0);
        await Expect(page.GetByText("No documents yet.")).ToBeVisibleAsync();

        // A corrupt PDF is accepted, then fails to parse, with the reason.
        await page.GetByLabel("Documents").SetInputFilesAsync(new FilePayload
        {
            Name = "scan.pdf", MimeType = "application/pdf", Buffer = Encoding.UTF8.GetBytes("This is not a PDF at all, just some bytes."),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(Row(page, "scan.pdf").Locator(".doc-status")).ToHaveTextAsync(new Regex("^Failed: .+"));
        output.WriteLine($"scan.pdf: {await Row(page, "scan.pdf").Locator(".doc-status").TextContentAsync()}");
        await session.CheckPageAsync("knowledge-failed");

        // A Word document and a file over 16 MiB are refused with the reason; nothing is uploaded.
        await page.GetByLabel("Documents").SetInputFilesAsync(new FilePayload
        {
            Name = "notes.docx", MimeType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Buffer = [0x50, 0x4B, 0x03, 0x04, 0x14],
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("notes.docx is of a type that cannot be read");
        await session.CheckPageAsync("knowledge-refused");
        // Chosen from disk as a person would: Playwright sends a buffer through its driver (24 s for these 16 MiB here),
        // a path goes to the browser as it is.
        var folder = Directory.CreateTempSubdirectory("gsv-knowledge-");
        try
        {
            var big = Path.Combine(folder.FullName, "big.txt");
            await File.WriteAllBytesAsync(big, Encoding.ASCII.GetBytes(new string('a', (int)KnowledgeLimits.MaxFileBytes + 1)));
            await page.GetByLabel("Documents").SetInputFilesAsync(big);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("big.txt is larger than 16 MiB. Nothing was uploaded.");
        }
        finally
        {
            // 16 MiB left in the temporary folder at every failed run otherwise.
            folder.Delete(recursive: true);
        }

        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Your documents" }).GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(["scan.pdf"]);

        // Drag and drop: the dropped file is uploaded as if chosen.
        var dropped = await page.EvaluateHandleAsync("""
            () => {
                const transfer = new DataTransfer();
                transfer.items.add(new File(['# FAQ\n\nOur support line is open from 9 to 17 on weekdays.'], 'faq.md', { type: 'text/markdown' }));
                return transfer;
            }
            """);
        await page.Locator("[data-drop-zone]").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        await page.WaitForURLAsync(new Regex(@"/knowledge\?uploaded=1$"));
        await Expect(Row(page, "faq.md").Locator(".doc-status")).ToHaveTextAsync(ReadyStatus());
        await session.CheckPageAsync("knowledge-dropped");
    }

    [Fact]
    public async Task An_instance_of_an_offering_without_knowledge_has_no_Knowledge_tab_and_its_knowledge_page_says_so()
    {
        await using var session = await BuyerBrowser.StartAsync(platform, output, "web-no-knowledge");
        var page = session.Page;
        var instance = await ActiveTrialAsync(session.User, "meeting-assistant");
        await session.SignInAtAsync($"/account/instances/{instance.Id}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Meeting Assistant");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Knowledge" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Instance" })).ToHaveCountAsync(0);

        var response = await page.GotoAsync(session.Url($"/account/instances/{instance.Id}/knowledge"));
        Assert.Equal(200, response!.Status);
        await Expect(page.GetByText("Meeting Assistant does not use documents")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Documents")).ToHaveCountAsync(0);
        await session.CheckPageAsync("knowledge-not-used");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the instance" }).ClickAsync();
        await page.WaitForURLAsync(session.Url($"/account/instances/{instance.Id}"));
    }

    private static ILocator Row(IPage page, string name) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });

    /// <summary>A free trial of <paramref name="offering"/> for <paramref name="user"/>, once the Provisioner has made it active.</summary>
    private async Task<InstanceDto> ActiveTrialAsync(TestUser user, string offering)
    {
        using var http = platform.CreateHttpClient("controlplane");
        var controlPlane = new ControlPlaneUserClient(http);
        var instance = await controlPlane.StartTrialAsync(user.AccessToken, offering);
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

    [GeneratedRegex(@"^Ready — \d+ passages?$")]
    private static partial Regex ReadyStatus();
}
