using System.Text;
using Gsv.ServiceDefaults.Problems;

namespace Gsv.Gateway.Problems;

/// <summary>The gateway's own problem codes (next to <see cref="GsvProblems"/>), and how its messages quote a caller's input.</summary>
public static class GatewayProblems
{
    public const string TweakNotAllowed = "tweak_not_allowed";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";

    /// <summary>Most characters of a caller's input an error message quotes.</summary>
    public const int MaxQuoted = 100;

    /// <summary>
    /// A caller's text as an error message may quote it: at most <see cref="MaxQuoted"/> characters, control and
    /// formatting characters (line breaks, ESC, bidi overrides) shown as <c>?</c>.
    /// </summary>
    public static string Quote(string text)
    {
        var clipped = text.Length > MaxQuoted ? text[..MaxQuoted] : text;
        var quoted = new StringBuilder(clipped.Length + 1);
        foreach (var c in clipped)
        {
            quoted.Append(char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format ? '?' : c);
        }

        return text.Length > MaxQuoted ? quoted.Append('…').ToString() : quoted.ToString();
    }

    public static IResult Validation(string field, string message) =>
        GsvProblems.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult TooLarge(long limit) =>
        GsvProblems.Problem(PayloadTooLarge, StatusCodes.Status413PayloadTooLarge, "Request body too large",
            $"The body of this request may have at most {limit} bytes.", new Dictionary<string, object?> { ["limit"] = limit });
}
