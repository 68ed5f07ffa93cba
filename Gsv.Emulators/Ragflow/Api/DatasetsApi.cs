using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Api;

/// <summary>Datasets (<c>/api/v1/datasets</c>, contract §3): create, list, get, update, delete.</summary>
public static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/datasets", CreateAsync);
        api.MapGet("/datasets", List);
        api.MapGet("/datasets/{datasetId}", (string datasetId, RagflowStore store) => RagflowEnvelope.Ok(store.GetDataset(datasetId)));
        api.MapPut("/datasets/{datasetId}", UpdateAsync);
        api.MapDelete("/datasets", DeleteAsync);
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, RagflowStore store, CancellationToken cancellationToken)
    {
        var body = await RagflowRequest.ReadObjectAsync(request, cancellationToken);
        DatasetFields.RejectExtras(body, DatasetFields.CreateFields);
        var name = DatasetFields.Name(body["name"], body);
        var description = DatasetFields.OptionalText(body["description"], "description");
        var avatar = DatasetFields.OptionalText(body["avatar"], "avatar");
        var permission = body["permission"] is { } p ? DatasetFields.Permission(p) : "me";
        var chunkMethod = body["chunk_method"] is { } m ? DatasetFields.ChunkMethod(m) : "naive";
        var embeddingModel = body["embedding_model"] is { } e ? DatasetFields.EmbeddingModel(e) : RagflowDataset.DefaultEmbeddingModel;
        var parserConfig = ParserConfigDefaults.Merge(ParserConfigDefaults.Naive(), DatasetFields.ParserConfig(body["parser_config"]));

        return RagflowEnvelope.Ok(store.CreateDataset(name, dataset =>
        {
            dataset.Description = description;
            dataset.Avatar = avatar;
            dataset.Permission = permission;
            dataset.ChunkMethod = chunkMethod;
            dataset.EmbeddingModel = embeddingModel;
            dataset.ParserConfig = parserConfig;
        }));
    }

    /// <summary>
    /// Filters <c>id</c> and <c>name</c> (either unknown → 108), orders by <c>orderby</c> (<c>create_time</c> default,
    /// or <c>update_time</c>) descending unless <c>desc=false</c>, pages; <c>total_datasets</c> counts before paging.
    /// </summary>
    private static IResult List(HttpRequest request, RagflowStore store)
    {
        var query = request.Query;
        var paging = RagflowPaging.FromQuery(query);
        var orderBy = query["orderby"].FirstOrDefault() is { Length: > 0 } o ? o : "create_time";
        if (orderBy is not ("create_time" or "update_time"))
        {
            throw RagflowException.Field("orderby", "Input should be 'create_time' or 'update_time'", orderBy);
        }

        var descending = RagflowRequest.Flag(query["desc"].FirstOrDefault(), true);
        IEnumerable<JsonObject> datasets = store.ListDatasets(RagflowRequest.Flag(query["include_parsing_status"].FirstOrDefault(), false));
        if (query["id"].FirstOrDefault() is { Length: > 0 } id)
        {
            datasets = datasets.Where(d => (string?)d["id"] == id).ToList();
            if (!datasets.Any())
            {
                throw new RagflowException(RagflowCodes.PermissionError, $"User '{store.TenantId}' lacks permission for dataset '{id}'");
            }
        }

        if (query["name"].FirstOrDefault() is { Length: > 0 } name)
        {
            datasets = datasets.Where(d => string.Equals((string?)d["name"], name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (!datasets.Any())
            {
                throw new RagflowException(RagflowCodes.PermissionError, $"User '{store.TenantId}' lacks permission for dataset '{name}'");
            }
        }

        var ordered = descending
            ? datasets.OrderByDescending(d => (long)d[orderBy]!).ThenByDescending(d => (string?)d["id"], StringComparer.Ordinal)
            : datasets.OrderBy(d => (long)d[orderBy]!).ThenBy(d => (string?)d["id"], StringComparer.Ordinal);
        var all = ordered.ToList();
        var body = RagflowEnvelope.Success(new JsonArray([.. paging.Apply(all)]));
        body["total_datasets"] = all.Count;
        return RagflowEnvelope.Json(body);
    }

    private static async Task<IResult> UpdateAsync(string datasetId, HttpRequest request, RagflowStore store, CancellationToken cancellationToken)
    {
        var body = await RagflowRequest.ReadObjectAsync(request, cancellationToken);
        DatasetFields.RejectExtras(body, DatasetFields.UpdateFields);
        return RagflowEnvelope.Ok(store.UpdateDataset(datasetId, (dataset, chunkCount) => Apply(body, dataset, chunkCount)));
    }

    /// <summary>Applies the body's fields to the dataset; true when any value differs from what it was.</summary>
    private static bool Apply(JsonObject body, RagflowDataset dataset, int chunkCount)
    {
        var changed = false;
        void Set<T>(T current, T next, Action<T> assign)
        {
            if (!EqualityComparer<T>.Default.Equals(current, next))
            {
                assign(next);
                changed = true;
            }
        }

        if (body.ContainsKey("name"))
        {
            Set(dataset.Name, DatasetFields.Name(body["name"], body), v => dataset.Name = v);
        }

        if (body.ContainsKey("description"))
        {
            Set(dataset.Description, DatasetFields.OptionalText(body["description"], "description"), v => dataset.Description = v);
        }

        if (body.ContainsKey("avatar"))
        {
            Set(dataset.Avatar, DatasetFields.OptionalText(body["avatar"], "avatar"), v => dataset.Avatar = v);
        }

        if (body["permission"] is { } permission)
        {
            Set(dataset.Permission, DatasetFields.Permission(permission), v => dataset.Permission = v);
        }

        if (body["embedding_model"] is { } embedding)
        {
            var model = DatasetFields.EmbeddingModel(embedding);
            if (model != dataset.EmbeddingModel && chunkCount > 0)
            {
                throw RagflowException.DataError($"When chunk_num ({chunkCount}) > 0, embedding_model must remain {dataset.EmbeddingModel}");
            }

            Set(dataset.EmbeddingModel, model, v => dataset.EmbeddingModel = v);
        }

        if (body["chunk_method"] is { } method)
        {
            Set(dataset.ChunkMethod, DatasetFields.ChunkMethod(method), v =>
            {
                dataset.ChunkMethod = v;
                dataset.ParserConfig = ParserConfigDefaults.Naive();
            });
        }

        if (body["pagerank"] is { } pagerank)
        {
            Set(dataset.Pagerank, DatasetFields.Pagerank(pagerank), v => dataset.Pagerank = v);
        }

        if (DatasetFields.ParserConfig(body["parser_config"]) is { } config)
        {
            var merged = ParserConfigDefaults.Merge(dataset.ParserConfig, config);
            if (!JsonNode.DeepEquals(merged, dataset.ParserConfig))
            {
                dataset.ParserConfig = merged;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary><c>{"ids":[…]}</c> or <c>{"delete_all":true}</c>; no ids without <c>delete_all</c> deletes nothing.</summary>
    private static async Task<IResult> DeleteAsync(HttpRequest request, RagflowStore store, CancellationToken cancellationToken)
    {
        var body = await RagflowRequest.ReadObjectAsync(request, cancellationToken);
        var all = RagflowRequest.Flag(body["delete_all"], false, "delete_all");
        if (body["ids"] is { } raw && raw is not JsonArray)
        {
            throw RagflowException.Field("ids", "Input should be a valid list", raw.ToJsonString());
        }

        var ids = RagflowRequest.StringList(body["ids"], "ids") ?? [];
        if (ids.GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw RagflowException.Field("ids", $"Duplicate ids: '{duplicate.Key}'", $"[{string.Join(", ", ids)}]");
        }

        var deleted = ids.Count == 0 && !all ? 0 : store.DeleteDatasets(ids, all);
        return RagflowEnvelope.Ok(new JsonObject { ["success_count"] = deleted });
    }
}
