using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Ragflow;

/// <summary>The RAGFlow emulator over HTTP: auth, health, unknown routes, and the dataset API.</summary>
[Collection(PlatformCollection.Name)]
public sealed class RagflowDatasetsApiTests(PlatformFixture platform)
{
    [Fact]
    public async Task Missing_or_wrong_key_is_401_and_a_bare_key_is_accepted()
    {
        using var anonymous = await platform.CreateRagflowClientAsync(authenticated: false);
        using var missing = await anonymous.GetAsync("/api/v1/datasets");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/datasets");
        wrong.Headers.Authorization = new("Bearer", "ragflow-not-the-key");
        using var wrongResponse = await anonymous.SendAsync(wrong);
        using var bare = new HttpRequestMessage(HttpMethod.Get, "/api/v1/datasets");
        bare.Headers.TryAddWithoutValidation("Authorization", await platform.GetRagflowApiKeyAsync());
        using var bareResponse = await anonymous.SendAsync(bare);

        foreach (var response in new[] { missing, wrongResponse })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(401, (int)body["code"]!);
            Assert.Equal("<Unauthorized '401: Unauthorized'>", (string?)body["message"]);
            Assert.Null(body["data"]);
        }

        Assert.Equal(HttpStatusCode.OK, bareResponse.StatusCode);
    }

    [Fact]
    public async Task Health_needs_no_key_and_unknown_routes_are_ragflows_404()
    {
        using var anonymous = await platform.CreateRagflowClientAsync(authenticated: false);

        var version = (await anonymous.GetFromJsonAsync<JsonObject>("/api/v1/system/version"))!;
        var health = (await anonymous.GetFromJsonAsync<JsonObject>("/api/v1/system/healthz"))!;
        var ping = await anonymous.GetStringAsync("/api/v1/system/ping");
        using var unknown = await anonymous.GetAsync("/api/v1/no/such/route");
        var notFound = (await unknown.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("v0.27.0", (string?)version["data"]);
        Assert.Equal(0, (int)version["code"]!);
        Assert.Equal("ok", (string?)health["status"]);
        Assert.Equal("pong", ping);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(404, (int)notFound["code"]!);
        Assert.Equal("Not Found: /api/v1/no/such/route", (string?)notFound["message"]);
        Assert.Equal("Not Found", (string?)notFound["error"]);
    }

    [Fact]
    public async Task Create_trims_merges_parser_config_and_renames_duplicates()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var name = RagflowTestSupport.UniqueName("kb");

        var first = await http.SendAsync(HttpMethod.Post, "/api/v1/datasets", new { name = $"  {name}  ", description = "Support", parser_config = new { chunk_token_num = 256 } });
        var second = await http.SendAsync(HttpMethod.Post, "/api/v1/datasets", new { name });
        var third = await http.SendAsync(HttpMethod.Post, "/api/v1/datasets", new { name });
        var blank = await http.SendAsync(HttpMethod.Post, "/api/v1/datasets", new { name = "   " });
        var badMethod = await http.SendAsync(HttpMethod.Post, "/api/v1/datasets", new { name, chunk_method = "nope" });

        var data = first["data"]!;
        Assert.Equal(0, (int)first["code"]!);
        Assert.Equal(name, (string?)data["name"]);
        Assert.Matches("^[0-9a-f]{32}$", (string)data["id"]!);
        Assert.Equal("Support", (string?)data["description"]);
        Assert.Equal("naive", (string?)data["chunk_method"]);
        Assert.Equal(256, (int)data["parser_config"]!["chunk_token_num"]!);
        Assert.Equal("\n", (string?)data["parser_config"]!["delimiter"]);
        Assert.Equal(512, (int)second["data"]!["parser_config"]!["chunk_token_num"]!);
        Assert.Equal($"{name}(1)", (string?)second["data"]!["name"]);
        Assert.Equal($"{name}(2)", (string?)third["data"]!["name"]);
        Assert.Equal(0, (int)data["document_count"]!);
        Assert.Equal(101, (int)blank["code"]!);
        Assert.Contains("at least 1 character", (string?)blank["message"]);
        Assert.Equal(101, (int)badMethod["code"]!);
    }

    [Fact]
    public async Task List_get_update_and_delete()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var name = RagflowTestSupport.UniqueName("kb-crud");
        var id = await http.CreateDatasetAsync(name);

        var byName = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets?name={name}&include_parsing_status=true");
        var byId = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets?id={id}");
        var page = await http.SendAsync(HttpMethod.Get, "/api/v1/datasets?page=1&page_size=1");
        var tooBig = await http.SendAsync(HttpMethod.Get, "/api/v1/datasets?page_size=500");
        var unknown = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets?id={Guid.NewGuid():N}");
        var one = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{id}");

        Assert.Equal(1, (int)byName["total_datasets"]!);
        Assert.Equal(id, (string?)byName["data"]![0]!["id"]);
        Assert.Equal(0, (int)byName["data"]![0]!["unstart_count"]!);
        Assert.Equal(id, (string?)byId["data"]![0]!["id"]);
        Assert.Single(page["data"]!.AsArray());
        Assert.True((int)page["total_datasets"]! >= 1);
        Assert.Equal(101, (int)tooBig["code"]!);
        Assert.Equal(108, (int)unknown["code"]!);
        Assert.Equal(name, (string?)one["data"]!["name"]);

        var updated = await http.SendAsync(HttpMethod.Put, $"/api/v1/datasets/{id}", new { description = "new text", parser_config = new { chunk_token_num = 128 } });
        var unchanged = await http.SendAsync(HttpMethod.Put, $"/api/v1/datasets/{id}", new { description = "new text" });
        Assert.Equal(0, (int)updated["code"]!);
        Assert.Equal("new text", (string?)updated["data"]!["description"]);
        Assert.Equal(128, (int)updated["data"]!["parser_config"]!["chunk_token_num"]!);
        Assert.Equal("\n", (string?)updated["data"]!["parser_config"]!["delimiter"]);
        Assert.Equal(102, (int)unchanged["code"]!);
        Assert.Equal("no properties were modified", (string?)unchanged["message"]);

        var nothing = await http.SendAsync(HttpMethod.Delete, "/api/v1/datasets", new { });
        var emptyIds = await http.SendAsync(HttpMethod.Delete, "/api/v1/datasets", new { ids = Array.Empty<string>() });
        var foreign = await http.SendAsync(HttpMethod.Delete, "/api/v1/datasets", new { ids = new[] { id, Guid.NewGuid().ToString("N") } });
        Assert.Equal(0, (int)nothing["data"]!["success_count"]!);
        Assert.Equal(0, (int)emptyIds["data"]!["success_count"]!);
        Assert.Equal(108, (int)foreign["code"]!);
        Assert.Equal(0, (int)(await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{id}"))["code"]!);

        var deleted = await http.SendAsync(HttpMethod.Delete, "/api/v1/datasets", new { ids = new[] { id } });
        var gone = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{id}");
        Assert.Equal(1, (int)deleted["data"]!["success_count"]!);
        Assert.Equal(102, (int)gone["code"]!);
        Assert.Equal($"You don't own the dataset {id}.", (string?)gone["message"]);
    }
}
