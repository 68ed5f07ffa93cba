using System.Diagnostics;
using Gsv.Emulators.Ragflow.Search;
using Gsv.Emulators.Ragflow.Store;
using Xunit.Abstractions;

namespace Gsv.Tests.Ragflow;

/// <summary>The BM25 ranker over per-dataset inverted indexes: rare terms, determinism, threshold, doc_aggs, removal.</summary>
public sealed class RagflowRankerTests(ITestOutputHelper output)
{
    private static RagflowChunk Chunk(string id, string document, string content, string dataset = "ds1") =>
        new(id, document, dataset, document + ".txt", content, content.Length / 4, []);

    private static SearchIndex Index(params RagflowChunk[] chunks)
    {
        var index = new SearchIndex();
        foreach (var chunk in chunks)
        {
            index.Add(chunk);
        }

        return index;
    }

    private static SearchIndex PrinterManual() => Index(
        Chunk("c01", "manual", "The printer prints pages. The printer has a tray."),
        Chunk("c02", "manual", "Clean the printer glass with a soft cloth."),
        Chunk("c03", "manual", "The printer fuser gets hot; let the fuser cool before touching it."),
        Chunk("c04", "faq", "Printer drivers are on the website for every printer model."),
        Chunk("c05", "faq", "Toner cartridges last about five thousand pages."),
        Chunk("c06", "faq", "The printer needs a network cable or Wi-Fi."));

    [Fact]
    public void The_chunk_with_the_rare_term_ranks_first()
    {
        var result = Bm25Ranker.Rank([PrinterManual()], new RetrievalQuery("printer fuser", SimilarityThreshold: 0));

        Assert.Equal("c03", result.Matches[0].Chunk.Id);
        Assert.True(result.Matches[0].Similarity > result.Matches[1].Similarity);
        Assert.DoesNotContain(result.Matches, m => m.Chunk.Id == "c05");
    }

    [Fact]
    public void Scores_are_between_zero_and_one_and_combine_with_the_vector_weight()
    {
        var result = Bm25Ranker.Rank([PrinterManual()], new RetrievalQuery("printer tray pages", SimilarityThreshold: 0, VectorSimilarityWeight: 0.3));

        Assert.NotEmpty(result.Matches);
        Assert.All(result.Matches, m =>
        {
            Assert.InRange(m.Similarity, 0, 1);
            Assert.InRange(m.TermSimilarity, 0, 1);
            Assert.InRange(m.VectorSimilarity, 0, 1);
            Assert.Equal((0.7 * m.TermSimilarity) + (0.3 * m.VectorSimilarity), m.Similarity, 10);
        });
    }

    [Fact]
    public void The_same_question_gives_the_same_ranking_and_ties_break_by_chunk_id()
    {
        var index = Index(
            Chunk("b2", "d1", "Reset the router by holding the button."),
            Chunk("a1", "d2", "Reset the router by holding the button."),
            Chunk("c3", "d3", "Routers blink when reset."));
        var query = new RetrievalQuery("reset router button", SimilarityThreshold: 0);

        var first = Bm25Ranker.Rank([index], query);
        var second = Bm25Ranker.Rank([index], query);

        Assert.Equal(first.Matches.Select(m => (m.Chunk.Id, m.Similarity)), second.Matches.Select(m => (m.Chunk.Id, m.Similarity)));
        Assert.Equal(["a1", "b2"], first.Matches.Take(2).Select(m => m.Chunk.Id));
    }

    [Fact]
    public void The_threshold_drops_weak_matches_unless_the_vector_weight_is_zero()
    {
        var index = PrinterManual();

        var all = Bm25Ranker.Rank([index], new RetrievalQuery("printer fuser", SimilarityThreshold: 0));
        var strict = Bm25Ranker.Rank([index], new RetrievalQuery("printer fuser", SimilarityThreshold: 0.6));
        var termOnly = Bm25Ranker.Rank([index], new RetrievalQuery("printer fuser", SimilarityThreshold: 0.99, VectorSimilarityWeight: 0));

        Assert.True(strict.Matches.Count < all.Matches.Count);
        Assert.All(strict.Matches, m => Assert.True(m.Similarity >= 0.6));
        Assert.Equal(all.Matches.Count, termOnly.Matches.Count);
    }

    [Fact]
    public void Doc_aggs_count_matches_per_document_most_first()
    {
        var result = Bm25Ranker.Rank([PrinterManual()], new RetrievalQuery("printer", SimilarityThreshold: 0));

        Assert.Equal([("manual", 3), ("faq", 2)], result.DocAggs.Select(a => (a.DocId, a.Count)));
        Assert.Equal("manual.txt", result.DocAggs[0].DocName);
    }

    [Fact]
    public void Document_filter_stop_words_and_unknown_terms()
    {
        var index = PrinterManual();

        var filtered = Bm25Ranker.Rank([index], new RetrievalQuery("printer", SimilarityThreshold: 0, DocumentIds: new HashSet<string> { "faq" }));
        var stopWordsOnly = Bm25Ranker.Rank([index], new RetrievalQuery("how do I do it", SimilarityThreshold: 0));
        var unknown = Bm25Ranker.Rank([index], new RetrievalQuery("zebra", SimilarityThreshold: 0));

        Assert.All(filtered.Matches, m => Assert.Equal("faq", m.Chunk.DocumentId));
        Assert.Empty(stopWordsOnly.Matches);
        Assert.Empty(unknown.Matches);
    }

    [Fact]
    public void A_removed_document_is_no_longer_found()
    {
        var index = PrinterManual();

        index.RemoveDocument("manual");
        var result = Bm25Ranker.Rank([index], new RetrievalQuery("fuser printer", SimilarityThreshold: 0));

        Assert.DoesNotContain(result.Matches, m => m.Chunk.DocumentId == "manual");
        Assert.Equal(3, index.Count);
        Assert.Equal(0, index.DocumentFrequency("fuser"));
    }

    [Fact]
    public void Highlight_marks_query_terms_whatever_their_case()
    {
        var terms = new HashSet<string> { "paper", "jam" };

        Assert.Equal("To clear a <em>Paper</em> <em>jam</em>, open tray 2.", Highlighter.Highlight("To clear a Paper jam, open tray 2.", terms));
    }

    /// <summary>Not an assertion on time: it prints how long a search over 1,000 chunks takes.</summary>
    [Fact]
    public void Searching_a_thousand_chunks_is_quick()
    {
        var random = new Random(7);
        var vocabulary = Enumerable.Range(0, 3000).Select(i => $"term{i}").ToArray();
        var index = new SearchIndex();
        for (var i = 0; i < 1000; i++)
        {
            var words = Enumerable.Range(0, 120).Select(_ => vocabulary[(int)Math.Pow(random.Next(1, 3000), 0.9) % vocabulary.Length]);
            index.Add(Chunk($"chunk{i:D4}", $"doc{i / 20}", string.Join(' ', words)));
        }

        var query = new RetrievalQuery("term1 term25 term300 term2000 term7", SimilarityThreshold: 0);
        Bm25Ranker.Rank([index], query);
        var watch = Stopwatch.StartNew();
        const int runs = 50;
        RankResult result = RankResult.Empty;
        for (var i = 0; i < runs; i++)
        {
            result = Bm25Ranker.Rank([index], query);
        }

        output.WriteLine($"1,000 chunks: {watch.Elapsed.TotalMilliseconds / runs:0.000} ms per search, {result.Matches.Count} matches");
        Assert.NotEmpty(result.Matches);
    }
}
