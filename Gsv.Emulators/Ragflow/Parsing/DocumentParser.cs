using System.Security.Cryptography;
using System.Text;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Parsing;

/// <summary>What parsing one document gave: its chunks, or the reason it failed.</summary>
public sealed record ParseOutcome(IReadOnlyList<RagflowChunk> Chunks, string? Error)
{
    public long TokenCount => Chunks.Sum(c => (long)c.TokenCount);
}

/// <summary>
/// Parsing as the task executor does it, minus embeddings: extract the text (<see cref="TextExtractor"/>), chunk it
/// (<see cref="Chunker"/> with the document's <c>chunk_token_num</c>), and give each chunk a deterministic id — 16 hex
/// characters of SHA-256 over the document id, the chunk's index and its content — so the same file parsed again has
/// the same chunk ids.
/// </summary>
public static class DocumentParser
{
    public static ParseOutcome Parse(RagflowDocument document, byte[] content)
    {
        var extracted = TextExtractor.Extract(document.Name, content);
        if (!extracted.Succeeded)
        {
            return new ParseOutcome([], extracted.Error);
        }

        var isPdf = document.Suffix == "pdf";
        var chunks = Chunker.Split(extracted.Text!, ParserConfigDefaults.ChunkTokens(document.ParserConfig))
            .Select(c => new RagflowChunk(
                ChunkId(document.Id, c.Index, c.Content),
                document.Id,
                document.DatasetId,
                document.Name,
                c.Content,
                c.TokenCount,
                isPdf ? Pages(extracted, c) : []))
            .ToList();
        return chunks.Count == 0 ? new ParseOutcome([], $"No text could be extracted from '{document.Name}'.") : new ParseOutcome(chunks, null);
    }

    public static string ChunkId(string documentId, int index, string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{documentId}\n{index}\n{content}")))[..16];

    private static int[][] Pages(ExtractionResult extracted, TextChunk chunk)
    {
        var first = extracted.PageAt(chunk.Start);
        var last = extracted.PageAt(Math.Max(chunk.Start, chunk.End - 1));
        return [.. Enumerable.Range(first, last - first + 1).Select(page => new[] { page, 0, 0, 0, 0 })];
    }
}
