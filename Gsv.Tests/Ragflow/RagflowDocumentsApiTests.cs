using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Ragflow;

/// <summary>The RAGFlow emulator's documents over HTTP: upload, parse life cycle, failures, chunks, download, delete.</summary>
[Collection(PlatformCollection.Name)]
public sealed class RagflowDocumentsApiTests(PlatformFixture platform)
{
    private const string Faq = """
        Printer FAQ.

        To clear a paper jam, open tray 2 and pull the green lever. Remove the jammed sheet slowly.

        Toner cartridges last about five thousand pages. Replace the cartridge when the light blinks orange.
        """;

    [Fact]
    public async Task Upload_with_two_file_parts_gives_two_unstarted_documents()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("docs"));

        var uploaded = await http.UploadAsync(dataset, ("faq.txt", Encoding.UTF8.GetBytes(Faq)), ("guide.md", Encoding.UTF8.GetBytes("# Guide\n\nHello.")));
        using var noPart = await http.PostAsync($"/api/v1/datasets/{dataset}/documents", new MultipartFormDataContent { { new StringContent("x"), "other" } });
        var noPartBody = JsonNode.Parse(await noPart.Content.ReadAsStringAsync())!;
        var listed = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{dataset}/documents?suffix=md");

        Assert.Equal(0, (int)uploaded["code"]!);
        var documents = uploaded["data"]!.AsArray();
        Assert.Equal(2, documents.Count);
        Assert.Equal(["faq.txt", "guide.md"], documents.Select(d => (string)d!["name"]!));
        Assert.All(documents, d => Assert.Equal("UNSTART", (string?)d!["run"]));
        Assert.All(documents, d => Assert.Matches("^[0-9a-f]{32}$", (string)d!["id"]!));
        Assert.Equal("txt", (string?)documents[0]!["suffix"]);
        Assert.Equal("doc", (string?)documents[0]!["type"]);
        Assert.Equal(Encoding.UTF8.GetByteCount(Faq), (int)documents[0]!["size"]!);
        Assert.Equal(101, (int)noPartBody["code"]!);
        Assert.Equal("No file part!", (string?)noPartBody["message"]);
        Assert.Equal(1, (int)listed["data"]!["total"]!);
        Assert.Equal("guide.md", (string?)listed["data"]!["docs"]![0]!["name"]);
    }

    [Fact]
    public async Task Parse_goes_running_then_done_with_chunks_and_the_file_downloads_unchanged()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("parse"), new { chunk_token_num = 16 });
        var pdf = RagflowTextExtractionTests.BuildPdf("The warranty covers printer heads for two years.", "Paper jams are cleared from tray two.");
        var uploaded = await http.UploadAsync(dataset, ("faq.txt", Encoding.UTF8.GetBytes(Faq)), ("manual.pdf", pdf));
        var ids = uploaded["data"]!.AsArray().Select(d => (string)d!["id"]!).ToArray();

        var started = await http.StartParseAsync(dataset, ids);
        var running = await http.GetDocumentAsync(dataset, ids[0]);
        var again = await http.StartParseAsync(dataset, ids[0]);
        var done = await http.WaitForParseAsync(dataset, ids[0]);
        var pdfDone = await http.WaitForParseAsync(dataset, ids[1]);

        Assert.Equal("""{"code":0}""", started.ToJsonString());
        Assert.Equal("RUNNING", (string?)running["run"]);
        Assert.InRange((double)running["progress"]!, 0, 0.99);
        Assert.Equal(102, (int)again["code"]!);
        Assert.Equal("Can't parse document that is currently being processed", (string?)again["message"]);
        Assert.Equal("DONE", (string?)done["run"]);
        Assert.Equal(1.0, (double)done["progress"]!);
        Assert.True((int)done["chunk_count"]! > 1);
        Assert.True((int)done["token_count"]! > 0);
        Assert.NotNull(done["process_begin_at"]);
        Assert.Contains("Task done", (string?)done["progress_msg"]);
        Assert.Equal("DONE", (string?)pdfDone["run"]);

        var chunks = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{dataset}/documents/{ids[0]}/chunks");
        var jam = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{dataset}/documents/{ids[0]}/chunks?keywords=paper%20jam");
        var pdfChunks = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{dataset}/documents/{ids[1]}/chunks");
        Assert.Equal((int)done["chunk_count"]!, (int)chunks["data"]!["total"]!);
        Assert.Equal("DONE", (string?)chunks["data"]!["doc"]!["run"]);
        Assert.Equal(ids[0], (string?)chunks["data"]!["chunks"]![0]!["document_id"]);
        Assert.All(jam["data"]!["chunks"]!.AsArray(), c => Assert.Contains("paper jam", (string)c!["content"]!, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(pdfChunks["data"]!["chunks"]!.AsArray(), c => c!["positions"]!.AsArray().Any(p => (int)p![0]! == 2));

        var bytes = await http.GetByteArrayAsync($"/api/v1/datasets/{dataset}/documents/{ids[1]}");
        Assert.Equal(pdf, bytes);
    }

    [Theory]
    [InlineData("broken.pdf", "not a PDF")]
    [InlineData("slides.docx", "Unsupported file type")]
    public async Task A_corrupt_pdf_or_unsupported_suffix_fails_with_an_error_line(string name, string reason)
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("fail"));
        var id = (await http.UploadTextAsync(dataset, (name, "this is not what the suffix says")))[0];

        await http.StartParseAsync(dataset, id);
        var failed = await http.WaitForParseAsync(dataset, id);

        Assert.Equal("FAIL", (string?)failed["run"]);
        Assert.Equal(-1.0, (double)failed["progress"]!);
        var errorLine = ((string)failed["progress_msg"]!).Split('\n').Single(l => l.Contains("[ERROR]", StringComparison.Ordinal));
        Assert.Contains(reason, errorLine);
        Assert.Equal(0, (int)failed["chunk_count"]!);
    }

    [Fact]
    public async Task Stop_cancels_a_running_parse_and_a_document_not_running_is_refused()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("stop"));
        var id = (await http.UploadTextAsync(dataset, ("faq.txt", Faq)))[0];

        var notRunning = await http.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{dataset}/chunks", new { document_ids = new[] { id } });
        var missing = await http.SendAsync(HttpMethod.Post, $"/api/v1/datasets/{dataset}/chunks", new { });
        var unknown = await http.StartParseAsync(dataset, "0123456789abcdef0123456789abcdef");
        await http.StartParseAsync(dataset, id);
        var stopped = await http.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{dataset}/chunks", new { document_ids = new[] { id } });
        await Task.Delay(600);
        var after = await http.GetDocumentAsync(dataset, id);

        Assert.Equal(102, (int)notRunning["code"]!);
        Assert.Equal(102, (int)missing["code"]!);
        Assert.Equal("`document_ids` is required", (string?)missing["message"]);
        Assert.Equal(102, (int)unknown["code"]!);
        Assert.StartsWith("Documents not found: [", (string?)unknown["message"]);
        Assert.Equal("""{"code":0}""", stopped.ToJsonString());
        Assert.Equal("CANCEL", (string?)after["run"]);
        Assert.Equal(0, (int)after["chunk_count"]!);
    }

    [Fact]
    public async Task Delete_without_ids_deletes_nothing_and_unknown_ids_are_refused()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("del"));
        var ids = await http.UploadTextAsync(dataset, ("a.txt", "alpha"), ("b.txt", "beta"));
        var unknownId = Guid.NewGuid().ToString("N");

        var noIds = await http.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{dataset}/documents", new { });
        var emptyIds = await http.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{dataset}/documents", new { ids = Array.Empty<string>() });
        var unknown = await http.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{dataset}/documents", new { ids = new[] { ids[0], unknownId } });
        var stillTwo = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{dataset}/documents");
        var deleted = await http.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{dataset}/documents", new { ids = new[] { ids[0] } });
        var left = await http.SendAsync(HttpMethod.Get, $"/api/v1/datasets/{dataset}/documents");

        Assert.Equal(102, (int)noIds["code"]!);
        Assert.Contains("`ids` is required", (string?)noIds["message"]);
        Assert.Equal(102, (int)emptyIds["code"]!);
        Assert.Equal(102, (int)unknown["code"]!);
        Assert.Equal($"These documents do not belong to dataset {dataset} or Document not found: {unknownId}", (string?)unknown["message"]);
        Assert.Equal(2, (int)stillTwo["data"]!["total"]!);
        Assert.Equal(1, (int)deleted["data"]!["deleted"]!);
        Assert.Equal(ids[1], (string?)left["data"]!["docs"]![0]!["id"]);
        Assert.Equal(1, (int)left["data"]!["total"]!);
    }

    [Fact]
    public async Task A_ten_megabyte_upload_is_accepted()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("big"));
        var content = new byte[10 * 1024 * 1024];
        new Random(1).NextBytes(content);

        var uploaded = await http.UploadAsync(dataset, ("big.bin", content));

        Assert.Equal(0, (int)uploaded["code"]!);
        Assert.Equal(content.Length, (long)uploaded["data"]![0]!["size"]!);
        using var download = await http.GetAsync($"/api/v1/datasets/{dataset}/documents/{(string)uploaded["data"]![0]!["id"]!}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(content.Length, (await download.Content.ReadAsByteArrayAsync()).Length);
    }
}
