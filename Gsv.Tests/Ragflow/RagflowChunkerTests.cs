using Gsv.Emulators.Ragflow.Parsing;

namespace Gsv.Tests.Ragflow;

/// <summary>The emulator's chunker: size from chunk_token_num, overlap, boundaries, determinism.</summary>
public sealed class RagflowChunkerTests
{
    private static string Sentences(int count) =>
        string.Join(' ', Enumerable.Range(1, count).Select(i => $"Sentence number {i} talks about topic {i % 7} in some detail."));

    [Fact]
    public void Chunks_stay_within_the_configured_size()
    {
        var text = Sentences(200);

        var chunks = Chunker.Split(text, chunkTokenNum: 64);

        Assert.True(chunks.Count > 5);
        Assert.All(chunks, c => Assert.InRange(c.Content.Length, 1, 64 * Chunker.CharsPerToken));
        Assert.All(chunks, c => Assert.Equal(Chunker.EstimateTokens(c.Content), c.TokenCount));
    }

    [Fact]
    public void Consecutive_chunks_overlap_and_cover_the_whole_text()
    {
        var text = Sentences(120);

        var chunks = Chunker.Split(text, chunkTokenNum: 50);

        Assert.Equal(0, chunks[0].Start);
        Assert.Equal(text.Length, chunks[^1].End);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].Start < chunks[i - 1].End, $"chunk {i} does not overlap the previous one");
            Assert.True(chunks[i].Start > chunks[i - 1].Start);
        }
    }

    [Fact]
    public void Cuts_prefer_paragraph_then_sentence_boundaries()
    {
        var paragraph = "Alpha beta gamma delta epsilon zeta eta theta. Iota kappa lambda mu nu xi omicron pi.";
        var text = string.Join("\n\n", Enumerable.Repeat(paragraph, 10));

        var chunks = Chunker.Split(text, chunkTokenNum: 60);

        Assert.All(chunks, c => Assert.EndsWith(".", c.Content));
        Assert.All(chunks.Skip(1), c => Assert.True(char.IsUpper(c.Content[0]), $"chunk starts mid-sentence: '{c.Content[..20]}'"));
    }

    [Fact]
    public void A_text_without_spaces_is_cut_hard_at_the_size()
    {
        var text = new string('x', 1000);

        var chunks = Chunker.Split(text, chunkTokenNum: 25);

        Assert.All(chunks, c => Assert.True(c.Content.Length <= 100));
        Assert.Equal(text.Length, chunks[^1].End);
    }

    [Fact]
    public void Short_text_is_one_chunk_and_blank_text_none()
    {
        Assert.Single(Chunker.Split("Just one line.", 512));
        Assert.Empty(Chunker.Split("  \n\n  ", 512));
    }

    [Fact]
    public void The_same_text_gives_the_same_chunks_and_ids()
    {
        var text = Sentences(80);
        var first = Chunker.Split(text, 40);
        var second = Chunker.Split(text, 40);

        Assert.Equal(first, second);
        Assert.Equal(
            first.Select(c => DocumentParser.ChunkId("d1", c.Index, c.Content)),
            second.Select(c => DocumentParser.ChunkId("d1", c.Index, c.Content)));
        Assert.Matches("^[0-9a-f]{16}$", DocumentParser.ChunkId("d1", 0, first[0].Content));
        Assert.NotEqual(DocumentParser.ChunkId("d1", 0, "x"), DocumentParser.ChunkId("d2", 0, "x"));
    }
}
