using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Parsing;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>The store's parsing life cycle (contract §5) and chunk reads (§6).</summary>
public sealed partial class RagflowStore
{
    /// <summary>A parse the worker may run: the document as it was when the job started, and its bytes.</summary>
    public sealed record ParseWork(RagflowDocument Document, byte[] Content);

    /// <summary>
    /// Starts parsing: each document goes RUNNING with progress 0, its previous chunks are deleted (and leave the
    /// index), and a job is queued. Unknown ids → 102 <c>Documents not found: [...]</c>; one already running → 102;
    /// nothing starts then. Returns the repeated ids, if any (RAGFlow answers those in <c>data.errors</c>).
    /// </summary>
    public IReadOnlyList<string> StartParse(string datasetId, IReadOnlyList<string> documentIds)
    {
        lock (_gate)
        {
            OwnedDataset(datasetId);
            var unique = documentIds.Distinct(StringComparer.Ordinal).ToList();
            var missing = unique.Where(id => !_documents.TryGetValue(id, out var d) || d.DatasetId != datasetId).ToList();
            if (missing.Count > 0)
            {
                throw RagflowException.DataError($"Documents not found: [{string.Join(", ", missing.Select(id => $"'{id}'"))}]");
            }

            if (unique.Any(id => _documents[id].Run == RunStatus.Running))
            {
                throw RagflowException.DataError("Can't parse document that is currently being processed");
            }

            var now = _time.GetUtcNow();
            foreach (var document in unique.Select(id => _documents[id]))
            {
                _indexes[datasetId].RemoveDocument(document.Id);
                _chunks.Remove(document.Id);
                _disk?.SaveChunks(document.Id, []);
                document.Generation++;
                document.Run = RunStatus.Running;
                document.Progress = 0;
                document.ProgressMessage = "";
                document.Log(now, "Task has been received.");
                document.ProcessBeginAt = now.ToUnixTimeMilliseconds();
                document.ProcessDuration = 0;
                document.ChunkCount = 0;
                document.TokenCount = 0;
                document.UpdateTime = Now();
                _disk?.Save(document);
                _queue.Enqueue(new ParseJob(document.Id, document.Generation));
                _logger.LogInformation("Parse of document {DocumentId} queued", document.Id);
            }

            return [.. documentIds.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)];
        }
    }

    /// <summary>Stops parsing: each document goes CANCEL. Unknown ids or a document that is not running → 102, nothing stops.</summary>
    public void StopParse(string datasetId, IReadOnlyList<string> documentIds)
    {
        lock (_gate)
        {
            OwnedDataset(datasetId);
            foreach (var id in documentIds)
            {
                if (!_documents.TryGetValue(id, out var document) || document.DatasetId != datasetId)
                {
                    throw RagflowException.DataError($"You don't own the document {id}.");
                }

                if (document.Run != RunStatus.Running)
                {
                    throw new RagflowException(RagflowCodes.DataError, "Can't stop parsing document with progress at 0 or 1",
                        new JsonObject { ["error_code"] = "DOCUMENT_NOT_RUNNING", ["document_id"] = id });
                }
            }

            var now = _time.GetUtcNow();
            foreach (var document in documentIds.Distinct(StringComparer.Ordinal).Select(id => _documents[id]))
            {
                document.Generation++;
                document.Run = RunStatus.Cancel;
                document.Progress = 0;
                document.Log(now, "Task has been canceled.");
                document.UpdateTime = Now();
                _disk?.Save(document);
                _logger.LogInformation("Parse of document {DocumentId} stopped", document.Id);
            }
        }
    }

    private bool IsCurrent(ParseJob job, out RagflowDocument document) =>
        _documents.TryGetValue(job.DocumentId, out document!) && document.Generation == job.Generation && document.Run == RunStatus.Running;

    /// <summary>The worker takes the job: progress 0.1 and the document's bytes; null when the job is stale.</summary>
    public ParseWork? BeginParse(ParseJob job)
    {
        RagflowDocument document;
        lock (_gate)
        {
            if (!IsCurrent(job, out document))
            {
                return null;
            }

            document.Progress = 0.1;
            document.Log(_time.GetUtcNow(), "Start to parse.");
            if (_disk is null)
            {
                return new ParseWork(document, _memoryFiles[document.Id]);
            }
        }

        return new ParseWork(document, _disk.ReadFile(document.Id));
    }

    public void ReportProgress(ParseJob job, double progress, string line)
    {
        lock (_gate)
        {
            if (IsCurrent(job, out var document))
            {
                document.Progress = progress;
                document.Log(_time.GetUtcNow(), line);
            }
        }
    }

    /// <summary>
    /// The worker's result: DONE with progress 1.0, the chunks stored and indexed at once; or FAIL with progress −1
    /// and an <c>[ERROR]</c> line giving the reason. A stale job changes nothing.
    /// </summary>
    public void CompleteParse(ParseJob job, ParseOutcome outcome, TimeSpan elapsed)
    {
        lock (_gate)
        {
            if (!IsCurrent(job, out var document))
            {
                _logger.LogInformation("Parse result for document {DocumentId} dropped: stopped, re-parsed or deleted meanwhile", job.DocumentId);
                return;
            }

            var now = _time.GetUtcNow();
            document.ProcessDuration = Math.Round((now.ToUnixTimeMilliseconds() - (document.ProcessBeginAt ?? now.ToUnixTimeMilliseconds())) / 1000.0, 2);
            document.UpdateTime = Now();
            if (outcome.Error is { } reason)
            {
                document.Run = RunStatus.Fail;
                document.Progress = -1;
                document.Log(now, $"[ERROR] {reason}");
                _logger.LogWarning("Parse of document {DocumentId} failed: {Reason}", document.Id, reason);
            }
            else
            {
                _chunks[document.Id] = outcome.Chunks;
                foreach (var chunk in outcome.Chunks)
                {
                    _indexes[document.DatasetId].Add(chunk);
                }

                document.Run = RunStatus.Done;
                document.Progress = 1.0;
                document.ChunkCount = outcome.Chunks.Count;
                document.TokenCount = outcome.TokenCount;
                document.Log(now, $"Indexing done ({elapsed.TotalSeconds:0.00}s).");
                document.Log(now, $"Task done ({document.ProcessDuration:0.00}s)");
                _disk?.SaveChunks(document.Id, outcome.Chunks);
                _logger.LogInformation("Document {DocumentId} parsed: {Chunks} chunks, {Tokens} tokens", document.Id, document.ChunkCount, document.TokenCount);
            }

            _disk?.Save(document);
        }
    }

    /// <summary>A document (API shape) and its chunks in order; 102 when the dataset or the document is not the caller's.</summary>
    public (JsonObject Document, IReadOnlyList<RagflowChunk> Chunks) ListChunks(string datasetId, string documentId)
    {
        lock (_gate)
        {
            OwnedDataset(datasetId);
            if (!_documents.TryGetValue(documentId, out var document) || document.DatasetId != datasetId)
            {
                throw RagflowException.DataError($"You don't own the document {documentId}.");
            }

            return (document.ToApi(), _chunks.GetValueOrDefault(documentId) ?? []);
        }
    }
}
