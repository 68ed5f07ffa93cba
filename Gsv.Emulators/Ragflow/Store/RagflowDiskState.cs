using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>
/// The emulator's state on disk when <c>Ragflow:DataPath</c> is set (RAGFlow keeps it in MySQL, MinIO and
/// Elasticsearch): <c>tenant.json</c>, <c>datasets/{id}.json</c>, <c>documents/{id}.json</c> (metadata),
/// <c>files/{id}</c> (the uploaded bytes) and <c>chunks/{document id}.json</c>. Every write goes through
/// <see cref="AtomicFile"/>.
/// </summary>
public sealed class RagflowDiskState
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly string _root;

    public RagflowDiskState(string root)
    {
        _root = root;
        foreach (var folder in new[] { "datasets", "documents", "files", "chunks" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
        }
    }

    private sealed record Tenant(string Id);

    /// <summary>The tenant id kept from the first start, so API answers stay the same across restarts.</summary>
    public string TenantId(Func<string> create)
    {
        var path = Path.Combine(_root, "tenant.json");
        if (File.Exists(path) && JsonSerializer.Deserialize<Tenant>(File.ReadAllText(path), Json) is { Id.Length: > 0 } tenant)
        {
            return tenant.Id;
        }

        var id = create();
        AtomicFile.Write(path, JsonSerializer.Serialize(new Tenant(id), Json));
        return id;
    }

    public IEnumerable<RagflowDataset> LoadDatasets() => LoadAll<RagflowDataset>("datasets");

    public IEnumerable<RagflowDocument> LoadDocuments() => LoadAll<RagflowDocument>("documents");

    public IReadOnlyList<RagflowChunk> LoadChunks(string documentId)
    {
        var path = Path.Combine(_root, "chunks", $"{documentId}.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<List<RagflowChunk>>(File.ReadAllText(path), Json) ?? [] : [];
    }

    public void Save(RagflowDataset dataset) => AtomicFile.Write(Path.Combine(_root, "datasets", $"{dataset.Id}.json"), JsonSerializer.Serialize(dataset, Json));

    public void Save(RagflowDocument document) => AtomicFile.Write(Path.Combine(_root, "documents", $"{document.Id}.json"), JsonSerializer.Serialize(document, Json));

    public void SaveChunks(string documentId, IReadOnlyList<RagflowChunk> chunks)
    {
        var path = Path.Combine(_root, "chunks", $"{documentId}.json");
        if (chunks.Count == 0)
        {
            File.Delete(path);
        }
        else
        {
            AtomicFile.Write(path, JsonSerializer.Serialize(chunks, Json));
        }
    }

    public void SaveFile(string documentId, byte[] content) => AtomicFile.Write(Path.Combine(_root, "files", documentId), content);

    public byte[] ReadFile(string documentId) => File.ReadAllBytes(Path.Combine(_root, "files", documentId));

    public void DeleteDataset(string datasetId) => File.Delete(Path.Combine(_root, "datasets", $"{datasetId}.json"));

    /// <summary>Removes a document's metadata, bytes and chunks.</summary>
    public void DeleteDocument(string documentId)
    {
        File.Delete(Path.Combine(_root, "documents", $"{documentId}.json"));
        File.Delete(Path.Combine(_root, "files", documentId));
        File.Delete(Path.Combine(_root, "chunks", $"{documentId}.json"));
    }

    private IEnumerable<T> LoadAll<T>(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, folder), "*.json"))
        {
            if (JsonSerializer.Deserialize<T>(File.ReadAllText(file), Json) is { } item)
            {
                yield return item;
            }
        }
    }
}
