using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Ragflow;

/// <summary>Shared helpers for the RAGFlow emulator's HTTP tests: the AppHost's key, a client, datasets, uploads, polling.</summary>
public static class RagflowTestSupport
{
    /// <summary>The value of the AppHost parameter <c>ragflow-api-key</c>, which the emulator is started with.</summary>
    public static Task<string> GetRagflowApiKeyAsync(this PlatformFixture platform) => platform.Identity.GetParameterAsync("ragflow-api-key");

    /// <summary>
    /// A client for the ragflow resource without the test host's retrying resilience handler (uploads of megabytes,
    /// answers read as they are); authenticated with the key unless <paramref name="authenticated"/> is false.
    /// </summary>
    public static async Task<HttpClient> CreateRagflowClientAsync(this PlatformFixture platform, bool authenticated = true)
    {
        var http = new HttpClient { BaseAddress = platform.App.GetEndpoint("ragflow", "http"), Timeout = TimeSpan.FromSeconds(120) };
        if (authenticated)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await platform.GetRagflowApiKeyAsync());
        }

        return http;
    }

    /// <summary>A dataset name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static async Task<JsonObject> SendAsync(this HttpClient http, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<string> CreateDatasetAsync(this HttpClient http, string name, object? parserConfig = null)
    {
        var created = await http.SendAsync(HttpMethod.Post, "/api/v1/datasets", parserConfig is null ? new { name } : new { name, parser_config = parserConfig });
        Assert.Equal(0, (int)created["code"]!);
        return (string)created["data"]!["id"]!;
    }

    /// <summary>Uploads the files as repeated <c>file</c> parts; returns the answer.</summary>
    public static async Task<JsonObject> UploadAsync(this HttpClient http, string datasetId, params (string Name, byte[] Content)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            form.Add(new ByteArrayContent(content), "file", name);
        }

        using var response = await http.PostAsync($"/api/v1/datasets/{datasetId}/documents", form);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Uploads text files and returns their document ids in order.</summary>
    public static async Task<string[]> UploadTextAsync(this HttpClient http, string datasetId, params (string Name, string Text)[] files)
    {
        var uploaded = await http.UploadAsync(datasetId, [.. files.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Text)))]);
        Assert.Equal(0, (int)uploaded["code"]!);
        return [.. uploaded["data"]!.AsArray().Select(d => (string)d!["id"]!)];
    }

    public static async Task<JsonObject> StartParseAsync(this HttpClient http, string datasetId, params string[] documentIds) =>
        await http.SendAsync(HttpMethod.Post, $"/api/v1/datasets/{datasetId}/chunks", new { document_ids = documentIds });

    /// <summary>One document's status (the list filtered by <c>id</c>).</summary>
    public static async Task<JsonObject> GetDocumentAsync(this HttpClient http, string datasetId, string documentId)
    {
        var listed = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{datasetId}/documents?id={documentId}");
        Assert.Equal(0, (int)listed["code"]!);
        return listed["data"]!["docs"]![0]!.AsObject();
    }

    /// <summary>Polls <c>?id=</c> until <c>run</c> is DONE, FAIL or CANCEL (at most 30 s).</summary>
    public static async Task<JsonObject> WaitForParseAsync(this HttpClient http, string datasetId, string documentId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var document = await http.GetDocumentAsync(datasetId, documentId);
            if ((string?)document["run"] is "DONE" or "FAIL" or "CANCEL" || DateTime.UtcNow > deadline)
            {
                return document;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Uploads, parses and waits: the ids of the DONE documents.</summary>
    public static async Task<string[]> IngestAsync(this HttpClient http, string datasetId, params (string Name, string Text)[] files)
    {
        var ids = await http.UploadTextAsync(datasetId, files);
        Assert.Equal(0, (int)(await http.StartParseAsync(datasetId, ids))["code"]!);
        foreach (var id in ids)
        {
            Assert.Equal("DONE", (string?)(await http.WaitForParseAsync(datasetId, id))["run"]);
        }

        return ids;
    }

    public static Task<JsonObject> RetrieveAsync(this HttpClient http, object body) => http.SendAsync(HttpMethod.Post, "/api/v1/retrieval", body);
}
