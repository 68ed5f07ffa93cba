using System.Text;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Runs;
using Gsv.Gateway.Observability;
using Gsv.Langflow;
using Gsv.Ragflow;

namespace Gsv.Gateway.Knowledge;

/// <summary>
/// Retrieves, for a run of a knowledge instance, the passages of the instance's own RAGFlow dataset (its id comes from
/// the instance record, never from the caller) that best match the input, and renders them for the flow's context
/// input (<see cref="FlowTemplate.ContextInput"/>). Instances whose template takes no context get nothing.
/// </summary>
public sealed class KnowledgeRetriever(RagflowClient ragflow, FlowTemplateCatalog templates)
{
    /// <summary>Passages given to a run at most.</summary>
    public const int TopChunks = 5;

    /// <summary>Characters of passages given to a run at most (the prompt must stay far below a model's window).</summary>
    public const int MaxContextCharacters = 6000;

    public const string NoPassages = "(No passage of the buyer's documents matches this request.)";

    /// <summary>Null when the instance's flow takes no context; else the passages (possibly none) for this input.</summary>
    public async Task<RunContext?> RetrieveAsync(InstanceDto instance, string input, ServerTiming timing, CancellationToken cancellationToken)
    {
        if (!instance.Knowledge || instance.FlowTemplate is not { } name || templates.Find(name)?.ContextInput is not var (component, field))
        {
            return null;
        }

        if (instance.KnowledgeBaseId is not { Length: > 0 } dataset)
        {
            return new RunContext(component, field, NoPassages, 0, []);
        }

        var since = timing.Begin();
        try
        {
            var result = await ragflow.RetrieveAsync(new RetrievalRequest(input, [dataset], PageSize: TopChunks), cancellationToken);
            return Render(component, field, result.Chunks);
        }
        finally
        {
            timing.AddRetrieval(since);
        }
    }

    /// <summary>Numbered passages, best first, each with its document's name, within <see cref="MaxContextCharacters"/>.</summary>
    public static RunContext Render(string component, string field, IReadOnlyList<RetrievedChunk> chunks)
    {
        var text = new StringBuilder();
        var documents = new List<string>();
        var used = 0;
        foreach (var chunk in chunks)
        {
            var passage = $"[{used + 1}] {chunk.DocumentKeyword ?? chunk.DocumentId}: {chunk.Content.Trim()}";
            if (used > 0 && text.Length + passage.Length + 2 > MaxContextCharacters)
            {
                break;
            }

            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            text.Append(passage.Length > MaxContextCharacters ? passage[..MaxContextCharacters] : passage);
            used++;
            if (!documents.Contains(chunk.DocumentId))
            {
                documents.Add(chunk.DocumentId);
            }
        }

        return new RunContext(component, field, used == 0 ? NoPassages : text.ToString(), used, documents);
    }
}
