using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Search;

/// <summary>
/// One dataset's inverted index over its searchable chunks (those of DONE documents): term → chunk → term
/// frequency, with each chunk's term counts, length and TF norm for BM25 and the lexical cosine
/// (<see cref="Bm25Ranker"/>). Chunks are added when a parse completes and removed when their document is re-parsed
/// or deleted. Not thread-safe: the store calls it under its lock.
/// </summary>
public sealed class SearchIndex
{
    private readonly Dictionary<string, Dictionary<string, int>> _postings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IndexedChunk> _chunks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _chunksByDocument = new(StringComparer.Ordinal);

    /// <summary>A chunk with what ranking needs: its term frequencies, length in terms and Euclidean TF norm.</summary>
    public sealed record IndexedChunk(RagflowChunk Chunk, IReadOnlyDictionary<string, int> TermFrequencies, int Length, double Norm);

    public int Count => _chunks.Count;

    /// <summary>Sum of the chunks' lengths in terms (for BM25's average length).</summary>
    public long TotalLength { get; private set; }

    public int DocumentFrequency(string term) => _postings.TryGetValue(term, out var postings) ? postings.Count : 0;

    public IReadOnlyDictionary<string, int>? Postings(string term) => _postings.GetValueOrDefault(term);

    public IndexedChunk Get(string chunkId) => _chunks[chunkId];

    public void Add(RagflowChunk chunk)
    {
        if (_chunks.ContainsKey(chunk.Id))
        {
            return;
        }

        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in TermTokenizer.Terms(chunk.Content))
        {
            frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
        }

        var length = frequencies.Values.Sum();
        var norm = Math.Sqrt(frequencies.Values.Sum(f => (double)f * f));
        _chunks[chunk.Id] = new IndexedChunk(chunk, frequencies, length, norm);
        TotalLength += length;
        foreach (var (term, frequency) in frequencies)
        {
            if (!_postings.TryGetValue(term, out var postings))
            {
                _postings[term] = postings = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            postings[chunk.Id] = frequency;
        }

        if (!_chunksByDocument.TryGetValue(chunk.DocumentId, out var ids))
        {
            _chunksByDocument[chunk.DocumentId] = ids = [];
        }

        ids.Add(chunk.Id);
    }

    /// <summary>Removes every chunk of a document; it is not found by the next search.</summary>
    public void RemoveDocument(string documentId)
    {
        if (!_chunksByDocument.Remove(documentId, out var ids))
        {
            return;
        }

        foreach (var id in ids)
        {
            if (!_chunks.Remove(id, out var indexed))
            {
                continue;
            }

            TotalLength -= indexed.Length;
            foreach (var term in indexed.TermFrequencies.Keys)
            {
                var postings = _postings[term];
                postings.Remove(id);
                if (postings.Count == 0)
                {
                    _postings.Remove(term);
                }
            }
        }
    }
}
