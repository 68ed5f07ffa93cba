using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Search;

namespace Gsv.Emulators.Ragflow.Api;

/// <summary>
/// Retrieval's <c>data</c> (contract §7): <c>total</c> (all matches above the threshold), the page of <c>chunks</c>
/// with RAGFlow's renamed keys and scores, <c>doc_aggs</c> as <c>[{doc_name, doc_id, count}]</c> by count, and
/// <c>highlight</c> on each chunk only when asked.
/// </summary>
public static class RetrievalResponse
{
    /// <summary>A blank question: nothing, and <c>doc_aggs</c> an empty object as RAGFlow answers it.</summary>
    public static JsonObject EmptyQuestion() => new() { ["total"] = 0, ["chunks"] = new JsonArray(), ["doc_aggs"] = new JsonObject() };

    public static JsonObject Build(RankResult result, RagflowPaging paging, bool highlight) => new()
    {
        ["total"] = result.Matches.Count,
        ["chunks"] = new JsonArray([.. paging.Apply(result.Matches).Select(m => (JsonNode)Chunk(m, highlight ? result.QueryTerms : null))]),
        ["doc_aggs"] = new JsonArray([.. result.DocAggs.Select(a => (JsonNode)new JsonObject
        {
            ["doc_name"] = a.DocName,
            ["doc_id"] = a.DocId,
            ["count"] = a.Count,
        })]),
    };

    private static JsonObject Chunk(ScoredChunk match, IReadOnlySet<string>? highlightTerms)
    {
        var chunk = match.Chunk;
        var json = new JsonObject
        {
            ["id"] = chunk.Id,
            ["content"] = chunk.Content,
            ["content_ltks"] = chunk.ContentTokens,
            ["document_id"] = chunk.DocumentId,
            ["document_keyword"] = chunk.DocumentName,
            ["dataset_id"] = chunk.DatasetId,
            ["important_keywords"] = new JsonArray(),
            ["tag_kwd"] = new JsonArray(),
            ["image_id"] = "",
            ["similarity"] = match.Similarity,
            ["vector_similarity"] = match.VectorSimilarity,
            ["term_similarity"] = match.TermSimilarity,
            ["positions"] = Store.RagflowChunk.PositionsJson(chunk.Positions),
            ["doc_type_kwd"] = "",
            ["mom_id"] = "",
            ["row_id"] = null,
        };
        if (highlightTerms is not null)
        {
            json["highlight"] = Highlighter.Highlight(chunk.Content, highlightTerms);
        }

        return json;
    }
}
