using System.Text.Json.Nodes;

namespace Gsv.Emulators.Ragflow.Store;

/// <summary>
/// The server-side defaults a dataset's <c>parser_config</c> is merged with (contract §3.1, the <c>naive</c> method).
/// The emulator chunks every method the same way and reads only <c>chunk_token_num</c>.
/// </summary>
public static class ParserConfigDefaults
{
    public const int ChunkTokenNum = 512;

    public static readonly string[] ChunkMethods =
        ["naive", "book", "email", "laws", "manual", "one", "paper", "picture", "presentation", "qa", "table", "tag"];

    public static JsonObject Naive() => new()
    {
        ["chunk_token_num"] = ChunkTokenNum,
        ["delimiter"] = "\n",
        ["auto_keywords"] = 0,
        ["auto_questions"] = 0,
        ["layout_recognize"] = "DeepDOC",
        ["html4excel"] = false,
        ["raptor"] = new JsonObject { ["use_raptor"] = false },
        ["graphrag"] = new JsonObject { ["use_graphrag"] = false },
    };

    /// <summary>The defaults with <paramref name="supplied"/> merged in, objects merged key by key.</summary>
    public static JsonObject Merge(JsonObject baseConfig, JsonObject? supplied)
    {
        var merged = (JsonObject)baseConfig.DeepClone();
        if (supplied is null)
        {
            return merged;
        }

        foreach (var (key, value) in supplied)
        {
            merged[key] = value is JsonObject inner && merged[key] is JsonObject existing
                ? Merge(existing, inner)
                : value?.DeepClone();
        }

        return merged;
    }

    /// <summary>The configured chunk size in tokens (1..2048 in RAGFlow's validation; the default otherwise).</summary>
    public static int ChunkTokens(JsonObject? config) =>
        config?["chunk_token_num"] is JsonValue value && value.TryGetValue<int>(out var tokens) && tokens > 0 ? tokens : ChunkTokenNum;
}
