using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Api;

/// <summary>A document's chunks (contract §6): the list with <c>keywords</c>, <c>id</c> and paging, and one chunk by id.</summary>
public static class ChunksApi
{
    public static RouteGroupBuilder MapChunksApi(this RouteGroupBuilder api)
    {
        api.MapGet("/datasets/{datasetId}/documents/{documentId}/chunks", List);
        api.MapGet("/datasets/{datasetId}/documents/{documentId}/chunks/{chunkId}", Get);
        return api;
    }

    /// <summary><c>{"total":n,"chunks":[…],"doc":{…}}</c>; <c>keywords</c> matches the content, case-insensitively.</summary>
    private static IResult List(string datasetId, string documentId, HttpRequest request, RagflowStore store)
    {
        var paging = RagflowPaging.FromQuery(request.Query);
        var (document, chunks) = store.ListChunks(datasetId, documentId);
        IEnumerable<RagflowChunk> matching = chunks;
        if (request.Query["id"].FirstOrDefault() is { Length: > 0 } id)
        {
            matching = matching.Where(c => c.Id == id);
        }

        if (request.Query["keywords"].FirstOrDefault() is { Length: > 0 } keywords)
        {
            matching = matching.Where(c => c.Content.Contains(keywords, StringComparison.OrdinalIgnoreCase));
        }

        var all = matching.ToList();
        return RagflowEnvelope.Ok(new JsonObject
        {
            ["total"] = all.Count,
            ["chunks"] = new JsonArray([.. paging.Apply(all).Select(c => (JsonNode)c.ToApi())]),
            ["doc"] = document,
        });
    }

    private static IResult Get(string datasetId, string documentId, string chunkId, RagflowStore store)
    {
        var (_, chunks) = store.ListChunks(datasetId, documentId);
        return chunks.FirstOrDefault(c => c.Id == chunkId) is { } chunk
            ? RagflowEnvelope.Ok(chunk.ToApi())
            : RagflowEnvelope.Json(RagflowEnvelope.Error(RagflowCodes.DataError, "Chunk not found!", false));
    }
}
