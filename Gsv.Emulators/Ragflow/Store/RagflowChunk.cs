using System.Text.Json.Nodes;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>
/// One chunk of a parsed document. <see cref="Positions"/> are RAGFlow's <c>[page, x0, x1, top, bottom]</c>; the
/// emulator knows only the page (PDF) and leaves the box at zero; text formats have none.
/// </summary>
public sealed record RagflowChunk(
    string Id,
    string DocumentId,
    string DatasetId,
    string DocumentName,
    string Content,
    int TokenCount,
    IReadOnlyList<int[]> Positions)
{
    /// <summary>RAGFlow's <c>content_ltks</c>: the content's words, lower case, space separated.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ContentTokens => string.Join(' ', Search.TermTokenizer.Words(Content));

    public static JsonArray PositionsJson(IReadOnlyList<int[]> positions) =>
        [.. positions.Select(p => (JsonNode)new JsonArray([.. p.Select(v => (JsonNode)v)]))];

    /// <summary>The chunk-list item (contract §6).</summary>
    public JsonObject ToApi() => new()
    {
        ["id"] = Id,
        ["content"] = Content,
        ["document_id"] = DocumentId,
        ["docnm_kwd"] = DocumentName,
        ["dataset_id"] = DatasetId,
        ["important_keywords"] = new JsonArray(),
        ["questions"] = new JsonArray(),
        ["tag_kwd"] = new JsonArray(),
        ["image_id"] = "",
        ["doc_type_kwd"] = "text",
        ["available"] = true,
        ["positions"] = PositionsJson(Positions),
    };
}
