using System.Net;
using System.Text;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.Ragflow;
using Gsv.ServiceDefaults.Problems;
using Gsv.ServiceDefaults.Text;

namespace Gsv.ControlPlane.Knowledge;

/// <summary>
/// An instance's knowledge: documents in the RAGFlow dataset the Provisioner created for it (its id is on the instance,
/// never taken from a request). Every call is checked against the instance first, so another workspace's documents
/// cannot be named, listed or searched.
/// </summary>
public sealed partial class KnowledgeService(RagflowClient ragflow, ILogger<KnowledgeService> logger)
{
    public const int MaxQuestionLength = 2000;
    public const int DefaultTopK = 5;
    public const int MaxTopK = 20;

    /// <summary>RAGFlow's default threshold: chunks scoring below it are noise.</summary>
    public const double SimilarityThreshold = 0.2;

    /// <summary>The dataset of a knowledge instance that is ready for documents, or a 409 saying why not.</summary>
    public static string DatasetOf(Instance instance)
    {
        if (!instance.Knowledge)
        {
            throw new ControlPlaneException(GsvProblems.KnowledgeNotSupported, StatusCodes.Status409Conflict, "Knowledge not supported",
                $"Offering '{instance.OfferingSlug}' does not answer from documents.");
        }

        if (instance.State is InstanceState.Terminated or InstanceState.Failed || instance.KnowledgeBaseId is not { Length: > 0 } dataset)
        {
            throw new ControlPlaneException(GsvProblems.KnowledgeNotReady, StatusCodes.Status409Conflict, "Knowledge not ready",
                instance.State is InstanceState.Terminated or InstanceState.Failed
                    ? $"Instance {instance.Id} is {instance.State.ToString().ToUpperInvariant()}: its knowledge is gone."
                    : $"Instance {instance.Id} is {instance.State.ToString().ToUpperInvariant()}: its knowledge base is created when it is provisioned.");
        }

        return dataset;
    }

    /// <summary>Refusals of an upload before anything is sent: count, size, type and name of each file (<see cref="KnowledgeLimits.Check"/>).</summary>
    public static ControlPlaneException? Refuse(IFormFileCollection files) =>
        KnowledgeLimits.Check([.. files.Select(f => (f.FileName, f.Length))]) switch
        {
            null => null,
            (KnowledgeUploadRefusal.NoFiles, _) => ControlPlaneException.Invalid("Send the documents as multipart/form-data, one 'file' part each."),
            (KnowledgeUploadRefusal.TooMany, _) => ControlPlaneException.Invalid($"At most {KnowledgeLimits.MaxFilesPerUpload} files may be uploaded at once."),
            (KnowledgeUploadRefusal.InvalidName, _) => ControlPlaneException.Invalid(
                "Each file needs a name of 1 to 255 bytes, without control characters or path separators."),
            (KnowledgeUploadRefusal.TooLarge, var name) => new ControlPlaneException(GsvProblems.PayloadTooLarge, StatusCodes.Status413PayloadTooLarge,
                "Document too large", $"'{FreeText.Excerpt(name!)}' has {files.First(f => f.FileName == name).Length} bytes; a document may have at most {KnowledgeLimits.MaxFileBytes} bytes.",
                new Dictionary<string, object?> { ["limit"] = KnowledgeLimits.MaxFileBytes }),
            (KnowledgeUploadRefusal.Unsupported, var name) => new ControlPlaneException(GsvProblems.UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType,
                "Unsupported document type", $"'{FreeText.Excerpt(name!)}' is not a supported document; upload {string.Join(", ", KnowledgeLimits.Extensions)} files."),
            (_, var name) => ControlPlaneException.Invalid($"'{FreeText.Excerpt(name!)}' is empty."),
        };

    /// <summary>Uploads the files to the instance's dataset and starts parsing them.</summary>
    public async Task<List<KnowledgeDocumentDto>> UploadAsync(Instance instance, IFormFileCollection files, CancellationToken cancellationToken)
    {
        var dataset = DatasetOf(instance);
        if (Refuse(files) is { } refusal)
        {
            throw refusal;
        }

        var present = await CallAsync(() => ragflow.ListDocumentsAsync(dataset, 1, 1, cancellationToken: cancellationToken));
        if (present.Total + files.Count > KnowledgeLimits.MaxDocumentsPerInstance)
        {
            throw ControlPlaneException.Conflict(
                $"An instance keeps at most {KnowledgeLimits.MaxDocumentsPerInstance} documents; it has {present.Total}. Delete some first.");
        }

        var uploads = new List<RagflowUpload>(files.Count);
        foreach (var file in files)
        {
            // Buffered: the HTTP client may send the request again after a transient failure.
            var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, cancellationToken);
            uploads.Add(new RagflowUpload(file.FileName, new MemoryStream(buffer.GetBuffer(), 0, (int)buffer.Length, writable: false), file.ContentType));
        }

