using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Api;

/// <summary>
/// Parsing (contract §5): <c>POST /datasets/{id}/chunks</c> starts, <c>DELETE /datasets/{id}/chunks</c> stops, both with
/// <c>{"document_ids":[…]}</c> and answering <c>{"code":0}</c>; the newer <c>/documents/parse</c> and
/// <c>/documents/stop</c> routes do the same. The work itself is asynchronous (<see cref="Parsing.ParseWorker"/>).
/// </summary>
public static class ParsingApi
{
    public static RouteGroupBuilder MapParsingApi(this RouteGroupBuilder api)
    {
        api.MapPost("/datasets/{datasetId}/chunks", ParseAsync);
        api.MapPost("/datasets/{datasetId}/documents/parse", ParseAsync);
        api.MapDelete("/datasets/{datasetId}/chunks", StopAsync);
        api.MapPost("/datasets/{datasetId}/documents/stop", StopAsync);
        return api;
    }

    private static async Task<List<string>> DocumentIdsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RagflowRequest.ReadObjectAsync(request, cancellationToken);
        var ids = RagflowRequest.StringList(body["document_ids"], "document_ids");
        return ids is { Count: > 0 } ? ids : throw RagflowException.DataError("`document_ids` is required");
    }

    private static async Task<IResult> ParseAsync(string datasetId, HttpRequest request, RagflowStore store, CancellationToken cancellationToken)
    {
        var ids = await DocumentIdsAsync(request, cancellationToken);
        var duplicates = store.StartParse(datasetId, ids);
        return duplicates.Count == 0
            ? RagflowEnvelope.Json(RagflowEnvelope.Done())
            : RagflowEnvelope.Ok(new JsonObject
            {
                ["success_count"] = ids.Distinct(StringComparer.Ordinal).Count(),
                ["errors"] = new JsonArray([.. duplicates.Select(id => (JsonNode)$"Duplicate document ids: {id}")]),
            });
    }

    private static async Task<IResult> StopAsync(string datasetId, HttpRequest request, RagflowStore store, CancellationToken cancellationToken)
    {
        store.StopParse(datasetId, await DocumentIdsAsync(request, cancellationToken));
        return RagflowEnvelope.Json(RagflowEnvelope.Done());
    }
}
