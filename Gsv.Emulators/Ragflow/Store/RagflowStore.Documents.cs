using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Parsing;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>The store's documents: upload, list, download, delete (contract §4).</summary>
public sealed partial class RagflowStore
{
    /// <summary>An uploaded file: its name and bytes.</summary>
    public sealed record UploadedFile(string Name, byte[] Content);

    /// <summary>Adds the files to the dataset as UNSTART documents (upload never starts parsing). Unknown dataset → 102.</summary>
    public IReadOnlyList<JsonObject> Upload(string datasetId, IReadOnlyList<UploadedFile> files)
    {
        lock (_gate)
        {
            if (!_datasets.TryGetValue(datasetId, out var dataset) || dataset.TenantId != TenantId)
            {
                throw RagflowException.DataError($"Can't find the dataset with ID {datasetId}!");
            }

            var created = new List<JsonObject>();
            foreach (var file in files)
            {
                var now = Now();
                var suffix = TextExtractor.SuffixOf(file.Name);
                var document = new RagflowDocument
                {
                    Id = RagflowIds.New(),
                    DatasetId = datasetId,
                    Name = file.Name,
                    CreatedBy = TenantId,
                    Suffix = suffix,
                    Type = FileTypes.Of(suffix),
                    Size = file.Content.LongLength,
                    ChunkMethod = dataset.ChunkMethod,
                    ParserConfig = (JsonObject)dataset.ParserConfig.DeepClone(),
                    CreateTime = now,
                    UpdateTime = now,
                };
                if (_disk is null)
                {
                    _memoryFiles[document.Id] = file.Content;
                }
                else
                {
                    _disk.SaveFile(document.Id, file.Content);
                    _disk.Save(document);
                }

                _documents[document.Id] = document;
                created.Add(document.ToUploadApi());
                _logger.LogInformation("Document {DocumentId} '{Name}' ({Size} bytes) uploaded to dataset {DatasetId}",
                    document.Id, document.Name, document.Size, datasetId);
            }

            return created;
        }
    }

    /// <summary>The dataset's documents (API shape), oldest first.</summary>
    public IReadOnlyList<JsonObject> ListDocuments(string datasetId)
    {
        lock (_gate)
        {
            OwnedDataset(datasetId);
            return [.. DocumentsOf(datasetId).Select(d => d.ToApi())];
        }
    }

    private IEnumerable<RagflowDocument> DocumentsOf(string datasetId) =>
        _documents.Values.Where(d => d.DatasetId == datasetId).OrderBy(d => d.CreateTime).ThenBy(d => d.Id, StringComparer.Ordinal);

    /// <summary>The document's name and original bytes; 102 when the dataset does not hold it.</summary>
    public (string Name, byte[] Content) Download(string datasetId, string documentId)
    {
        RagflowDocument document;
        lock (_gate)
        {
            OwnedDataset(datasetId);
            if (!_documents.TryGetValue(documentId, out document!) || document.DatasetId != datasetId)
            {
                throw RagflowException.DataError($"The dataset not own the document {documentId}.");
            }

            if (_disk is null)
            {
                return (document.Name, _memoryFiles[documentId]);
            }
        }

        return (document.Name, _disk.ReadFile(documentId));
    }

    /// <summary>
    /// Deletes the given documents (or all of the dataset's with <paramref name="all"/>) with their bytes and chunks;
    /// their chunks leave the search index at once. Any id the dataset does not hold → 102 and nothing is deleted.
    /// </summary>
    public int DeleteDocuments(string datasetId, IReadOnlyCollection<string> ids, bool all)
    {
        lock (_gate)
        {
            OwnedDataset(datasetId);
            var targets = all ? [.. DocumentsOf(datasetId)] : new List<RagflowDocument>();
            if (!all)
            {
                var missing = ids.Where(id => !_documents.TryGetValue(id, out var d) || d.DatasetId != datasetId).ToList();
                if (missing.Count > 0)
                {
                    throw RagflowException.DataError(
                        $"These documents do not belong to dataset {datasetId} or Document not found: {string.Join(", ", missing)}");
                }

                targets.AddRange(ids.Distinct(StringComparer.Ordinal).Select(id => _documents[id]));
            }

            foreach (var document in targets)
            {
                RemoveDocument(document);
            }

            _logger.LogInformation("{Count} documents deleted from dataset {DatasetId}", targets.Count, datasetId);
            return targets.Count;
        }
    }

    /// <summary>Removes a document everywhere: index, chunks, bytes, metadata. A running parse of it is dropped when it reports.</summary>
    private void RemoveDocument(RagflowDocument document)
    {
        if (_indexes.TryGetValue(document.DatasetId, out var index))
        {
            index.RemoveDocument(document.Id);
        }

        _chunks.Remove(document.Id);
        _memoryFiles.Remove(document.Id);
        _documents.Remove(document.Id);
        _disk?.DeleteDocument(document.Id);
    }
}
