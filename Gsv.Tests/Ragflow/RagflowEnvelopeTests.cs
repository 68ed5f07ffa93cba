using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow;
using Gsv.Emulators.Ragflow.Api;
using Gsv.Emulators.Ragflow.Search;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Tests.Ragflow;

/// <summary>The emulator's response and error shapes, pagination rules and key parsing, without a server.</summary>
public sealed class RagflowEnvelopeTests
{
    [Fact]
    public void Success_error_401_and_404_bodies_have_ragflows_shape()
    {
        static void Same(string expected, JsonObject actual) => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual.ToJsonString());

        Same("""{"code":0,"data":{"x":1},"message":"success"}""", RagflowEnvelope.Success(new JsonObject { ["x"] = 1 }));
        Same("""{"code":0}""", RagflowEnvelope.Done());
        var notOwned = RagflowException.NotOwnedDataset("abc");
        Same("""{"code":102,"data":null,"message":"You don't own the dataset abc."}""", RagflowEnvelope.Error(notOwned.Code, notOwned.Message));
        Same("""{"code":401,"data":null,"message":"<Unauthorized '401: Unauthorized'>"}""", RagflowEnvelope.Unauthorized());
        Same("""{"code":404,"data":null,"message":"Not Found: /api/v1/x","error":"Not Found"}""", RagflowEnvelope.NotFound("/api/v1/x"));
    }

    [Fact]
    public void Field_errors_are_code_101_in_pydantics_words()
    {
        var error = RagflowException.Field("name", "String should have at least 1 character", "");

        Assert.Equal(RagflowCodes.ArgumentError, error.Code);
        Assert.Equal("Field: <name> - Message: <String should have at least 1 character> - Value: <>", error.Message);
    }

    [Theory]
    [InlineData(null, null, 1, 30)]
    [InlineData("0", "0", 1, 30)]
    [InlineData("abc", "x", 1, 30)]
    [InlineData("3", "100", 3, 100)]
    public void Pagination_defaults_and_invalid_values(string? page, string? size, int expectedPage, int expectedSize) =>
        Assert.Equal(new RagflowPaging(expectedPage, expectedSize), RagflowPaging.From(page, size));

    [Fact]
    public void A_page_size_over_100_is_an_argument_error()
    {
        var error = Assert.Throws<RagflowException>(() => RagflowPaging.From("1", "101"));

        Assert.Equal(RagflowCodes.ArgumentError, error.Code);
    }

    [Theory]
    [InlineData("Bearer ragflow-abc", "ragflow-abc")]
    [InlineData("bearer ragflow-abc", "ragflow-abc")]
    [InlineData("ragflow-abc", "ragflow-abc")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_bearer_prefix_is_optional(string? header, string? key) => Assert.Equal(key, RagflowApiKeyFilter.SuppliedKey(header));

    [Fact]
    public void Retrieval_data_has_the_contract_fields_and_pages()
    {
        var index = new SearchIndex();
        for (var i = 0; i < 5; i++)
        {
            index.Add(new RagflowChunk($"c{i}", "d1", "ds", "faq.md", $"Paper jam number {i}: open tray {i}.", 8, [[1, 0, 0, 0, 0]]));
        }

        var result = Bm25Ranker.Rank([index], new RetrievalQuery("paper jam", SimilarityThreshold: 0));
        var data = RetrievalResponse.Build(result, new RagflowPaging(2, 2), highlight: true);

        Assert.Equal(5, (int)data["total"]!);
        var chunks = data["chunks"]!.AsArray();
        Assert.Equal(2, chunks.Count);
        var chunk = chunks[0]!.AsObject();
        foreach (var field in new[] { "id", "content", "content_ltks", "document_id", "document_keyword", "dataset_id", "important_keywords", "similarity", "vector_similarity", "term_similarity", "positions", "highlight" })
        {
            Assert.True(chunk.ContainsKey(field), field);
        }

        Assert.Contains("<em>Paper</em> <em>jam</em>", (string)chunk["highlight"]!);
        Assert.Equal("""[{"doc_name":"faq.md","doc_id":"d1","count":5}]""", data["doc_aggs"]!.ToJsonString());
        Assert.False(RetrievalResponse.Build(result, new RagflowPaging(1, 2), highlight: false)["chunks"]![0]!.AsObject().ContainsKey("highlight"));
        Assert.Equal("""{"total":0,"chunks":[],"doc_aggs":{}}""", RetrievalResponse.EmptyQuestion().ToJsonString());
    }
}
