using System.Threading.Channels;

namespace Gsv.Emulators.Ragflow.Parsing;

/// <summary>A request to parse one document; stale when the document's generation has moved on (re-parsed or stopped).</summary>
public sealed record ParseJob(string DocumentId, int Generation);

/// <summary>The task queue between <c>POST …/chunks</c> and the <see cref="ParseWorker"/>, like RAGFlow's Redis task queue.</summary>
public sealed class ParseQueue
{
    private readonly Channel<ParseJob> _jobs = Channel.CreateUnbounded<ParseJob>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(ParseJob job) => _jobs.Writer.TryWrite(job);

    public IAsyncEnumerable<ParseJob> ReadAllAsync(CancellationToken cancellationToken) => _jobs.Reader.ReadAllAsync(cancellationToken);
}
