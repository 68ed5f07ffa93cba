using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Store;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.StaticFiles;

namespace Gsv.Emulators.Ragflow.Api;

/// <summary>Documents (<c>/api/v1/datasets/{id}/documents</c>, contract §4): upload, list/status, download, delete.</summary>
public static class DocumentsApi
{
    public const int MaxFileNameBytes = 255;

    /// <summary>Largest upload request accepted (RAGFlow's <c>MAX_CONTENT_LENGTH</c> is 1 GiB; Kestrel's default 30 MB).</summary>
    public const long MaxUploadBytes = 256L * 1024 * 1024;

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static RouteGroupBuilder MapDocumentsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/datasets/{datasetId}/documents", UploadAsync)
            .WithMetadata(new RequestSizeLimitMetadata(MaxUploadBytes))
            .WithFormOptions(multipartBodyLengthLimit: MaxUploadBytes);
        api.MapGet("/datasets/{datasetId}/documents", List);
        api.MapGet("/datasets/{datasetId}/documents/{documentId}", Download);
        api.MapDelete("/datasets/{datasetId}/documents", DeleteAsync);
        return api;
    }

    private sealed class RequestSizeLimitMetadata(long limit) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => limit;
    }

    /// <summary>Multipart field <c>file</c>, repeated for several files; none → 101 <c>No file part!</c>, an empty name → 101 <c>No file selected!</c>.</summary>
    private static async Task<IResult> UploadAsync(string datasetId, HttpRequest request, RagflowStore store, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw RagflowException.Argument("No file part!");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        var parts = form.Files.GetFiles("file");
        if (parts.Count == 0)
        {
            throw RagflowException.Argument(form.ContainsKey("file") ? "No file selected!" : "No file part!");
        }

        var files = new List<RagflowStore.UploadedFile>();
        foreach (var part in parts)
        {
            var name = part.FileName.Trim();
            if (name.Length == 0)
            {
                throw RagflowException.Argument("No file selected!");
            }

            if (Encoding.UTF8.GetByteCount(name) > MaxFileNameBytes)
            {
                throw RagflowException.Argument($"File name must be {MaxFileNameBytes} bytes or less.");
            }

            using var buffer = new MemoryStream((int)Math.Min(part.Length, int.MaxValue));
            await part.CopyToAsync(buffer, cancellationToken);
            files.Add(new RagflowStore.UploadedFile(name, buffer.ToArray()));
        }

        return RagflowEnvelope.Ok(new JsonArray([.. store.Upload(datasetId, files)]));
    }

    /// <summary>
    /// <c>keywords</c> (name contains), <c>id</c>/<c>name</c> (unknown → 102), <c>suffix</c> and <c>run</c> (repeatable),
    /// <c>create_time_from</c>/<c>create_time_to</c>, <c>orderby</c>, <c>desc</c>, paging → <c>{"total":n,"docs":[…]}</c>.
    /// </summary>
    private static IResult List(string datasetId, HttpRequest request, RagflowStore store)
    {
        var query = request.Query;
        var paging = RagflowPaging.FromQuery(query);
        var orderBy = query["orderby"].FirstOrDefault() is "update_time" ? "update_time" : "create_time";
        var descending = RagflowRequest.Flag(query["desc"].FirstOrDefault(), true);
        IEnumerable<JsonObject> documents = store.ListDocuments(datasetId);

        if (query["id"].FirstOrDefault() is { Length: > 0 } id)
        {
            documents = documents.Where(d => (string?)d["id"] == id).ToList();
            if (!documents.Any())
            {
                throw RagflowException.DataError($"You don't own the document {id}.");
            }
        }

        if (query["name"].FirstOrDefault() is { Length: > 0 } name)
        {
            documents = documents.Where(d => (string?)d["name"] == name).ToList();
            if (!documents.Any())
            {
                throw RagflowException.DataError($"You don't own the document {name}.");
            }
        }

        if (query["keywords"].FirstOrDefault() is { Length: > 0 } keywords)
        {
            documents = documents.Where(d => ((string?)d["name"] ?? "").Contains(keywords, StringComparison.OrdinalIgnoreCase));
        }

        var suffixes = query["suffix"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!.TrimStart('.').ToLowerInvariant()).ToHashSet();
        if (suffixes.Count > 0)
        {
            documents = documents.Where(d => suffixes.Contains((string?)d["suffix"] ?? ""));
        }

        var runs = query["run"].Where(r => !string.IsNullOrEmpty(r)).ToList();
        if (runs.Count > 0)
        {
            var wanted = runs.Select(r => RunStatuses.Parse(r) ?? throw RagflowException.DataError($"Invalid filter run status conditions: {r}"))
                .Select(s => s.ToApi()).ToHashSet();
            documents = documents.Where(d => wanted.Contains((string?)d["run"] ?? ""));
        }

        var from = TimeFilter(query["create_time_from"].FirstOrDefault());
        var to = TimeFilter(query["create_time_to"].FirstOrDefault());
        documents = documents.Where(d => (from == 0 || (long)d["create_time"]! >= from) && (to == 0 || (long)d["create_time"]! <= to));

        var all = (descending
            ? documents.OrderByDescending(d => (long)d[orderBy]!).ThenByDescending(d => (string?)d["id"], StringComparer.Ordinal)
            : documents.OrderBy(d => (long)d[orderBy]!).ThenBy(d => (string?)d["id"], StringComparer.Ordinal)).ToList();
        return RagflowEnvelope.Ok(new JsonObject { ["total"] = all.Count, ["docs"] = new JsonArray([.. paging.Apply(all)]) });
    }

    private static long TimeFilter(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var time) ? time : 0;

    /// <summary>The original bytes, as an attachment named like the document.</summary>
    private static IResult Download(string datasetId, string documentId, RagflowStore store)
    {
        var (name, content) = store.Download(datasetId, documentId);
        return Results.File(content, ContentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream", name);
    }

    /// <summary>
    /// <c>{"ids":[…]}</c> → <c>{"deleted":n}</c>; <c>{"delete_all":true}</c> deletes every document of the dataset.
    /// Without ids and without <c>delete_all</c> nothing is deleted: 102, never "all" by accident.
    /// </summary>
    private static async Task<IResult> DeleteAsync(string datasetId, HttpRequest request, RagflowStore store, CancellationToken cancellationToken)
    {
        var body = await RagflowRequest.ReadObjectAsync(request, cancellationToken);
        var all = RagflowRequest.Flag(body["delete_all"], false, "delete_all");
        var ids = RagflowRequest.StringList(body["ids"], "ids") ?? [];
        if (ids.Count == 0 && !all)
        {
            throw RagflowException.DataError("`ids` is required. To delete every document of the dataset, send {\"delete_all\": true}.");
        }

        return RagflowEnvelope.Ok(new JsonObject { ["deleted"] = store.DeleteDocuments(datasetId, ids, all) });
    }
}
