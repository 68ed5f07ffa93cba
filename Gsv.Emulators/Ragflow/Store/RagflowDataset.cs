using System.Text.Json.Nodes;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>A dataset (RAGFlow's knowledge base) as the emulator keeps it; <see cref="ToApi"/> is its API shape (contract §3.1).</summary>
public sealed class RagflowDataset
{
    public const string DefaultEmbeddingModel = "Qwen/Qwen3-Embedding-0.6B@Builtin";

    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? Avatar { get; set; }
    public string Language { get; set; } = "English";
    public string Permission { get; set; } = "me";
    public string EmbeddingModel { get; set; } = DefaultEmbeddingModel;
    public string ChunkMethod { get; set; } = "naive";
    public JsonObject ParserConfig { get; set; } = ParserConfigDefaults.Naive();
    public int Pagerank { get; set; }
    public long CreateTime { get; init; }
    public long UpdateTime { get; set; }

    /// <summary>Document and chunk totals of a dataset, and its documents per run state.</summary>
    public sealed record Counts(int Documents, int Chunks, long Tokens, IReadOnlyDictionary<RunStatus, int> ByRun);

    public JsonObject ToApi(Counts counts, bool includeParsingStatus)
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["name"] = Name,
            ["description"] = Description,
            ["avatar"] = Avatar,
            ["tenant_id"] = TenantId,
            ["created_by"] = TenantId,
            ["language"] = Language,
            ["permission"] = Permission,
            ["embedding_model"] = EmbeddingModel,
            ["chunk_method"] = ChunkMethod,
            ["parser_config"] = ParserConfig.DeepClone(),
            ["pipeline_id"] = null,
            ["document_count"] = counts.Documents,
            ["chunk_count"] = counts.Chunks,
            ["token_num"] = counts.Tokens,
            ["similarity_threshold"] = 0.2,
            ["vector_similarity_weight"] = 0.3,
            ["pagerank"] = Pagerank,
            ["status"] = "1",
            ["create_time"] = CreateTime,
            ["create_date"] = RagflowTime.Date(CreateTime),
            ["update_time"] = UpdateTime,
            ["update_date"] = RagflowTime.Date(UpdateTime),
        };
        if (includeParsingStatus)
        {
            foreach (var status in Enum.GetValues<RunStatus>())
            {
                json[$"{status.ToString().ToLowerInvariant()}_count"] = counts.ByRun.GetValueOrDefault(status);
            }
        }

        return json;
    }
}
