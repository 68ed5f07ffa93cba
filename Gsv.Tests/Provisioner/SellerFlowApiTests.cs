using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Gsv.Tests.Langflow;

namespace Gsv.Tests.Provisioner;

/// <summary>
/// Flow uploads through the seller API (<c>/seller/v1/flows</c>) and the AppHost: refusals by the rules and by
/// Langflow keep nothing; an accepted upload is deployed to Langflow and deleted again, then an offering runs it: its
/// trial is provisioned from the uploaded template, and the gateway applies the template's own tweak allow-list.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SellerFlowApiTests(PlatformFixture platform)
{
    private SellerClient Seller() => SellerScenario.Seller(platform);

    [Fact]
    public async Task Refused_uploads_name_their_field_and_keep_nothing_in_the_repository_or_Langflow()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var admin = await SellerScenario.AdminTokenAsync(platform);
        var buyer = await platform.Identity.CreateUserAsync("not-uploader");
        var forbidden = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().UploadFlowAsync(buyer.AccessToken, new(SellerScenario.NewFlowName(), SellerScenario.FlowExport())));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);

        // The rules: a taken name, an export without a Chat Output.
        var refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().UploadFlowAsync(admin, new("research-agent", SellerScenario.FlowExport())));
        Assert.Contains("already a flow template", Error(refused, "name"), StringComparison.Ordinal);

        // Langflow: a component this Langflow does not have passes the rules and is refused by the deployment check.
        var name = SellerScenario.NewFlowName();
        refused = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().UploadFlowAsync(admin, new(name, SellerScenario.FlowExportWithUnknownComponent())));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Langflow has no component 'NoSuchComponent'", Error(refused, "flow"), StringComparison.Ordinal);

        Assert.DoesNotContain(await Seller().ListFlowsAsync(admin), f => f.Name == name);
        var langflow = await platform.CreateLangflowClientAsync();
        Assert.DoesNotContain(await langflow.ListFlowsAsync(), f => f.EndpointName?.StartsWith("gsv-check-", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task An_uploaded_flow_is_checked_with_Langflow_then_offerings_run_it_with_its_own_tweak_allow_list()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var admin = await SellerScenario.AdminTokenAsync(platform);
        var name = SellerScenario.NewFlowName();
        var uploaded = await Seller().UploadFlowAsync(admin, new(name, SellerScenario.FlowExport()));
        Assert.Equal((name, "Uploaded Research", false, false, true), (uploaded.Name, uploaded.Label, uploaded.TakesKnowledge, uploaded.TakesTools, uploaded.Uploaded));
        Assert.Contains(await Seller().ListFlowsAsync(admin), f => f.Name == name && f.Uploaded);
        Assert.Contains(await Seller().ListFlowsAsync(admin), f => f.Name == "research-agent" && !f.Uploaded);
        Assert.Contains((await Seller().GetOptionsAsync(admin)).Flows, f => f.Value == name);
        var langflow = await platform.CreateLangflowClientAsync();
        Assert.DoesNotContain(await langflow.ListFlowsAsync(), f => f.EndpointName?.StartsWith("gsv-check-", StringComparison.Ordinal) == true);

        // Kept: the same name again is taken.
        var again = await Assert.ThrowsAsync<ControlPlaneProblemException>(() => Seller().UploadFlowAsync(admin, new(name, SellerScenario.FlowExport())));
        Assert.Contains("already a flow template", Error(again, "name"), StringComparison.Ordinal);

        // An offering runs it (a draft: the Control Plane knows it, so a trial can start without the marketplace showing it).
        var slug = SellerScenario.NewSlug();
        await Seller().CreateOfferingAsync(admin, SellerScenario.ValidInput(slug) with { Flow = name, TrialCredits = 10, CreditsPerRun = 1 });
        var controlPlane = new ControlPlaneUserClient(platform.Identity.CreateClient("controlplane", null));
        var user = await platform.Identity.CreateUserAsync("uploaded-flow");
        var trial = await controlPlane.StartTrialAsync(user.AccessToken, slug);
        var active = await Polling.UntilAsync(
            () => controlPlane.GetInstanceAsync(user.AccessToken, trial.Id), i => i?.State is InstanceState.Active or InstanceState.Failed,
            TimeSpan.FromMinutes(2), "the trial of the uploaded flow to be provisioned");
        Assert.Equal((InstanceState.Active, name), (active!.State, active.FlowTemplate));
        var deployed = await langflow.GetFlowAsync(Guid.Parse(active.LangflowFlowId!));
        Assert.Contains(deployed.Data!["nodes"]!.AsArray(), n => (string?)n!["id"] == "ChatOutput-advRP");

        // The gateway reads the uploaded template from the Provisioner: its allowed tweak passes, any other is refused.
        using var gateway = new HttpClient { BaseAddress = platform.App.GetEndpoint("gateway", "http"), Timeout = TimeSpan.FromSeconds(120) };
        gateway.DefaultRequestHeaders.Authorization = new("Bearer", user.AccessToken);
        var path = $"/v1/instances/{trial.Id}/runs";
        using (var run = await gateway.PostAsJsonAsync(path, new JsonObject
        {
            ["input"] = "What changed in solar panel prices?",
            ["tweaks"] = new JsonObject { ["ChatOutput-advRP"] = new JsonObject { ["sender_name"] = "Research desk" } },
        }))
        {
            Assert.True(run.IsSuccessStatusCode, await run.Content.ReadAsStringAsync());
        }

        using (var refusedRun = await gateway.PostAsJsonAsync(path, new JsonObject
        {
            ["input"] = "hi",
            ["tweaks"] = new JsonObject { ["OpenAIModel-Tctuc"] = new JsonObject { ["model_name"] = "gpt-5" } },
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refusedRun.StatusCode);
            Assert.Contains("tweak_not_allowed", await refusedRun.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static string Error(ControlPlaneProblemException problem, string field) =>
        problem.Body!.Value.GetProperty("errors").GetProperty(field)[0].GetString()!;
}
