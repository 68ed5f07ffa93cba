using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Knowledge;

/// <summary>
/// T7 through the AppHost: a buyer's documents, uploaded to their knowledge instance, answer its runs; deleted, they
/// stop answering; and nothing of one workspace's knowledge reaches another's.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class KnowledgeFlowTests(PlatformFixture platform)
{
    [Fact]
    public async Task T7_an_uploaded_fact_answers_the_run_and_stops_answering_once_its_document_is_deleted()
    {
        var buyer = await KnowledgeScenario.StartTrialAsync(platform, "t7");
        Assert.NotNull(buyer.Instance.KnowledgeBaseId);          // created by the reconciler when the trial was provisioned
        var code = $"QX-{Guid.NewGuid():N}"[..11].ToUpperInvariant();
        var uploaded = await buyer.UploadAsync("office-handbook.md",
            "# Office handbook\n\nWelcome to the Lisbon office.\n\n" +
            $"The door code of the Lisbon office is {code}. Change it every quarter.\n\n" +
            "Lunch is served at noon in the canteen on the second floor. Visitors sign in at reception.");

        var document = await buyer.WaitUntilParsedAsync(Assert.Single(uploaded).Id);
        Assert.Equal(KnowledgeDocumentStatuses.Ready, document.Status);
        Assert.True(document.ChunkCount > 0);

        var (answer, timing) = await buyer.RunAsync("What is the door code of the Lisbon office?");
        Assert.Contains(code, (string?)answer["output"]);
        Assert.True((int)answer["usage"]!["knowledgeChunks"]! >= 1);
        Assert.Contains("retrieval;dur=", timing);
        // The run record reaches the Control Plane with the run's settlement, moments after the answer.
        var runId = Guid.Parse((string)answer["runId"]!);
        var run = await Polling.UntilAsync(() => buyer.ControlPlane.GetRunAsync(buyer.User.AccessToken, runId), r => r is not null,
            TimeSpan.FromSeconds(10), $"the record of run {runId}");
        Assert.Equal([document.Id], run!.CitedDocumentIds);

        await buyer.ControlPlane.DeleteKnowledgeAsync(buyer.User.AccessToken, buyer.Instance.Id, document.Id);

        Assert.Empty((await buyer.ControlPlane.ListKnowledgeAsync(buyer.User.AccessToken, buyer.Instance.Id))!.Items);
        var (after, _) = await buyer.RunAsync("What is the door code of the Lisbon office?");
        Assert.DoesNotContain(code, (string?)after["output"]);
        Assert.Equal(0, (int)after["usage"]!["knowledgeChunks"]!);
    }

    [Fact]
    public async Task Two_workspaces_with_a_shared_keyword_each_see_only_their_own_documents()
    {
        var alpha = await KnowledgeScenario.StartTrialAsync(platform, "iso-a");
        var beta = await KnowledgeScenario.StartTrialAsync(platform, "iso-b");
        var (alphaSecret, betaSecret) = ($"alpha{Guid.NewGuid():N}"[..14], $"beta{Guid.NewGuid():N}"[..13]);
        var alphaDoc = Assert.Single(await alpha.UploadAsync("policy.txt", $"Zephyr project policy. The zephyr password is {alphaSecret}."));
        var betaDoc = Assert.Single(await beta.UploadAsync("policy.txt", $"Zephyr project policy. The zephyr password is {betaSecret}."));
        Assert.Equal(KnowledgeDocumentStatuses.Ready, (await alpha.WaitUntilParsedAsync(alphaDoc.Id)).Status);
        Assert.Equal(KnowledgeDocumentStatuses.Ready, (await beta.WaitUntilParsedAsync(betaDoc.Id)).Status);

        foreach (var (buyer, own, other, ownDoc) in new[] { (alpha, alphaSecret, betaSecret, alphaDoc.Id), (beta, betaSecret, alphaSecret, betaDoc.Id) })
        {
            var found = await buyer.ControlPlane.SearchKnowledgeAsync(buyer.User.AccessToken, buyer.Instance.Id, "zephyr password");
            Assert.NotEmpty(found.Chunks);
            Assert.All(found.Chunks, c => Assert.Equal(ownDoc, c.DocumentId));
            Assert.Contains(found.Chunks, c => c.Content.Contains(own));
            Assert.DoesNotContain(found.Chunks, c => c.Content.Contains(other));

            var (answer, _) = await buyer.RunAsync("What is the zephyr password?");
            Assert.Contains(own, (string?)answer["output"]);
            Assert.DoesNotContain(other, (string?)answer["output"]);
        }

        // Every knowledge endpoint with the other workspace's instance: 404, and nothing changes.
        using var http = alpha.ControlPlaneHttp();
        var foreign = $"/api/v1/instances/{beta.Instance.Id}/knowledge";
        using (var list = await http.GetAsync($"{foreign}/documents"))
        {
            Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        }

        using (var search = await http.PostAsJsonAsync($"{foreign}/search", new { question = "zephyr password" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, search.StatusCode);
        }

        using (var delete = await http.DeleteAsync($"{foreign}/documents/{betaDoc.Id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        using (var form = new MultipartFormDataContent { { new ByteArrayContent("planted"u8.ToArray()), "file", "planted.txt" } })
        using (var upload = await http.PostAsync($"{foreign}/documents", form))
        {
            Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        }

        // Beta's document, named through alpha's own instance: not found either.
        using (var delete = await http.DeleteAsync($"/api/v1/instances/{alpha.Instance.Id}/knowledge/documents/{betaDoc.Id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        // A dataset id in the body is not a way in: the instance's own dataset is searched.
        using (var smuggled = await http.PostAsJsonAsync($"/api/v1/instances/{alpha.Instance.Id}/knowledge/search",
            new { question = "zephyr password", datasetIds = new[] { beta.Instance.KnowledgeBaseId }, dataset_ids = new[] { beta.Instance.KnowledgeBaseId } }))
        {
            Assert.Equal(HttpStatusCode.OK, smuggled.StatusCode);
            var chunks = (await smuggled.Content.ReadFromJsonAsync<KnowledgeSearchResultDto>())!.Chunks;
            Assert.All(chunks, c => Assert.Equal(alphaDoc.Id, c.DocumentId));
        }

        var betaDocuments = await beta.ControlPlane.ListKnowledgeAsync(beta.User.AccessToken, beta.Instance.Id);
        Assert.Equal([betaDoc.Id], betaDocuments!.Items.Select(d => d.Id));
    }

    [Fact]
    public async Task A_corrupt_pdf_fails_with_its_reason_a_10_MB_file_is_accepted_and_larger_or_unsupported_files_are_refused()
    {
        var buyer = await KnowledgeScenario.StartTrialAsync(platform, "limits");
        using var http = buyer.ControlPlaneHttp();
        var documents = $"/api/v1/instances/{buyer.Instance.Id}/knowledge/documents";

        var corrupt = Assert.Single(await buyer.ControlPlane.UploadKnowledgeAsync(
            buyer.User.AccessToken, buyer.Instance.Id, [("scan.pdf", "this is not a PDF at all"u8.ToArray())]));
        var failed = await buyer.WaitUntilParsedAsync(corrupt.Id);
        Assert.Equal(KnowledgeDocumentStatuses.Failed, failed.Status);
        Assert.False(string.IsNullOrWhiteSpace(failed.Error));
        Assert.Equal(-1, failed.Progress);

        // 10 MB: accepted (its parse fails too, as it is not a PDF either: it is about the size limit).
        var tenMegabytes = new byte[10_000_000];
        Array.Fill(tenMegabytes, (byte)'x');
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(tenMegabytes), "file", "big.pdf" } })
        using (var accepted = await http.PostAsync(documents, form))
        {
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        var before = (await buyer.ControlPlane.ListKnowledgeAsync(buyer.User.AccessToken, buyer.Instance.Id))!.Total;
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[KnowledgeLimits.MaxFileBytes + 1]), "file", "huge.txt" } })
        using (var tooLarge = await http.PostAsync(documents, form))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
            Assert.Equal("payload_too_large", (string?)(await tooLarge.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
        }

        using (var form = new MultipartFormDataContent { { new ByteArrayContent("PK\u0003\u0004"u8.ToArray()), "file", "contract.docx" } })
        using (var unsupported = await http.PostAsync(documents, form))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported.StatusCode);
            Assert.Contains(".pdf", (string?)(await unsupported.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
        }

        using (var empty = await http.PostAsJsonAsync(documents, new { name = "x" }))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, empty.StatusCode);
        }

        Assert.Equal(before, (await buyer.ControlPlane.ListKnowledgeAsync(buyer.User.AccessToken, buyer.Instance.Id))!.Total);
    }
}
