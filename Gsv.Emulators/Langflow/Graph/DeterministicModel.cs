using System.Security.Cryptography;
using System.Text;

namespace Gsv.Emulators.Langflow.Graph;

/// <summary>Token counts as Langflow reports them in <c>properties.usage</c>.</summary>
public sealed record TokenUsage(int InputTokens, int OutputTokens)
{
    public int TotalTokens => InputTokens + OutputTokens;
}

/// <summary>What the model produced: the answer, the chunks it streams it in, and its usage.</summary>
public sealed record ModelAnswer(string Text, IReadOnlyList<string> Chunks, TokenUsage Usage);

/// <summary>
/// Stands in for the flow's LLM: the same system message and prompt always give the same answer, and different
/// prompts give different answers (a digest of both is part of the text), so callers can check what was run.
/// </summary>
public static class DeterministicModel
{
    public static ModelAnswer Answer(string modelName, string systemMessage, string prompt)
    {
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{modelName}\n{systemMessage}\n{prompt}")))[..12];
        var persona = FirstSentence(systemMessage) ?? "You are a helpful assistant.";
        var request = OneLine(prompt) ?? "(empty request)";
        var text = $"As instructed (\"{persona}\"), here is my answer to \"{request}\": response {digest} from {modelName}.";

        var chunks = Chunk(text);
        var inputTokens = EstimateTokens(systemMessage) + EstimateTokens(prompt);
        return new ModelAnswer(text, chunks, new TokenUsage(inputTokens, chunks.Count));
    }

    /// <summary>Roughly four characters per token, as tokenizers average on English text.</summary>
    public static int EstimateTokens(string text) => text.Length == 0 ? 0 : (text.Length + 3) / 4;

    /// <summary>Word-sized chunks that concatenate back to the text exactly (each keeps its trailing space).</summary>
    public static IReadOnlyList<string> Chunk(string text)
    {
        var chunks = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ' || i == text.Length - 1)
            {
                chunks.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        return chunks;
    }

    private static string? FirstSentence(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        var end = trimmed.IndexOfAny(['.', '!', '?', '\n']);
        var sentence = end < 0 ? trimmed : trimmed[..(end + 1)].TrimEnd('\n');
        return Shorten(sentence, 120);
    }

    /// <summary>
    /// The prompt on one line (whitespace collapsed), so the answer reflects what the model was given — up to
    /// <see cref="MaxEcho"/> characters: enough for a question and the first passages of a knowledge prompt.
    /// </summary>
    private static string? OneLine(string text)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length == 0 ? null : Shorten(line, MaxEcho);
    }

    public const int MaxEcho = 1000;

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
