using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Tests.Langflow;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Provisioner;

/// <summary>What the seller tests share: the seller API as the demo administrator, offerings to create, the marketplace's view of them.</summary>
public static class SellerScenario
{
    public static SellerClient Seller(PlatformFixture platform) => new(new HttpClient { BaseAddress = platform.App.GetEndpoint("provisioner", "http") });

    public static async Task<string> AdminTokenAsync(PlatformFixture platform) =>
        await platform.Identity.GetUserTokenAsync(ProvisionerHarness.StaffEmail, await platform.Identity.GetParameterAsync("demo-admin-password"));

    /// <summary>Unpublishes the offering (when it exists) and waits until the marketplace no longer shows it under any of <paramref name="names"/>.</summary>
    public static async Task UnpublishAsync(PlatformFixture platform, string slug, params string[] names)
    {
        var admin = await AdminTokenAsync(platform);
        if (await Seller(platform).GetOfferingAsync(admin, slug) is null)
        {
            return;
        }

        await Seller(platform).SetPublishedAsync(admin, slug, false);
        foreach (var name in names)
        {
            await MarketplaceShowsAsync(platform, name, shown: false);
        }
    }

    public static SellerOfferingInput ValidInput(string slug) => new(
        slug, "Contract Reviewer " + slug[^6..], "Reads contracts.\n\nFlags risky clauses.", 39.5m, "agents", "agent", "research-agent",
        CreditsPerRun: 3, IncludedCredits: 120, TrialCredits: 15, Connectors: [], Knowledge: false,
        Outcomes: ["better-decisions", "time-saved"], Capabilities: ["summarization"]);

    public static string NewSlug() => "seller-" + Guid.NewGuid().ToString("N")[..10];

    public static string NewFlowName() => "upload-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A Langflow export to upload: the research agent's, named "Uploaded Research", allowing a run tweak of the answer's sender name.</summary>
    public static JsonObject FlowExport()
    {
        var export = LangflowTestSupport.LoadTemplates().Get("research-agent").Document.DeepClone().AsObject();
        export[FlowTemplate.AllowedTweaksKey] = new JsonObject { ["ChatOutput-advRP.sender_name"] = 32 };
        export["name"] = "Uploaded Research";
        return export;
    }

    /// <summary>The same export with a component Langflow does not have: it passes the upload rules, and Langflow's check refuses it.</summary>
    public static JsonObject FlowExportWithUnknownComponent()
    {
        var export = FlowExport();
        export["data"]!["nodes"]!.AsArray().Single(n => (string?)n!["id"] == "Prompt-fUzfQ")!["data"]!["type"] = "NoSuchComponent";
        return export;
    }

    /// <summary>
    /// Waits until the Web app's marketplace search shows (or no longer shows) the offering named <paramref name="name"/>:
    /// its cached lists are refreshed by Saleor's product webhook. Tests that publish wait for the hiding too, so the
    /// catalog the other tests of the collection count is the seed's again.
    /// </summary>
    public static async Task MarketplaceShowsAsync(PlatformFixture platform, string name, bool shown, TimeSpan? timeout = null)
    {
        using var web = platform.CreateHttpClient("web");
        await Polling.UntilAsync(
            () => web.GetStringAsync($"/marketplace?q={Uri.EscapeDataString(name)}"),
            html => html.Contains($">{System.Net.WebUtility.HtmlEncode(name)}</a></h3>", StringComparison.Ordinal) == shown,
            timeout ?? TimeSpan.FromSeconds(10), $"the marketplace to {(shown ? "show" : "hide")} {name}");
    }
}
