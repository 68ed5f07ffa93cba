using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Ragflow;

/// <summary>
/// Typed client for the RAGFlow v0.27 API subset GSV uses (contracts/ragflow/README.md): datasets, documents (upload,
/// status, delete), parsing and retrieval. Every answer is the envelope <c>{code, data, message}</c>; a non-zero code —
/// usually on HTTP 200 — throws <see cref="RagflowException"/>. Authentication is added by <see cref="RagflowApiKeyHandler"/>.
/// </summary>
public sealed class RagflowClient(HttpClient http)
{
    /// <summary>
    /// The request option (<c>gsv.send-once</c>) that tells the service defaults' resilience handler not to send a request
    /// twice: dataset creates (RAGFlow renames a duplicate instead of refusing it) and uploads. Reads, retrieval included, are retried.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> SendOnce = new("gsv.send-once");

    public async Task<RagflowDataset> CreateDatasetAsync(CreateDatasetRequest request, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v1/datasets") { Content = JsonContent.Create(request, options: RagflowJson.Options) };
        message.Options.Set(SendOnce, true);
        using var response = await http.SendAsync(message, cancellationToken);
        return Data<RagflowDataset>(await ReadEnvelopeAsync(response, cancellationToken));
    }

    /// <summary>Datasets whose name is exactly <paramref name="name"/>; empty when none (RAGFlow answers 108 for an unknown name).</summary>
    public async Task<IReadOnlyList<RagflowDataset>> FindDatasetsByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"api/v1/datasets?name={Uri.EscapeDataString(name)}&page_size=100", cancellationToken);
        try
        {
            return Data<List<RagflowDataset>>(await ReadEnvelopeAsync(response, cancellationToken));
        }
        catch (RagflowException e) when (e.Code == RagflowException.PermissionError)
        {
            return [];
        }
    }

    /// <summary>Deletes datasets (their documents and chunks with them); returns how many were deleted.</summary>
    public async Task<int> DeleteDatasetsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ids.Count);
        using var message = new HttpRequestMessage(HttpMethod.Delete, "api/v1/datasets") { Content = JsonContent.Create(new { ids }, options: RagflowJson.Options) };
        using var response = await http.SendAsync(message, cancellationToken);
        var data = await ReadEnvelopeAsync(response, cancellationToken);
        return (int?)data?["success_count"] ?? 0;
    }

    /// <summary>Uploads files (multipart, one <c>file</c> part each); they are not parsed until <see cref="ParseDocumentsAsync"/>.</summary>
    public async Task<IReadOnlyList<RagflowDocument>> UploadDocumentsAsync(
        string datasetId, IReadOnlyCollection<RagflowUpload> files, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(files.Count);
        using var form = new MultipartFormDataContent();
        foreach (var file in files)
        {
            var part = new StreamContent(file.Content);
            part.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "file", file.FileName);
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, $"api/v1/datasets/{Id(datasetId)}/documents") { Content = form };
        message.Options.Set(SendOnce, true);
        using var response = await http.SendAsync(message, cancellationToken);
        return Data<List<RagflowDocument>>(await ReadEnvelopeAsync(response, cancellationToken));
    }

    /// <summary>One page of the dataset's documents with their parse status, newest first; <paramref name="documentId"/> polls one.</summary>
    public async Task<RagflowDocumentPage> ListDocumentsAsync(
        string datasetId, int page = 1, int pageSize = 30, string? documentId = null, CancellationToken cancellationToken = default)
    {
        var query = $"page={page}&page_size={pageSize}&orderby=create_time&desc=true" + (documentId is null ? "" : $"&id={Id(documentId)}");
        using var response = await http.GetAsync($"api/v1/datasets/{Id(datasetId)}/documents?{query}", cancellationToken);
        return Data<RagflowDocumentPage>(await ReadEnvelopeAsync(response, cancellationToken));
    }

    /// <summary>Deletes documents by id (never "all": an empty list is refused here, before RAGFlow is asked).</summary>
    public async Task<int> DeleteDocumentsAsync(string datasetId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ids.Count);
        using var message = new HttpRequestMessage(HttpMethod.Delete, $"api/v1/datasets/{Id(datasetId)}/documents")
        {
            Content = JsonContent.Create(new { ids }, options: RagflowJson.Options),
        };
        using var response = await http.SendAsync(message, cancellationToken);
        var data = await ReadEnvelopeAsync(response, cancellationToken);
        return (int?)data?["deleted"] ?? ids.Count;
    }

    /// <summary>Starts parsing (chunking and indexing) asynchronously; poll <see cref="ListDocumentsAsync"/> for the outcome.</summary>
    public async Task ParseDocumentsAsync(string datasetId, IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(documentIds.Count);
        using var response = await http.PostAsJsonAsync(
            $"api/v1/datasets/{Id(datasetId)}/chunks", new { document_ids = documentIds }, RagflowJson.Options, cancellationToken);
        await ReadEnvelopeAsync(response, cancellationToken);
    }

    /// <summary>The chunks that best answer the question, from the given datasets only.</summary>
    public async Task<RetrievalResult> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("api/v1/retrieval", request, RagflowJson.Options, cancellationToken);
        var data = await ReadEnvelopeAsync(response, cancellationToken);
        return data is null ? new RetrievalResult(0, [], default) : Data<RetrievalResult>(data);
    }

    /// <summary>Reads the envelope: its <c>data</c> when <c>code</c> is 0, else a <see cref="RagflowException"/>.</summary>
    private static async Task<JsonNode?> ReadEnvelopeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? envelope;
        try
        {
            envelope = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            envelope = null;
        }

        if (envelope is null || envelope["code"] is not JsonValue codeValue || !codeValue.TryGetValue<int>(out var code))
        {
            var text = string.IsNullOrWhiteSpace(body) ? response.ReasonPhrase ?? "no body" : body.Length > 300 ? body[..300] : body;
            throw new RagflowException((int)response.StatusCode, $"unexpected answer (HTTP {(int)response.StatusCode}): {text}", response.StatusCode);
        }

        if (code != 0)
        {
            throw new RagflowException(code, (string?)envelope["message"] ?? $"error {code}", response.StatusCode);
        }

        return envelope["data"];
    }

    private static T Data<T>(JsonNode? data) =>
        data.Deserialize<T>(RagflowJson.Options) ?? throw new RagflowException(100, "the answer had no data", System.Net.HttpStatusCode.OK);

    /// <summary>RAGFlow ids are 32 lowercase hex characters; anything else must not reach a URL.</summary>
    private static string Id(string id) =>
        id.Length == 32 && id.All(char.IsAsciiHexDigitLower) || id.All(char.IsAsciiLetterOrDigit) && id.Length is > 0 and <= 64
            ? id
            : throw new ArgumentException($"'{id}' is not a RAGFlow id.", nameof(id));
}