        var documents = await CallAsync(() => ragflow.UploadDocumentsAsync(dataset, uploads, cancellationToken));
        await CallAsync(async () =>
        {
            await ragflow.ParseDocumentsAsync(dataset, documents.Select(d => d.Id).ToList(), cancellationToken);
            return true;
        });
        LogUploaded(logger, instance.Id, documents.Count, dataset);
        return documents.Select(d => ToDto(d with { Run = DocumentRunStatus.Running, Progress = 0 })).ToList();
    }

    public async Task<KnowledgeDocumentPageDto> ListAsync(Instance instance, int page, int pageSize, CancellationToken cancellationToken)
    {
        var dataset = DatasetOf(instance);
        var result = await CallAsync(() => ragflow.ListDocumentsAsync(dataset, page, pageSize, cancellationToken: cancellationToken));
        return new KnowledgeDocumentPageDto(result.Docs.Select(ToDto).ToList(), page, pageSize, result.Total);
    }

    /// <summary>Deletes one document (its chunks stop answering at once); 404 when the instance has no such document.</summary>
    public async Task DeleteAsync(Instance instance, string documentId, CancellationToken cancellationToken)
    {
        var dataset = DatasetOf(instance);
        if (!IsDocumentId(documentId))
        {
            throw ControlPlaneException.NotFound($"Document '{FreeText.Excerpt(documentId)}'");
        }

        try
        {
            await CallAsync(() => ragflow.DeleteDocumentsAsync(dataset, [documentId], cancellationToken));
        }
        catch (RagflowException e) when (e.IsNotFound)
        {
            throw ControlPlaneException.NotFound($"Document {documentId}");
        }

        LogDeleted(logger, instance.Id, documentId);
    }

    /// <summary>The chunks of the instance's documents that best answer the question, best first.</summary>
    public async Task<KnowledgeSearchResultDto> SearchAsync(Instance instance, KnowledgeSearchRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Question) || request.Question.Length > MaxQuestionLength || FreeText.HasControlCharacters(request.Question))
        {
            errors["question"] = [$"A question of 1 to {MaxQuestionLength} characters, without control characters, is required."];
        }

        if (request.TopK is < 1 or > MaxTopK)
        {
            errors["topK"] = [$"topK must be between 1 and {MaxTopK}."];
        }

        if (errors.Count > 0)
        {
            throw new KnowledgeValidationException(errors);
        }

        var dataset = DatasetOf(instance);
        var topK = request.TopK ?? DefaultTopK;
        var result = await CallAsync(() => ragflow.RetrieveAsync(
            new RetrievalRequest(request.Question, [dataset], PageSize: topK, SimilarityThreshold: SimilarityThreshold), cancellationToken));
        return new KnowledgeSearchResultDto(result.Total,
            result.Chunks.Select(c => new KnowledgeChunkDto(c.DocumentId, c.DocumentKeyword ?? "", c.Content, Math.Round(c.Similarity, 4))).ToList());
    }

    public static KnowledgeDocumentDto ToDto(RagflowDocument document) => new(
        document.Id, document.Name, document.Size, StatusOf(document.Run), document.Run == DocumentRunStatus.Fail ? -1 : Math.Clamp(document.Progress, 0, 1),
        document.FailureReason, document.ChunkCount, DateTimeOffset.FromUnixTimeMilliseconds(document.CreateTime));

    public static string StatusOf(string run) => run switch
    {
        DocumentRunStatus.Unstart => KnowledgeDocumentStatuses.Queued,
        DocumentRunStatus.Running => KnowledgeDocumentStatuses.Parsing,
        DocumentRunStatus.Done => KnowledgeDocumentStatuses.Ready,
        DocumentRunStatus.Fail => KnowledgeDocumentStatuses.Failed,
        DocumentRunStatus.Cancel => KnowledgeDocumentStatuses.Cancelled,
        _ => KnowledgeDocumentStatuses.Queued,
    };

    /// <summary>RAGFlow document ids: 32 lowercase hex characters.</summary>
    public static bool IsDocumentId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>An outage of RAGFlow (unreachable, 5xx) is a 503 the caller may retry; RAGFlow's refusals pass through.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException }
            or RagflowException { IsTransient: true } or RagflowException { StatusCode: HttpStatusCode.Unauthorized })
        {
            LogUnavailable(logger, e.Message);
            throw new ControlPlaneException(GsvProblems.KnowledgeUnavailable, StatusCodes.Status503ServiceUnavailable, "Knowledge unavailable",
                "The knowledge service cannot be reached right now; nothing was changed. Try again shortly.");
        }
    }

    [LoggerMessage(LogLevel.Information, "Instance {InstanceId}: {Count} documents uploaded to dataset {DatasetId}, parsing")]
    private static partial void LogUploaded(ILogger logger, Guid instanceId, int count, string datasetId);

    [LoggerMessage(LogLevel.Information, "Instance {InstanceId}: document {DocumentId} deleted")]
    private static partial void LogDeleted(ILogger logger, Guid instanceId, string documentId);

    [LoggerMessage(LogLevel.Error, "RAGFlow unavailable: {Error}")]
    private static partial void LogUnavailable(ILogger logger, string error);
}

/// <summary>Per-field refusals of a knowledge request (answered as a 400 validation problem).</summary>
public sealed class KnowledgeValidationException(IDictionary<string, string[]> errors)
    : ControlPlaneException(GsvProblems.Validation, StatusCodes.Status400BadRequest, "The request is not valid.", string.Join(" ", errors.Values.SelectMany(v => v)),
        new Dictionary<string, object?> { ["errors"] = errors });
