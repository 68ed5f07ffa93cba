using System.Text.Json.Nodes;
using Gsv.Emulators.Ragflow.Parsing;
using Gsv.Emulators.Ragflow.Search;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>
/// Everything the API key's tenant owns: datasets, their documents (metadata and bytes), the documents' chunks and
/// one <see cref="SearchIndex"/> per dataset over the chunks of DONE documents. All state changes happen under one
/// lock. With <c>Ragflow:DataPath</c> set the state is kept on disk (<see cref="RagflowDiskState"/>) and reloaded at
/// start; a document that was RUNNING when the emulator stopped is re-queued (its parse starts over, a line in
/// <c>progress_msg</c> says so). Without it, everything lives in memory.
/// This file: the store itself and datasets; documents, parsing and retrieval are in the other parts.
/// </summary>
public sealed partial class RagflowStore
{
    public const int MaxDatasetNameLength = 128;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RagflowDataset> _datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RagflowDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<RagflowChunk>> _chunks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SearchIndex> _indexes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _memoryFiles = new(StringComparer.Ordinal);
    private readonly RagflowDiskState? _disk;
    private readonly ParseQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger<RagflowStore> _logger;
    private long _lastTime;

    public RagflowStore(IConfiguration configuration, ParseQueue queue, TimeProvider time, ILogger<RagflowStore> logger)
    {
        (_queue, _time, _logger) = (queue, time, logger);
        if (configuration["Ragflow:DataPath"] is not { Length: > 0 } directory)
        {
            TenantId = RagflowIds.New();
            return;
        }

        _disk = new RagflowDiskState(directory);
        TenantId = _disk.TenantId(RagflowIds.New);
        Load();
        _logger.LogInformation("RAGFlow emulator state loaded from {DataPath}: {Datasets} datasets, {Documents} documents",
            directory, _datasets.Count, _documents.Count);
    }

    /// <summary>The one tenant of the configured API key (its owner user has the same id).</summary>
    public string TenantId { get; }

    private void Load()
    {
        foreach (var dataset in _disk!.LoadDatasets())
        {
            _datasets[dataset.Id] = dataset;
            _indexes[dataset.Id] = new SearchIndex();
            _lastTime = Math.Max(_lastTime, dataset.UpdateTime);
        }

        foreach (var document in _disk.LoadDocuments().Where(d => _datasets.ContainsKey(d.DatasetId)))
        {
            _documents[document.Id] = document;
            _lastTime = Math.Max(_lastTime, document.UpdateTime);
            if (document.Run == RunStatus.Done)
            {
                var chunks = _disk.LoadChunks(document.Id);
                _chunks[document.Id] = chunks;
                foreach (var chunk in chunks)
                {
                    _indexes[document.DatasetId].Add(chunk);
                }
            }
            else if (document.Run == RunStatus.Running)
            {
                document.Progress = 0;
                document.Log(_time.GetUtcNow(), "Task re-queued: the emulator restarted while it was running.");
                _disk.Save(document);
                _queue.Enqueue(new ParseJob(document.Id, document.Generation));
            }
        }
    }

