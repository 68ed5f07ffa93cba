using System.Text.Json.Nodes;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Ragflow;

/// <summary>The RAGFlow emulator's <c>POST /api/v1/retrieval</c> over HTTP, against the contract's example shape.</summary>
[Collection(PlatformCollection.Name)]
public sealed class RagflowRetrievalApiTests(PlatformFixture platform)
{
    private static readonly (string Name, string Text)[] Corpus =
    [
        ("printer-faq.txt", "To clear a paper jam, open tray 2 and pull the green lever.\n\nPaper jams often come from damp paper; keep paper dry.\n\nThe printer warms up in thirty seconds."),
        ("toner.md", "# Toner\n\nReplace the toner cartridge when the light blinks orange.\n\nA paper jam can also smear toner on the drum."),
        ("network.html", "<html><body><h1>Network</h1><p>Connect the printer to Wi-Fi from the settings menu.</p></body></html>"),
    ];

    [Fact]
    public async Task Retrieval_has_the_contract_shape_with_scores_doc_aggs_and_highlight()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("ret"), new { chunk_token_num = 16 });
        var ids = await http.IngestAsync(dataset, Corpus);

        var answer = await http.RetrieveAsync(new
        {
            question = "How do I clear a paper jam?", dataset_ids = new[] { dataset }, page = 1, page_size = 2,
            similarity_threshold = 0.2, vector_similarity_weight = 0.3, top_k = 256, keyword = false, highlight = true,
        });
        var again = await http.RetrieveAsync(new
        {
            question = "How do I clear a paper jam?", dataset_ids = new[] { dataset }, page = 1, page_size = 2,
            similarity_threshold = 0.2, vector_similarity_weight = 0.3, top_k = 256, keyword = false, highlight = true,
        });

        Assert.Equal(0, (int)answer["code"]!);
        var data = answer["data"]!;
        var chunks = data["chunks"]!.AsArray();
        Assert.Equal(2, chunks.Count);
        Assert.True((int)data["total"]! >= 3, data.ToJsonString());
        var top = chunks[0]!.AsObject();
        Assert.Contains("clear a paper jam", (string)top["content"]!);
        Assert.Equal(ids[0], (string?)top["document_id"]);
        Assert.Equal("printer-faq.txt", (string?)top["document_keyword"]);
        Assert.Equal(dataset, (string?)top["dataset_id"]);
        Assert.Contains("paper jam", (string)top["content_ltks"]!);
        Assert.Contains("<em>paper</em> <em>jam</em>", (string)top["highlight"]!);
        foreach (var field in new[] { "id", "important_keywords", "positions", "similarity", "vector_similarity", "term_similarity" })
        {
            Assert.True(top.ContainsKey(field), field);
        }

        var similarities = chunks.Select(c => (double)c!["similarity"]!).ToList();
        Assert.Equal(similarities.OrderDescending(), similarities);
        Assert.All(similarities, s => Assert.InRange(s, 0.2, 1));
        var aggregates = data["doc_aggs"]!.AsArray();
        Assert.Equal("printer-faq.txt", (string?)aggregates[0]!["doc_name"]);
        Assert.Equal(ids[0], (string?)aggregates[0]!["doc_id"]);
        Assert.Equal((int)data["total"]!, aggregates.Sum(a => (int)a!["count"]!));
        Assert.DoesNotContain(aggregates, a => (string?)a!["doc_name"] == "network.html");
        Assert.True(JsonNode.DeepEquals(answer, again));

        var strict = await http.RetrieveAsync(new { question = "How do I clear a paper jam?", dataset_ids = new[] { dataset }, similarity_threshold = 0.99 });
        var plain = await http.RetrieveAsync(new { question = "paper jam", dataset_ids = new[] { dataset }, highlight = "false" });
        var blank = await http.RetrieveAsync(new { question = "  ", dataset_ids = new[] { dataset } });
        Assert.Equal(0, (int)strict["data"]!["total"]!);
        Assert.Empty(strict["data"]!["chunks"]!.AsArray());
        Assert.False(plain["data"]!["chunks"]![0]!.AsObject().ContainsKey("highlight"));
        Assert.Equal("""{"total":0,"chunks":[],"doc_aggs":{}}""", blank["data"]!.ToJsonString());
    }

    [Fact]
    public async Task A_deleted_document_is_no_longer_retrieved_and_document_ids_restrict()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("ret-del"));
        var ids = await http.IngestAsync(dataset, Corpus);

        var onlyToner = await http.RetrieveAsync(new { question = "paper jam", dataset_ids = new[] { dataset }, document_ids = new[] { ids[1] } });
        await http.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{dataset}/documents", new { ids = new[] { ids[0] } });
        var after = await http.RetrieveAsync(new { question = "paper jam", dataset_ids = new[] { dataset } });

        Assert.All(onlyToner["data"]!["chunks"]!.AsArray(), c => Assert.Equal(ids[1], (string?)c!["document_id"]));
        Assert.NotEmpty(after["data"]!["chunks"]!.AsArray());
        Assert.DoesNotContain(after["data"]!["chunks"]!.AsArray(), c => (string?)c!["document_id"] == ids[0]);
        Assert.DoesNotContain(after["data"]!["doc_aggs"]!.AsArray(), a => (string?)a!["doc_id"] == ids[0]);
    }

    [Fact]
    public async Task Foreign_or_missing_datasets_and_foreign_documents_are_code_102()
    {
        using var http = await platform.CreateRagflowClientAsync();
        var dataset = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("ret-err"));
        var other = await http.CreateDatasetAsync(RagflowTestSupport.UniqueName("ret-other"));
        var otherDocument = (await http.UploadTextAsync(other, ("x.txt", "paper")))[0];
        var foreignId = Guid.NewGuid().ToString("N");

        var foreign = await http.RetrieveAsync(new { question = "paper", dataset_ids = new[] { foreignId } });
        var missing = await http.RetrieveAsync(new { question = "paper" });
        var notList = await http.RetrieveAsync(new { question = "paper", dataset_ids = dataset });
        var foreignDocument = await http.RetrieveAsync(new { question = "paper", dataset_ids = new[] { dataset }, document_ids = new[] { otherDocument } });
        var badTopK = await http.RetrieveAsync(new { question = "paper", dataset_ids = new[] { dataset }, top_k = 0 });

        Assert.Equal(102, (int)foreign["code"]!);
        Assert.Equal($"You don't own the dataset {foreignId}.", (string?)foreign["message"]);
        Assert.Equal(102, (int)missing["code"]!);
        Assert.Equal("`dataset_ids` is required.", (string?)missing["message"]);
        Assert.Equal(102, (int)notList["code"]!);
        Assert.Equal(102, (int)foreignDocument["code"]!);
        Assert.Equal($"The datasets don't own the document {otherDocument}", (string?)foreignDocument["message"]);
        Assert.Equal(102, (int)badTopK["code"]!);
    }
}
