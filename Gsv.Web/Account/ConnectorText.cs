using System.Globalization;
using System.Text.Json;
using Gsv.ControlPlane.Client;

namespace Gsv.Web.Account;

/// <summary>How the Connect tab words a connector's state, its tools and its audited calls.</summary>
public static class ConnectorText
{
    /// <summary>A tool's name for people: <c>github_create_issue</c> is "Create issue".</summary>
    public static string ToolLabel(string connector, string tool)
    {
        var shortName = tool.StartsWith(connector + "_", StringComparison.Ordinal) ? tool[(connector.Length + 1)..] : tool;
        var words = shortName.Replace('_', ' ').Trim();
        return words.Length == 0 ? tool : char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary>A bound field as the API shows it: a secret only as set and its last 4 characters, a setting with its value.</summary>
    public static string Shown(ConnectorFieldState field) => field switch
    {
        { Secret: true, Set: true, Last4: { Length: > 0 } last4 } => $"set ••••{last4}",
        { Secret: true, Set: true } => "set",
        { Secret: true } => "not set",
        { Value: { Length: > 0 } value } => value,
        _ => "not set",
    };

    public static string Outcome(string outcome) => outcome switch
    {
        ToolCallOutcomes.Succeeded => "Succeeded",
        ToolCallOutcomes.Failed => "Failed",
        ToolCallOutcomes.Refused => "Refused",
        _ => outcome,
    };

    public static string Duration(long milliseconds) => milliseconds < 1000
        ? $"{milliseconds} ms"
        : (milliseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string Date(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>What a test's answer says, and how long the upstream took to give it.</summary>
    public static string TestOutcome(string connector, ConnectorTestResult result) =>
        (result.Ok ? "Test passed: " : "Test failed: ") + result.Detail
        + (result.UpstreamStatus is null ? $" (after {Duration(result.DurationMs)})" : $" ({connector} answered in {Duration(result.DurationMs)})");

    /// <summary>The first message for each field of a validation problem's <c>errors</c>, by field name.</summary>
    public static Dictionary<string, string> FieldErrors(ControlPlaneProblemException problem)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (problem.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("errors", out var byField)
            && byField.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in byField.EnumerateObject())
            {
                var message = field.Value.ValueKind switch
                {
                    JsonValueKind.Array => field.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String)
                        .Select(m => m.GetString()).FirstOrDefault(m => !string.IsNullOrEmpty(m)),
                    JsonValueKind.String => field.Value.GetString(),
                    _ => null,
                };
                if (message is not null)
                {
                    errors[field.Name] = message;
                }
            }
        }

        return errors;
    }
}
