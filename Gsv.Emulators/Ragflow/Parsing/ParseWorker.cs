using System.Diagnostics;
using Gsv.Emulators.Ragflow.Store;

namespace Gsv.Emulators.Ragflow.Parsing;

/// <summary>
/// RAGFlow's task executor in miniature: takes <see cref="ParseJob"/>s off the <see cref="ParseQueue"/>, up to
/// <see cref="Concurrency"/> at a time, parses each document (<see cref="DocumentParser"/>) and, after
/// <c>Ragflow:ParseDelayMs</c> (default 300 ms, so RUNNING can be observed), reports DONE or FAIL to the store. A job
/// whose document was stopped, re-parsed or deleted meanwhile is dropped by the store.
/// </summary>
public sealed class ParseWorker(ParseQueue queue, RagflowStore store, IConfiguration configuration, ILogger<ParseWorker> logger) : BackgroundService
{
    public const int Concurrency = 4;
    public const int DefaultParseDelayMs = 300;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(configuration.GetValue("Ragflow:ParseDelayMs", DefaultParseDelayMs));
        using var slots = new SemaphoreSlim(Concurrency);
        var running = new List<Task>();
        try
        {
            await foreach (var job in queue.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await ProcessAsync(job, delay, stoppingToken);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running);
    }

    private async Task ProcessAsync(ParseJob job, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            if (store.BeginParse(job) is not { } work)
            {
                return;
            }

            var watch = Stopwatch.StartNew();
            var outcome = DocumentParser.Parse(work.Document, work.Content);
            if (outcome.Error is null)
            {
                store.ReportProgress(job, 0.6, $"Generate {outcome.Chunks.Count} chunks");
            }

            await Task.Delay(delay, stoppingToken);
            store.CompleteParse(job, outcome, watch.Elapsed);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Parse of document {DocumentId} interrupted by shutdown; it is re-queued at the next start", job.DocumentId);
        }
        catch (Exception failure)
        {
            logger.LogError(failure, "Parse of document {DocumentId} failed unexpectedly", job.DocumentId);
            store.CompleteParse(job, new ParseOutcome([], $"Internal error while parsing: {failure.Message}"), TimeSpan.Zero);
        }
    }
}
