using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>An uploaded document, its parse state and totals; <see cref="ToApi"/> is its API shape (contract §4).</summary>
public sealed class RagflowDocument
{
    public required string Id { get; init; }
    public required string DatasetId { get; init; }
    public required string Name { get; init; }
    public required string CreatedBy { get; init; }
    public string Suffix { get; init; } = "";
    public string Type { get; init; } = "other";
    public long Size { get; init; }
    public string ChunkMethod { get; set; } = "naive";
    public JsonObject ParserConfig { get; set; } = ParserConfigDefaults.Naive();
    public RunStatus Run { get; set; } = RunStatus.Unstart;
    public double Progress { get; set; }
    public string ProgressMessage { get; set; } = "";
    public long? ProcessBeginAt { get; set; }
    public double ProcessDuration { get; set; }
    public int ChunkCount { get; set; }
    public long TokenCount { get; set; }
    public long CreateTime { get; init; }
    public long UpdateTime { get; set; }

    /// <summary>Bumped by each parse or stop: a parse job whose generation is no longer current is discarded.</summary>
    [JsonIgnore]
    public int Generation { get; set; }

    /// <summary>The upload answer's item (contract §4.1).</summary>
    public JsonObject ToUploadApi() => new()
    {
        ["id"] = Id,
        ["dataset_id"] = DatasetId,
        ["name"] = Name,
        ["location"] = Name,
        ["suffix"] = Suffix,
        ["type"] = Type,
        ["size"] = Size,
        ["source_type"] = "local",
        ["thumbnail"] = "",
        ["chunk_method"] = ChunkMethod,
        ["pipeline_id"] = null,
        ["parser_config"] = ParserConfig.DeepClone(),
        ["created_by"] = CreatedBy,
        ["run"] = Run.ToApi(),
    };

    /// <summary>The list/status item (contract §4.2).</summary>
    public JsonObject ToApi() => new()
    {
        ["id"] = Id,
        ["dataset_id"] = DatasetId,
        ["name"] = Name,
        ["type"] = Type,
        ["suffix"] = Suffix,
        ["size"] = Size,
        ["location"] = Name,
        ["source_type"] = "local",
        ["status"] = "1",
        ["thumbnail"] = null,
        ["chunk_method"] = ChunkMethod,
        ["pipeline_id"] = null,
        ["parser_config"] = ParserConfig.DeepClone(),
        ["run"] = Run.ToApi(),
        ["progress"] = Progress,
        ["progress_msg"] = ProgressMessage,
        ["process_begin_at"] = ProcessBeginAt is { } begin ? RagflowTime.Date(begin) : null,
        ["process_duration"] = ProcessDuration,
        ["chunk_count"] = ChunkCount,
        ["token_count"] = TokenCount,
        ["meta_fields"] = new JsonObject(),
        ["created_by"] = CreatedBy,
        ["create_time"] = CreateTime,
        ["create_date"] = RagflowTime.Date(CreateTime),
        ["update_time"] = UpdateTime,
        ["update_date"] = RagflowTime.Date(UpdateTime),
    };

    /// <summary>Appends a <c>progress_msg</c> line, <c>HH:mm:ss text</c>, as RAGFlow's task executor logs.</summary>
    public void Log(DateTimeOffset at, string line) =>
        ProgressMessage = ProgressMessage.Length == 0 ? $"{RagflowTime.Clock(at)} {line}" : $"{ProgressMessage}\n{RagflowTime.Clock(at)} {line}";
}
