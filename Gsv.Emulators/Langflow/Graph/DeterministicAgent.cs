using System.Text;
using System.Text.Json;

namespace Gsv.Emulators.Langflow.Graph;

/// <summary>
/// Stands in for Langflow's Agent (a tool-calling agent over an LLM) with a deterministic rule in place of the model's
/// tool choice, so runs that use connector tools can be checked:
/// <list type="bullet">
/// <item>The answer starts with <see cref="DeterministicModel"/>'s answer to the agent's instructions and input.</item>
/// <item>When the input names a listed tool exactly, that tool is called once, with the first JSON object of the input
/// as its arguments (<c>{}</c> when there is none), and the answer ends with <c>Tool &lt;name&gt; returned: &lt;text&gt;</c>,
/// or <c>Tool &lt;name&gt; failed: &lt;message&gt;</c> when the result is an error or the call raises an MCP error (the run
/// still succeeds: the agent reports the failure, as an LLM would).</item>
/// <item>Otherwise, with tools connected, the answer ends with <c>Tools available: a, b, c</c>.</item>
/// </list>
/// </summary>
public static class DeterministicAgent
{
    /// <summary>Braces tried as the start of the arguments object (bounds the work on inputs full of braces).</summary>
    private const int MaxArgumentCandidates = 64;

    public static async Task<ModelAnswer> AnswerAsync(
        string modelName, string systemPrompt, string input, IReadOnlyList<McpToolset> toolsets, CancellationToken cancellationToken)
    {
        var model = DeterministicModel.Answer(modelName, systemPrompt, input);
        if (toolsets.Count == 0)
        {
            return model;
        }

        string line;
        var observationTokens = 0;
        if (NamedTool(input, toolsets) is var (toolset, tool))
        {
            var outcome = await toolset.CallAsync(tool, Arguments(input), cancellationToken);
            line = outcome.Failed ? $"Tool {tool} failed: {outcome.Text}" : $"Tool {tool} returned: {outcome.Text}";
            observationTokens = DeterministicModel.EstimateTokens(outcome.Text);      // the result goes back to the model
        }
        else
        {
            line = $"Tools available: {string.Join(", ", toolsets.SelectMany(t => t.ToolNames))}";
        }

        var text = $"{model.Text}\n{line}";
        var chunks = DeterministicModel.Chunk(text);
        return new ModelAnswer(text, chunks, new TokenUsage(model.Usage.InputTokens + observationTokens, chunks.Count));
    }

    /// <summary>
    /// The tool whose exact name appears first in the input (not as part of a longer name); the first server's when
    /// two servers list the same name. Null when none is named.
    /// </summary>
    public static (McpToolset Toolset, string Tool)? NamedTool(string input, IReadOnlyList<McpToolset> toolsets)
    {
        (McpToolset, string)? best = null;
        var bestIndex = int.MaxValue;
        foreach (var toolset in toolsets)
        {
            foreach (var name in toolset.ToolNames)
            {
                var index = IndexOfName(input, name);
                if (index >= 0 && index < bestIndex)
                {
                    (best, bestIndex) = ((toolset, name), index);
                }
            }
        }

        return best;
    }

    /// <summary>The first JSON object in the text (<c>{...}</c>), as tool arguments; empty when there is none.</summary>
    public static IReadOnlyDictionary<string, object?> Arguments(string text)
    {
        var start = -1;
        for (var attempt = 0; attempt < MaxArgumentCandidates; attempt++)
        {
            start = text.IndexOf('{', start + 1);
            if (start < 0)
            {
                break;
            }

            if (ObjectAt(text, start) is { } arguments)
            {
                return arguments;
            }
        }

        return new Dictionary<string, object?>();
    }

    private static Dictionary<string, object?>? ObjectAt(string text, int start)
    {
        var bytes = Encoding.UTF8.GetBytes(text[start..]);
        try
        {
            var reader = new Utf8JsonReader(bytes, isFinalBlock: true, state: default);
            reader.Read();
            reader.Skip();                                   // to the matching '}'; what follows the object is not read
            using var document = JsonDocument.Parse(bytes.AsMemory(0, (int)reader.BytesConsumed));
            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int IndexOfName(string input, string name)
    {
        if (name.Length == 0)
        {
            return -1;
        }

        for (var index = input.IndexOf(name, StringComparison.Ordinal); index >= 0; index = input.IndexOf(name, index + 1, StringComparison.Ordinal))
        {
            var before = index == 0 ? ' ' : input[index - 1];
            var after = index + name.Length == input.Length ? ' ' : input[index + name.Length];
            if (!IsNameCharacter(before) && !IsNameCharacter(after))
            {
                return index;
            }
        }

        return -1;
    }

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
