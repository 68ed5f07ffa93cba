using System.Text.Json;

namespace Gsv.Ragflow;

/// <summary>A dataset (knowledge base) as <c>/api/v1/datasets</c> returns it (contracts/ragflow §3).</summary>
public sealed record RagflowDataset(
    string Id, string Name, string? Description, string? ChunkMethod, int DocumentCount, int ChunkCount, long CreateTime);

/// <summary>Body of <c>POST /api/v1/datasets</c>; <see cref="ParserConfig"/> is merged with RAGFlow's defaults.</summary>
public sealed record CreateDatasetRequest(string Name, string? Description = null, string? ChunkMethod = "naive", DatasetParserConfig? ParserConfig = null);

public sealed record DatasetParserConfig(int? ChunkTokenNum = null, string? Delimiter = null);

/// <summary>Parse status of a document (<c>run</c>, returned as text).</summary>
public static class DocumentRunStatus
{
    public const string Unstart = "UNSTART";
    public const string Running = "RUNNING";
    public const string Cancel = "CANCEL";
    public const string Done = "DONE";
    public const string Fail = "FAIL";

    /// <summary>Whether parsing has ended (successfully or not): polling can stop.</summary>
    public static bool IsFinal(string? run) => run is Done or Fail or Cancel;
}

/// <summary>A document of a dataset with its parse status (contracts/ragflow §4.2).</summary>
public sealed record RagflowDocument(
    string Id, string DatasetId, string Name, string? Suffix, long Size, string Run, double Progress, string? ProgressMsg,
    int ChunkCount, int TokenCount, long CreateTime)
{
    /// <summary>The reason of a failed parse: the <c>[ERROR]</c> lines of <c>progress_msg</c>, else its last line.</summary>
    public string? FailureReason => Run != DocumentRunStatus.Fail || string.IsNullOrWhiteSpace(ProgressMsg) ? null
        : string.Join(" ", ProgressMsg.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains("[ERROR]", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("[ERROR]", StringComparison.Ordinal) + 7)..].Trim())
            .DefaultIfEmpty(ProgressMsg.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? ""));
}

/// <summary>One page of a dataset's documents.</summary>
public sealed record RagflowDocumentPage(int Total, IReadOnlyList<RagflowDocument> Docs);

/// <summary>A file to upload (multipart field <c>file</c>).</summary>
public sealed record RagflowUpload(string FileName, Stream Content, string? ContentType = null);

/// <summary>Body of <c>POST /api/v1/retrieval</c> (contracts/ragflow §7).</summary>
public sealed record RetrievalRequest(
    string Question,
    IReadOnlyList<string> DatasetIds,
    IReadOnlyList<string>? DocumentIds = null,
    int Page = 1,
    int PageSize = 30,
    double SimilarityThreshold = 0.2,
    double VectorSimilarityWeight = 0.3,
    int TopK = 1024,
    bool Highlight = false);

/// <summary>A retrieved chunk, best first.</summary>
public sealed record RetrievedChunk(
    string Id, string Content, string DocumentId, string? DocumentKeyword, string DatasetId,
    double Similarity, double VectorSimilarity, double TermSimilarity, string? Highlight);

/// <summary>Hits per document over all matches.</summary>
public sealed record DocumentHits(string DocName, string DocId, int Count);

/// <summary>
/// The answer of a retrieval: <see cref="Total"/> matches above the threshold (not just this page), this page's chunks,
/// and <c>doc_aggs</c> (an array, or an empty object when the question was blank — both read as a list).
/// </summary>
public sealed record RetrievalResult(int Total, IReadOnlyList<RetrievedChunk> Chunks, JsonElement DocAggs)
{
    public IReadOnlyList<DocumentHits> DocumentHits => DocAggs.ValueKind == JsonValueKind.Array
        ? DocAggs.Deserialize<List<DocumentHits>>(RagflowJson.Options) ?? []
        : [];
}
