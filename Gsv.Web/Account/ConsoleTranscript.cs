using System.Text.Json;

namespace Gsv.Web.Account;

/// <summary>One exchange of the console: the buyer's message and the answer (or what went wrong).</summary>
public sealed record ConsoleTurn(string Message, string Answer, bool Failed = false);

/// <summary>
/// The conversation so far, carried by the console's form from one message to the next (the page keeps no server
/// state): the last <see cref="MaxTurns"/> exchanges, at most <see cref="MaxChars"/> characters in all. A transcript
/// that does not parse (edited by hand, cut) starts empty; it is only ever shown back, encoded, to the same user.
/// </summary>
public static class ConsoleTranscript
{
    public const int MaxTurns = 10;
    public const int MaxChars = 50_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<ConsoleTurn> Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxChars * 2)
        {
            return [];
        }

        try
        {
            var turns = JsonSerializer.Deserialize<List<ConsoleTurn>>(text, Json);
            return turns is null || turns.Any(t => t is null || t.Message is null || t.Answer is null) ? [] : Bounded(turns);
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static string Serialize(IEnumerable<ConsoleTurn> turns) => JsonSerializer.Serialize(Bounded(turns.ToList()), Json);

    /// <summary>The newest turns that fit both bounds.</summary>
    private static List<ConsoleTurn> Bounded(List<ConsoleTurn> turns)
    {
        var kept = new List<ConsoleTurn>();
        var chars = 0;
        for (var i = turns.Count - 1; i >= 0 && kept.Count < MaxTurns; i--)
        {
            chars += turns[i].Message.Length + turns[i].Answer.Length;
            if (chars > MaxChars)
            {
                break;
            }

            kept.Insert(0, turns[i]);
        }

        return kept;
    }
}