    /// <summary>Epoch milliseconds, strictly increasing, so creation order is also time order.</summary>
    private long Now()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _lastTime = Math.Max(now, _lastTime + 1);
        return _lastTime;
    }

    private RagflowDataset.Counts CountsOf(string datasetId)
    {
        var documents = _documents.Values.Where(d => d.DatasetId == datasetId).ToList();
        return new RagflowDataset.Counts(
            documents.Count,
            documents.Sum(d => d.ChunkCount),
            documents.Sum(d => d.TokenCount),
            documents.GroupBy(d => d.Run).ToDictionary(g => g.Key, g => g.Count()));
    }

    private JsonObject DatasetApi(RagflowDataset dataset, bool includeParsingStatus = false) => dataset.ToApi(CountsOf(dataset.Id), includeParsingStatus);

    /// <summary>The dataset, or 102 <c>You don't own the dataset &lt;id&gt;.</c> (unknown ids included: every dataset is this tenant's).</summary>
    private RagflowDataset OwnedDataset(string datasetId) =>
        _datasets.TryGetValue(datasetId, out var dataset) && dataset.TenantId == TenantId ? dataset : throw RagflowException.NotOwnedDataset(datasetId);

    public bool OwnsDataset(string datasetId)
    {
        lock (_gate)
        {
            return _datasets.TryGetValue(datasetId, out var dataset) && dataset.TenantId == TenantId;
        }
    }

    /// <summary>Creates a dataset; a taken name becomes <c>name(1)</c>, <c>name(2)</c> … as RAGFlow's <c>duplicate_name</c>.</summary>
    public JsonObject CreateDataset(string name, Action<RagflowDataset> configure)
    {
        lock (_gate)
        {
            var now = Now();
            var dataset = new RagflowDataset { Id = RagflowIds.New(), TenantId = TenantId, Name = UniqueName(name), CreateTime = now, UpdateTime = now };
            configure(dataset);
            _datasets[dataset.Id] = dataset;
            _indexes[dataset.Id] = new SearchIndex();
            _disk?.Save(dataset);
            _logger.LogInformation("Dataset {DatasetId} '{Name}' created", dataset.Id, dataset.Name);
            return DatasetApi(dataset);
        }
    }

    private string UniqueName(string name)
    {
        if (!NameTaken(name, null))
        {
            return name;
        }

        for (var i = 1; ; i++)
        {
            var candidate = $"{name}({i})";
            if (!NameTaken(candidate, null))
            {
                return candidate;
            }
        }
    }

    /// <summary>Dataset names are unique per tenant, case-insensitively as in RAGFlow's MySQL collation.</summary>
    private bool NameTaken(string name, string? exceptId) =>
        _datasets.Values.Any(d => d.Id != exceptId && string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every dataset (API shape), oldest first.</summary>
    public IReadOnlyList<JsonObject> ListDatasets(bool includeParsingStatus)
    {
        lock (_gate)
        {
            return [.. _datasets.Values.OrderBy(d => d.CreateTime).ThenBy(d => d.Id, StringComparer.Ordinal).Select(d => DatasetApi(d, includeParsingStatus))];
        }
    }

    public JsonObject GetDataset(string datasetId)
    {
        lock (_gate)
        {
            return DatasetApi(OwnedDataset(datasetId));
        }
    }

    /// <summary>
    /// Applies an update; <paramref name="apply"/> gets the dataset and its chunk count, returns whether anything
    /// changed and throws <see cref="RagflowException"/> to refuse. No change → 102 <c>no properties were modified</c>.
    /// A new name that another dataset has → 102.
    /// </summary>
    public JsonObject UpdateDataset(string datasetId, Func<RagflowDataset, int, bool> apply)
    {
        lock (_gate)
        {
            var dataset = OwnedDataset(datasetId);
            var counts = CountsOf(datasetId);
            var before = dataset.Name;
            var draft = Clone(dataset);
            if (!apply(draft, counts.Chunks))
            {
                throw RagflowException.DataError("no properties were modified");
            }

            if (!string.Equals(draft.Name, before, StringComparison.OrdinalIgnoreCase) && NameTaken(draft.Name, datasetId))
            {
                throw RagflowException.DataError($"Dataset name '{draft.Name}' already exists");
            }

            draft.UpdateTime = Now();
            _datasets[datasetId] = draft;
            _disk?.Save(draft);
            _logger.LogInformation("Dataset {DatasetId} updated", datasetId);
            return DatasetApi(draft);
        }
    }

    private static RagflowDataset Clone(RagflowDataset d) => new()
    {
        Id = d.Id, TenantId = d.TenantId, Name = d.Name, Description = d.Description, Avatar = d.Avatar, Language = d.Language,
        Permission = d.Permission, EmbeddingModel = d.EmbeddingModel, ChunkMethod = d.ChunkMethod,
        ParserConfig = (JsonObject)d.ParserConfig.DeepClone(), Pagerank = d.Pagerank, CreateTime = d.CreateTime, UpdateTime = d.UpdateTime,
    };

    /// <summary>
    /// Deletes the given datasets, or all with <paramref name="all"/>, with their documents and chunks. Ids this
    /// tenant does not own → 108 and nothing is deleted. Returns how many were deleted.
    /// </summary>
    public int DeleteDatasets(IReadOnlyCollection<string> ids, bool all)
    {
        lock (_gate)
        {
            var targets = all ? [.. _datasets.Keys] : ids.ToList();
            var foreign = targets.Where(id => !_datasets.TryGetValue(id, out var d) || d.TenantId != TenantId).ToList();
            if (foreign.Count > 0)
            {
                throw new RagflowException(RagflowCodes.PermissionError,
                    $"User '{TenantId}' lacks permission for datasets: '{string.Join(", ", foreign)}'");
            }

            foreach (var id in targets)
            {
                foreach (var document in _documents.Values.Where(d => d.DatasetId == id).ToList())
                {
                    RemoveDocument(document);
                }

                _datasets.Remove(id);
                _indexes.Remove(id);
                _disk?.DeleteDataset(id);
            }

            _logger.LogInformation("{Count} datasets deleted", targets.Count);
            return targets.Count;
        }
    }
}
