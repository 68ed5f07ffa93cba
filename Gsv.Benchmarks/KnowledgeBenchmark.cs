using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gsv.ControlPlane.Client;

namespace Gsv.Benchmarks;

/// <summary>
/// Retrieval latency through the Control Plane (<c>--knowledge</c>): the demo buyer's Support Agent trial (a knowledge
/// instance, provisioned by the reconciler), documents uploaded until the dataset holds about 1,000 passages, then
/// 1,000 searches one at a time (<c>POST /api/v1/instances/{id}/knowledge/search</c>, what a buyer waits for), each a
/// different question. Prints p50/p95/p99 and the mean; nothing is asserted on speed.
/// </summary>
public sealed class KnowledgeBenchmark(BenchmarkPlatform platform)
{
    private const int Documents = 20;
    private const int ParagraphsPerDocument = 50;
    private const int Searches = 1000;

    private static readonly string[] Topics =
    [
        "invoice", "refund", "printer", "password", "shipping", "warranty", "onboarding", "security", "holiday", "expense",
        "laptop", "network", "contract", "meeting", "payroll", "backup", "license", "travel", "parking", "training",
    ];

    private static readonly string[] Verbs = ["configure", "request", "approve", "reset", "renew", "cancel", "track", "report", "escalate", "archive"];

    public async Task<bool> RunAsync(TextWriter output)
    {
        var token = await platform.BuyerTokenAsync();
        var controlPlane = platform.UserControlPlane();
        var instance = await ActiveTrialAsync(controlPlane, token);

        var uploaded = new List<KnowledgeDocumentDto>();
        for (var d = 0; d < Documents; d++)
        {
            uploaded.AddRange(await controlPlane.UploadKnowledgeAsync(token, instance.Id, [($"handbook-{d:00}.md", Encoding.UTF8.GetBytes(Handbook(d)))]));
        }

        var parse = Stopwatch.StartNew();
        var chunks = await WaitUntilReadyAsync(controlPlane, token, instance.Id, uploaded.Count);
        output.WriteLine($"Knowledge: {uploaded.Count} documents parsed into {chunks} passages in {parse.Elapsed.TotalSeconds:0.0} s.");

        // Warm-up (JIT, connection pool), then the measured series.
        for (var i = 0; i < 50; i++)
        {
            await controlPlane.SearchKnowledgeAsync(token, instance.Id, Question(i));
        }

        var latencies = new double[Searches];
        var empty = 0;
        for (var i = 0; i < Searches; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await controlPlane.SearchKnowledgeAsync(token, instance.Id, Question(i * 7 + 3));
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            empty += result.Chunks.Count == 0 ? 1 : 0;
        }

        Array.Sort(latencies);
        string P(double q) => latencies[(int)Math.Min(latencies.Length - 1, Math.Ceiling(q * latencies.Length) - 1)].ToString("0.00", CultureInfo.InvariantCulture);
        output.WriteLine($"Knowledge search through the Control Plane, {Searches} searches one at a time over {chunks} passages: " +
            $"p50 {P(0.50)} ms, p95 {P(0.95)} ms, p99 {P(0.99)} ms, mean {latencies.Average():0.00} ms; {empty} without a match.");
        return empty < Searches;
    }

    private static async Task<InstanceDto> ActiveTrialAsync(ControlPlaneUserClient controlPlane, string token)
    {
        var trial = await controlPlane.StartTrialAsync(token, "support-agent");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var instance = await controlPlane.GetInstanceAsync(token, trial.Id) ?? throw new InvalidOperationException("The trial disappeared.");
            if (instance.State == InstanceState.Active)
            {
                return instance;
            }

            if (instance.State == InstanceState.Failed || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The trial is {instance.State}: {instance.LastError}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<int> WaitUntilReadyAsync(ControlPlaneUserClient controlPlane, string token, Guid instanceId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var page = await controlPlane.ListKnowledgeAsync(token, instanceId, pageSize: 100) ?? throw new InvalidOperationException("No documents.");
            if (page.Items.Count == count && page.Items.All(d => KnowledgeDocumentStatuses.IsFinal(d.Status)))
            {
                var failed = page.Items.Where(d => d.Status != KnowledgeDocumentStatuses.Ready).Select(d => $"{d.Name}: {d.Error}").ToList();
                return failed.Count == 0 ? page.Items.Sum(d => d.ChunkCount) : throw new InvalidOperationException("Parsing failed: " + string.Join("; ", failed));
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The documents were not parsed within 5 minutes.");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>A deterministic handbook: paragraphs about topic × verb pairs with numbered details, about 1,000 characters each.</summary>
    private static string Handbook(int document)
    {
        var text = new StringBuilder($"# Handbook {document}\n\n");
        for (var p = 0; p < ParagraphsPerDocument; p++)
        {
            var topic = Topics[(document + p) % Topics.Length];
            var verb = Verbs[(document * 3 + p) % Verbs.Length];
            text.Append(CultureInfo.InvariantCulture, $"## How to {verb} a {topic} (section {document}.{p})\n\n");
            for (var s = 0; s < 8; s++)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"Step {s + 1}: to {verb} the {topic} item {document * 1000 + p * 10 + s}, open the {Topics[(p + s) % Topics.Length]} portal and follow the {Verbs[(s + p) % Verbs.Length]} procedure. ");
            }

            text.Append("\n\n");
        }

        return text.ToString();
    }

    private static string Question(int i) =>
        $"How do I {Verbs[i % Verbs.Length]} a {Topics[i / Verbs.Length % Topics.Length]} item {i % 997}?";
}
