using System.Globalization;
using Gsv.ControlPlane.Client;

namespace Gsv.Web.Account;

/// <summary>
/// The knowledge tab in words: a document's size and status, the limits of an upload, and what an upload's outcome
/// (the <c>?error=</c> code the upload endpoint redirects with) means to the buyer.
/// </summary>
public static class KnowledgeText
{
    /// <summary>The file types the upload form accepts (its <c>accept</c> attribute), as the Control Plane does.</summary>
    public static string Accept => string.Join(",", KnowledgeLimits.Extensions);

    /// <summary>The limits of one upload, in words.</summary>
    public static string Limits =>
        $"Text (.txt), Markdown (.md), HTML (.html, .htm) or PDF (.pdf) files, at most {Mebibytes(KnowledgeLimits.MaxFileBytes)} each "
        + $"and {KnowledgeLimits.MaxFilesPerUpload} files at once; an instance keeps at most {KnowledgeLimits.MaxDocumentsPerInstance} documents.";

    /// <summary>"512 bytes", "12.3 KB", "4 MB" (binary units: 1 KB = 1,024 bytes, 1 MB = 1,024 KB, as the limits are stated).</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 0 => "—",
        1 => "1 byte",
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
        < 1024 * 1024 => (bytes / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / (1024d * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024d * 1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " GB",
    };

    /// <summary>"Queued", "Parsing 40 %", "Ready — 12 passages", "Failed: the reason", "Cancelled".</summary>
    public static string Status(KnowledgeDocumentDto document) => document.Status switch
    {
        KnowledgeDocumentStatuses.Queued => "Queued",
        KnowledgeDocumentStatuses.Parsing => $"Parsing {Percent(document.Progress)} %",
        KnowledgeDocumentStatuses.Ready => $"Ready — {document.ChunkCount.ToString(CultureInfo.InvariantCulture)} {(document.ChunkCount == 1 ? "passage" : "passages")}",
        KnowledgeDocumentStatuses.Failed => string.IsNullOrWhiteSpace(document.Error) ? "Failed" : $"Failed: {document.Error.Trim()}",
        KnowledgeDocumentStatuses.Cancelled => "Cancelled",
        _ => document.Status,
    };

    /// <summary>Whether the page should keep reading the list: some document is still queued or parsing.</summary>
    public static bool AnyInProgress(IEnumerable<KnowledgeDocumentDto> documents) =>
        documents.Any(d => !KnowledgeDocumentStatuses.IsFinal(d.Status));

    /// <summary>Why an upload was refused, from the endpoint's <c>?error=</c> code (and the file it names, if any).</summary>
    public static string Refusal(string code, string? file)
    {
        var named = string.IsNullOrWhiteSpace(file) ? null : file.Trim();
        return code switch
        {
            KnowledgeUploadErrors.TooLarge => named is null
                ? $"The upload is too large: each file may have at most {Mebibytes(KnowledgeLimits.MaxFileBytes)}, and one upload at most {Mebibytes(2 * KnowledgeLimits.MaxFileBytes)} in all."
                : $"{named} is larger than {Mebibytes(KnowledgeLimits.MaxFileBytes)}. Nothing was uploaded.",
            KnowledgeUploadErrors.Unsupported => named is null
                ? $"A file is of a type that cannot be read. Upload {ExtensionList} files. Nothing was uploaded."
                : $"{named} is of a type that cannot be read. Upload {ExtensionList} files. Nothing was uploaded.",
            KnowledgeUploadErrors.Empty => $"{named ?? "A file"} is empty. Nothing was uploaded.",
            KnowledgeUploadErrors.TooMany => $"Upload at most {KnowledgeLimits.MaxFilesPerUpload} files at once. Nothing was uploaded.",
            KnowledgeUploadErrors.NoFiles => "Choose one or more documents first.",
            KnowledgeUploadErrors.Full => $"This instance already keeps its {KnowledgeLimits.MaxDocumentsPerInstance} documents: delete some first.",
            KnowledgeUploadErrors.NotReady => "The instance's knowledge base is not ready yet: it is created when the instance is provisioned. Try again in a moment.",
            KnowledgeUploadErrors.NotSupported => "This offering does not use documents.",
            KnowledgeUploadErrors.Unavailable => "The knowledge service is unavailable just now. Nothing was uploaded; try again in a moment.",
            KnowledgeUploadErrors.Expired => "The form had expired. Choose the documents again and upload them.",
            _ => "The documents could not be uploaded: each needs a name without control characters or path separators. Nothing was uploaded.",
        };
    }

    /// <summary>The web app's limit for one upload request: the Control Plane's (two files at the per-file limit, plus the framing).</summary>
    public const long UploadBodyLimit = 2 * KnowledgeLimits.MaxFileBytes + 64 * 1024;

    /// <summary>A limit as it is stated: "16 MiB".</summary>
    private static string Mebibytes(long bytes) => (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MiB";

    private static string ExtensionList => string.Join(", ", KnowledgeLimits.Extensions);

    private static string Percent(double progress) =>
        Math.Clamp((int)Math.Round(progress * 100, MidpointRounding.AwayFromZero), 0, 100).ToString(CultureInfo.InvariantCulture);
}
