using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.Langflow;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Langflow;

/// <summary>Flow management: FlowRead shapes, auto-renamed names and endpoint names, gzip list, delete, errors.</summary>
[Collection(PlatformCollection.Name)]
public sealed class LangflowFlowsTests(PlatformFixture platform)
{
    [Fact]
    public async Task Create_returns_201_with_a_FlowRead_and_get_returns_it()
    {
        using var http = await platform.CreateAuthenticatedHttpClientAsync();
        var template = LangflowTestSupport.LoadTemplates().Get("support-agent");
        var endpoint = LangflowTestSupport.UniqueEndpoint("support");
        var body = template.Document.DeepClone().AsObject();
        body["name"] = $"Support {endpoint}";
        body["endpoint_name"] = endpoint;

        using var created = await http.PostAsJsonAsync("/api/v1/flows/", body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var flow = await created.ReadJsonObjectAsync();
        var id = Guid.Parse((string)flow["id"]!);
        Assert.Equal($"Support {endpoint}", (string?)flow["name"]);
        Assert.Equal(endpoint, (string?)flow["endpoint_name"]);
        Assert.True(Guid.TryParse((string?)flow["user_id"], out _));
        Assert.True(Guid.TryParse((string?)flow["folder_id"], out _));
        Assert.True(DateTimeOffset.TryParse((string?)flow["updated_at"], out _));
        Assert.Equal("PRIVATE", (string?)flow["access_type"]);
        Assert.Equal(4, flow["data"]!["nodes"]!.AsArray().Count);

        using var read = await http.GetAsync($"/api/v1/flows/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(flow.ToJsonString(), (await read.ReadJsonObjectAsync()).ToJsonString());
    }

    [Fact]
    public async Task Creating_with_a_taken_name_and_endpoint_renames_both()
    {
        var client = await platform.CreateLangflowClientAsync();
        var template = LangflowTestSupport.LoadTemplates().Get("lead-qualifier");
        var endpoint = LangflowTestSupport.UniqueEndpoint("leads");
        var name = $"Leads {endpoint}";

        var catalog = await client.GetComponentCatalogAsync();
        var first = await client.CreateFlowAsync(template.ToFlowCreate(catalog, name, endpoint));
        var second = await client.CreateFlowAsync(template.ToFlowCreate(catalog, name, endpoint));
        var third = await client.CreateFlowAsync(template.ToFlowCreate(catalog, name, endpoint));

        Assert.Equal((name, endpoint), (first.Name, first.EndpointName));
        Assert.Equal(($"{name} (1)", $"{endpoint}-1"), (second.Name, second.EndpointName));
        Assert.Equal(($"{name} (2)", $"{endpoint}-2"), (third.Name, third.EndpointName));
        Assert.Equal(3, new[] { first.Id, second.Id, third.Id }.Distinct().Count());

        // Each renamed endpoint addresses its own flow.
        var run = await client.RunAsync($"{endpoint}-2", new RunRequest("hello"));
        Assert.Equal(third.Id.ToString(), run.SessionId);
    }

    [Fact]
    public async Task List_is_gzip_encoded_and_contains_created_flows()
    {
        var client = await platform.CreateLangflowClientAsync();
        var flow = await client.DeployAsync("data-analyst");

        var flows = await client.ListFlowsAsync();
        Assert.Contains(flows, f => f.Id == flow.Id && f.EndpointName == flow.EndpointName);

        // Like Langflow, the raw answer is gzip whatever the request asked.
        using var http = await platform.CreatePlainHttpClientAsync();
        using var raw = await http.GetAsync("/api/v1/flows/?get_all=true");
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Contains("gzip", raw.Content.Headers.ContentEncoding);

        using var page = await http.GetAsync("/api/v1/flows/?get_all=false&page=1&size=1");
        var paged = await page.ReadJsonObjectAsync();
        Assert.Single(paged["items"]!.AsArray());
        Assert.True((int)paged["total"]! >= 1);
    }

    [Fact]
    public async Task Delete_removes_the_flow_then_get_and_run_are_404()
    {
        var client = await platform.CreateLangflowClientAsync();
        using var http = await platform.CreateAuthenticatedHttpClientAsync();
        var flow = await client.DeployAsync("inbox-triage");

        using var deleted = await http.DeleteAsync($"/api/v1/flows/{flow.Id}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("""{"message":"Flow deleted successfully"}""", await deleted.Content.ReadAsStringAsync());

        using var read = await http.GetAsync($"/api/v1/flows/{flow.Id}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal("""{"detail":"Flow not found"}""", await read.Content.ReadAsStringAsync());

        Assert.Null(await client.FindFlowAsync(flow.Id));
        Assert.False(await client.DeleteFlowAsync(flow.Id));
        var error = await Assert.ThrowsAsync<LangflowException>(() => client.GetFlowAsync(flow.Id));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        var runError = await Assert.ThrowsAsync<LangflowException>(() => client.RunAsync(flow.EndpointName!, new RunRequest("hi")));
        Assert.Equal(HttpStatusCode.NotFound, runError.StatusCode);
    }

    [Fact]
    public async Task Invalid_creates_are_422_with_pydantic_details_and_create_nothing()
    {
        using var http = await platform.CreateAuthenticatedHttpClientAsync();
        var endpoint = LangflowTestSupport.UniqueEndpoint("bad");

        using var badEndpoint = await http.PostAsJsonAsync("/api/v1/flows/", new JsonObject
        {
            ["name"] = endpoint, ["endpoint_name"] = "has spaces!", ["data"] = new JsonObject { ["nodes"] = new JsonArray(), ["edges"] = new JsonArray() },
        });
        using var noNodes = await http.PostAsJsonAsync("/api/v1/flows/", new JsonObject { ["name"] = endpoint, ["data"] = new JsonObject { ["edges"] = new JsonArray() } });
        using var noName = await http.PostAsJsonAsync("/api/v1/flows/", new JsonObject { ["endpoint_name"] = endpoint });
        using var badId = await http.GetAsync("/api/v1/flows/not-a-uuid");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, badEndpoint.StatusCode);
        Assert.Equal(["body", "endpoint_name"], Loc(await badEndpoint.ReadJsonObjectAsync()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noNodes.StatusCode);
        Assert.Contains("Flow must have nodes", (string?)(await noNodes.ReadJsonObjectAsync())["detail"]![0]!["msg"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noName.StatusCode);
        Assert.Equal(["body", "name"], Loc(await noName.ReadJsonObjectAsync()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badId.StatusCode);
        Assert.Equal(["path", "flow_id"], Loc(await badId.ReadJsonObjectAsync()));

        var client = await platform.CreateLangflowClientAsync();
        Assert.DoesNotContain(await client.ListFlowsAsync(), f => f.Name == endpoint);
    }

    private static string[] Loc(JsonObject error) => [.. error["detail"]![0]!["loc"]!.AsArray().Select(l => l!.ToString())];
}
