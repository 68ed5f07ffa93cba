using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Search;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Api;

/// <summary>
/// <c>POST /api/v1/retrieval</c> (contract §7): validates the request as RAGFlow's <c>retrieval_test</c> does, ranks
/// with <see cref="Bm25Ranker"/> and answers <see cref="RetrievalResponse"/>'s shape. <c>rerank_id</c>, <c>keyword</c>,
/// <c>cross_languages</c>, <c>metadata_condition</c>, <c>use_kg</c> and <c>toc_enhance</c> are accepted and ignored.
/// </summary>
public static class RetrievalApi
{
    public static RouteGroupBuilder MapRetrievalApi(this RouteGroupBuilder api)
    {
        api.MapPost("/retrieval", RetrieveAsync);
        return api;
    }

    private static async Task<IResult> RetrieveAsync(HttpRequest request, RagflowStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var body = await RagflowRequest.ReadObjectAsync(request, cancellationToken);
        if (!body.ContainsKey("question"))
        {
            throw RagflowException.DataError("`question` is required.");
        }

        var question = body["question"] is null ? "" : RagflowRequest.Text(body["question"]) ?? throw RagflowException.DataError("`question` should be a string.");
        if (body["dataset_ids"] is null)
        {
            throw RagflowException.DataError("`dataset_ids` is required.");
        }

        if (body["dataset_ids"] is not JsonArray)
        {
            throw RagflowException.DataError("`dataset_ids` should be a list.");
        }

        var datasetIds = RagflowRequest.StringList(body["dataset_ids"], "dataset_ids")!;
        if (datasetIds.Count == 0)
        {
            throw RagflowException.DataError("`dataset_ids` is required.");
        }

        if (body["document_ids"] is { } rawDocuments && rawDocuments is not JsonArray)
        {
            throw RagflowException.DataError("`documents` should be a list");
        }

        var documentIds = RagflowRequest.StringList(body["document_ids"], "document_ids") ?? [];
        var topK = RagflowRequest.Number(body["top_k"], "top_k") ?? 1024;
        if (topK <= 0)
        {
            throw RagflowException.DataError("`top_k` must be greater than 0");
        }

        var paging = new RagflowPaging(
            (int)Math.Max(RagflowRequest.Number(body["page"], "page") ?? 1, 1),
            RagflowPaging.ParsePageSize(RagflowRequest.Number(body["page_size"], "page_size") is { } size ? ((long)size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        var query = new RetrievalQuery(
            question,
            RagflowRequest.Number(body["similarity_threshold"], "similarity_threshold") ?? 0.2,
            RagflowRequest.Number(body["vector_similarity_weight"], "vector_similarity_weight") ?? 0.3,
            (int)Math.Min(topK, int.MaxValue));
        var highlight = RagflowRequest.Flag(body["highlight"], false, "highlight");

        if (string.IsNullOrWhiteSpace(question))
        {
            store.Retrieve(datasetIds, documentIds, query);
            return RagflowEnvelope.Ok(RetrievalResponse.EmptyQuestion());
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = store.Retrieve(datasetIds, documentIds, query);
        loggers.CreateLogger(typeof(RetrievalApi)).LogInformation(
            "Retrieval over {Datasets} datasets: {Total} matches in {ElapsedMs:0.000} ms", datasetIds.Count, result.Matches.Count, watch.Elapsed.TotalMilliseconds);
        return RagflowEnvelope.Ok(RetrievalResponse.Build(result, paging, highlight));
    }
}
