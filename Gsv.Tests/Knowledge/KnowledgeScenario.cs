using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Ragflow;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Knowledge;

/// <summary>
/// A buyer with an ACTIVE knowledge instance made the way a buyer gets one: a free trial of Support Agent, provisioned
/// by the Provisioner's reconciler (flow deployed, RAGFlow dataset created), plus the calls a buyer makes on it.
/// </summary>
public sealed record KnowledgeScenario(PlatformFixture Platform, TestUser User, InstanceDto Instance, ControlPlaneUserClient ControlPlane)
{
    public const string Offering = "support-agent";

    public static async Task<KnowledgeScenario> StartTrialAsync(PlatformFixture platform, string prefix = "knowledge")
    {
        var controlPlane = new ControlPlaneUserClient(platform.Identity.CreateClient("controlplane", null));
        var user = await platform.Identity.CreateUserAsync(prefix);
        var trial = await controlPlane.StartTrialAsync(user.AccessToken, Offering);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var instance = await controlPlane.GetInstanceAsync(user.AccessToken, trial.Id);
            if (instance is { State: InstanceState.Active })
            {
                return new KnowledgeScenario(platform, user, instance, controlPlane);
            }

            Assert.True(instance?.State is not InstanceState.Failed, $"The trial failed: {instance?.LastError}");
            Assert.True(DateTime.UtcNow < deadline, $"The trial was not ACTIVE within 2 minutes (state {instance?.State}).");
            await Task.Delay(200);
        }
    }

    public Task<List<KnowledgeDocumentDto>> UploadAsync(string fileName, string text) =>
        ControlPlane.UploadKnowledgeAsync(User.AccessToken, Instance.Id, [(fileName, System.Text.Encoding.UTF8.GetBytes(text))]);

    /// <summary>Polls the document until it is ready, failed or cancelled (fails the test after 60 s).</summary>
    public async Task<KnowledgeDocumentDto> WaitUntilParsedAsync(string documentId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var page = await ControlPlane.ListKnowledgeAsync(User.AccessToken, Instance.Id);
            var document = page!.Items.Single(d => d.Id == documentId);
            if (KnowledgeDocumentStatuses.IsFinal(document.Status))
            {
                return document;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Document {documentId} still {document.Status} after 60 s.");
            await Task.Delay(100);
        }
    }

    /// <summary>A plain client for the Control Plane's public API as this buyer (no retrying handler: a refusal arrives as it is).</summary>
    public HttpClient ControlPlaneHttp()
    {
        var http = new HttpClient { BaseAddress = Platform.App.GetEndpoint("controlplane", "http"), Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", User.AccessToken);
        return http;
    }

    /// <summary>Runs the instance through the Gateway as the buyer and returns the answer's JSON and its Server-Timing header.</summary>
    public async Task<(JsonObject Body, string ServerTiming)> RunAsync(string input)
    {
        using var http = new HttpClient { BaseAddress = Platform.App.GetEndpoint("gateway", "http"), Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", User.AccessToken);
        using var response = await http.PostAsJsonAsync($"/v1/instances/{Instance.Id}/runs", new { input });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Run answered {(int)response.StatusCode}: {text}");
        return (JsonNode.Parse(text)!.AsObject(), string.Join(",", response.Headers.GetValues("Server-Timing")));
    }
}

public static class KnowledgeTestSupport
{
    /// <summary>A client for the platform's RAGFlow with its API key (what the services use).</summary>
    public static Task<RagflowClient> CreateRagflowClientAsync(this PlatformFixture platform) => platform.App.CreateRagflowClientAsync();
}
