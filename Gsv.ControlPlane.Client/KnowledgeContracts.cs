namespace Gsv.ControlPlane.Client;

// Knowledge of an instance (docs/controlplane-api.md, "Knowledge"): documents uploaded to the instance's own dataset.

/// <summary>Where a document stands: queued, parsing, ready (searchable), failed (see <c>Error</c>) or cancelled.</summary>
public static class KnowledgeDocumentStatuses
{
    public const string Queued = "queued";
    public const string Parsing = "parsing";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>Whether the document will not change any more (polling can stop).</summary>
    public static bool IsFinal(string status) => status is Ready or Failed or Cancelled;
}

/// <summary>What the knowledge API accepts; larger or other files are refused (413, 415) before anything is stored.</summary>
public static class KnowledgeLimits
{
    /// <summary>Largest document accepted, in bytes (16 MiB).</summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    /// <summary>Files in one upload.</summary>
    public const int MaxFilesPerUpload = 10;

    /// <summary>Documents an instance may keep.</summary>
    public const int MaxDocumentsPerInstance = 200;

    /// <summary>The file types parsed into searchable text, by extension.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".txt", ".md", ".html", ".htm", ".pdf"];

    public static bool IsSupported(string fileName) =>
        Extensions.Contains(Path.GetExtension(fileName).ToLowerInvariant());

    /// <summary>
    /// The first rule an upload breaks (and the file that breaks it), or null: the one check the Web app makes before
    /// sending and the Control Plane makes again.
    /// </summary>
    public static (KnowledgeUploadRefusal Refusal, string? File)? Check(IReadOnlyCollection<(string Name, long Length)> files)
    {
        if (files.Count == 0)
        {
            return (KnowledgeUploadRefusal.NoFiles, null);
        }

        if (files.Count > MaxFilesPerUpload)
        {
            return (KnowledgeUploadRefusal.TooMany, null);
        }

        foreach (var (name, length) in files)
        {
            if (string.IsNullOrWhiteSpace(name) || System.Text.Encoding.UTF8.GetByteCount(name) > 255
                || Gsv.ServiceDefaults.Text.FreeText.HasForbidden(name) || name.IndexOfAny(['/', '\\']) >= 0)
            {
                return (KnowledgeUploadRefusal.InvalidName, null);
            }

            if (length > MaxFileBytes)
            {
                return (KnowledgeUploadRefusal.TooLarge, name);
            }

            if (!IsSupported(name))
            {
                return (KnowledgeUploadRefusal.Unsupported, name);
            }

            if (length == 0)
            {
                return (KnowledgeUploadRefusal.Empty, name);
            }
        }

        return null;
    }
}

/// <summary>Why an upload is refused before anything is stored.</summary>
public enum KnowledgeUploadRefusal
{
    NoFiles,
    TooMany,
    InvalidName,
    TooLarge,
    Unsupported,
    Empty,
}

public sealed record KnowledgeDocumentDto(
    string Id, string Name, long Size, string Status, double Progress, string? Error, int ChunkCount, DateTimeOffset UploadedAt);

public sealed record KnowledgeDocumentPageDto(IReadOnlyList<KnowledgeDocumentDto> Items, int Page, int PageSize, int Total);

public sealed record KnowledgeSearchRequest(string Question, int? TopK = null);

public sealed record KnowledgeChunkDto(string DocumentId, string DocumentName, string Content, double Similarity);

public sealed record KnowledgeSearchResultDto(int Total, IReadOnlyList<KnowledgeChunkDto> Chunks);
