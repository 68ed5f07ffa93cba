using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Search;

/// <summary>What a retrieval asks (contract §7): the question, the score mix and cut-off, the candidate limit and an optional document filter.</summary>
public sealed record RetrievalQuery(
    string Question,
    double SimilarityThreshold = 0.2,
    double VectorSimilarityWeight = 0.3,
    int TopK = 1024,
    IReadOnlySet<string>? DocumentIds = null);

/// <summary>A chunk that matched, with its scores (each 0..1).</summary>
public sealed record ScoredChunk(RagflowChunk Chunk, double Similarity, double TermSimilarity, double VectorSimilarity);

/// <summary>One <c>doc_aggs</c> item: how many of the matches came from a document.</summary>
public sealed record DocumentAggregate(string DocName, string DocId, int Count);

/// <summary>Every match above the threshold in rank order, the per-document counts, and the query's terms (for highlighting).</summary>
public sealed record RankResult(IReadOnlyList<ScoredChunk> Matches, IReadOnlyList<DocumentAggregate> DocAggs, IReadOnlySet<string> QueryTerms)
{
    public static readonly RankResult Empty = new([], [], new HashSet<string>());
}

/// <summary>
/// The emulator's retrieval ranking, a lexical stand-in for RAGFlow's hybrid search (<c>rag/nlp/search.py</c>):
/// <list type="bullet">
/// <item>Candidates: chunks sharing at least one term with the question (<see cref="TermTokenizer"/>), over the
/// inverted indexes of the asked datasets, statistics (N, df, average length) pooled across them.</item>
/// <item><c>term_similarity</c> = 0.7·coverage + 0.3·bm25/ceiling, where coverage is the IDF-weighted share of the
/// question's distinct terms the chunk contains, bm25 is Okapi BM25 (k1 = 1.2, b = 0.75,
/// idf = ln(1 + (N − df + 0.5)/(df + 0.5))) and ceiling = Σ idf·(k1 + 1), BM25's bound as term frequency grows.
/// Both parts are absolute (they do not depend on the other candidates), so the threshold means the same for every
/// question; a rare term weighs more than a common one in both.</item>
/// <item><c>vector_similarity</c>: the cosine of the question's and the chunk's term-frequency vectors — no
/// embedding model, but deterministic and 0..1.</item>
/// <item><c>similarity</c> = (1 − w)·term + w·vector with w = <c>vector_similarity_weight</c>; the <c>top_k</c> best
/// are kept, those below <c>similarity_threshold</c> dropped (no cut-off when w is 0, as the contract says).</item>
/// <item>Order: similarity descending, ties by chunk id (ordinal), so the same data and question give the same answer.</item>
/// </list>
/// </summary>
public static class Bm25Ranker
{
    public const double K1 = 1.2;
    public const double B = 0.75;
    public const double CoverageWeight = 0.7;

    public static RankResult Rank(IReadOnlyList<SearchIndex> indexes, RetrievalQuery query)
    {
        var queryFrequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        var queryTerms = new List<string>();
        foreach (var term in TermTokenizer.Terms(query.Question))
        {
            if (queryFrequencies.TryAdd(term, 1))
            {
                queryTerms.Add(term);
            }
            else
            {
                queryFrequencies[term]++;
            }
        }

        var chunkCount = indexes.Sum(i => i.Count);
        if (queryTerms.Count == 0 || chunkCount == 0)
        {
            return RankResult.Empty with { QueryTerms = queryTerms.ToHashSet(StringComparer.Ordinal) };
        }

        var averageLength = Math.Max(indexes.Sum(i => i.TotalLength) / (double)chunkCount, 1);
        var idf = queryTerms.Select(t =>
        {
            var df = indexes.Sum(i => i.DocumentFrequency(t));
            return Math.Log(1 + ((chunkCount - df + 0.5) / (df + 0.5)));
        }).ToArray();
        var idfSum = idf.Sum();
        var ceiling = idfSum * (K1 + 1);
        var queryNorm = Math.Sqrt(queryFrequencies.Values.Sum(f => (double)f * f));

        var candidates = new Dictionary<string, SearchIndex.IndexedChunk>(StringComparer.Ordinal);
        foreach (var index in indexes)
        {
            foreach (var term in queryTerms)
            {
                foreach (var chunkId in index.Postings(term)?.Keys ?? Enumerable.Empty<string>())
                {
                    if (!candidates.ContainsKey(chunkId))
                    {
                        var indexed = index.Get(chunkId);
                        if (query.DocumentIds is not { Count: > 0 } filter || filter.Contains(indexed.Chunk.DocumentId))
                        {
                            candidates[chunkId] = indexed;
                        }
                    }
                }
            }
        }

        var weight = Math.Clamp(query.VectorSimilarityWeight, 0, 1);
        var scored = new List<ScoredChunk>(candidates.Count);
        foreach (var candidate in candidates.Values)
        {
            double bm25 = 0, covered = 0, dot = 0;
            for (var t = 0; t < queryTerms.Count; t++)
            {
                if (!candidate.TermFrequencies.TryGetValue(queryTerms[t], out var tf))
                {
                    continue;
                }

                covered += idf[t];
                bm25 += idf[t] * tf * (K1 + 1) / (tf + (K1 * (1 - B + (B * candidate.Length / averageLength))));
                dot += (double)queryFrequencies[queryTerms[t]] * tf;
            }

            var termSimilarity = idfSum <= 0 ? 0 : (CoverageWeight * covered / idfSum) + ((1 - CoverageWeight) * bm25 / ceiling);
            var vectorSimilarity = candidate.Norm <= 0 ? 0 : dot / (queryNorm * candidate.Norm);
            var similarity = ((1 - weight) * termSimilarity) + (weight * vectorSimilarity);
            scored.Add(new ScoredChunk(candidate.Chunk, similarity, termSimilarity, vectorSimilarity));
        }

        var matches = scored
            .OrderByDescending(s => s.Similarity)
            .ThenBy(s => s.Chunk.Id, StringComparer.Ordinal)
            .Take(Math.Max(query.TopK, 1))
            .Where(s => weight <= 0 || s.Similarity >= query.SimilarityThreshold)
            .ToList();
        var aggregates = matches
            .GroupBy(m => m.Chunk.DocumentId, StringComparer.Ordinal)
            .Select(g => new DocumentAggregate(g.First().Chunk.DocumentName, g.Key, g.Count()))
            .OrderByDescending(a => a.Count)
            .ThenBy(a => a.DocName, StringComparer.Ordinal)
            .ThenBy(a => a.DocId, StringComparer.Ordinal)
            .ToList();
        return new RankResult(matches, aggregates, queryTerms.ToHashSet(StringComparer.Ordinal));
    }
}
