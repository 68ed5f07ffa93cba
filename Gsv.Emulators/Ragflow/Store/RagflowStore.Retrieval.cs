using Gsv.Emulators.Ragflow.Search;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>The store's retrieval (contract §7): ownership checks, then <see cref="Bm25Ranker"/> over the datasets' indexes.</summary>
public sealed partial class RagflowStore
{
    /// <summary>
    /// Ranks the chunks of DONE documents in the datasets. A dataset that is not the caller's → 102
    /// <c>You don't own the dataset &lt;id&gt;.</c>; a document outside them → 102 <c>The datasets don't own the document &lt;id&gt;</c>.
    /// </summary>
    public RankResult Retrieve(IReadOnlyList<string> datasetIds, IReadOnlyList<string> documentIds, RetrievalQuery query)
    {
        lock (_gate)
        {
            foreach (var id in datasetIds)
            {
                OwnedDataset(id);
            }

            var datasets = datasetIds.ToHashSet(StringComparer.Ordinal);
            foreach (var id in documentIds)
            {
                if (!_documents.TryGetValue(id, out var document) || !datasets.Contains(document.DatasetId))
                {
                    throw RagflowException.DataError($"The datasets don't own the document {id}");
                }
            }

            if (string.IsNullOrWhiteSpace(query.Question))
            {
                return RankResult.Empty;
            }

            var indexes = datasets.Order(StringComparer.Ordinal).Select(id => _indexes[id]).ToList();
            return Bm25Ranker.Rank(indexes, query with { DocumentIds = documentIds.Count > 0 ? documentIds.ToHashSet(StringComparer.Ordinal) : null });
        }
    }
}
