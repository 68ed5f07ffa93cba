using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gsv.ControlPlane.Connectors;

/// <summary>
/// GitHub issues of one repository, with the buyer's token (a fine-grained or classic personal access token), through
/// GitHub's REST API (<c>api.github.com</c>, or a GitHub Enterprise Server's <c>https://HOST/api/v3</c>).
/// </summary>
public sealed partial class GitHubConnector : IConnector
{
    public string Key => "github";

    public string Name => "GitHub";

    public string Description => "Lists, opens and comments on issues of one repository.";

    public IReadOnlyList<ConnectorField> Fields { get; } =
    [
        new("token", "Personal access token", Secret: true, Required: true, Default: null,
            "A GitHub token with read and write access to the repository's issues."),
        new("repository", "Repository", Secret: false, Required: true, Default: null, "owner/name, e.g. octo-org/website.",
            value => RepositoryPattern().IsMatch(value) ? null : "Enter the repository as owner/name."),
        new("apiUrl", "API URL", Secret: false, Required: false, Default: "https://api.github.com",
            "Leave as is for github.com; GitHub Enterprise Server: https://HOST/api/v3.", ConnectorField.IsBaseUrl),
    ];

    public IReadOnlyList<ConnectorTool> Tools { get; } =
    [
        new("list_issues", "Lists the repository's issues, newest first.",
            """{"type":"object","properties":{"state":{"type":"string","enum":["open","closed","all"],"description":"Which issues (default open)."},"limit":{"type":"integer","minimum":1,"maximum":50,"description":"At most this many (default 10)."}}}"""),
        new("create_issue", "Opens an issue in the repository.",
            """{"type":"object","properties":{"title":{"type":"string","minLength":1,"maxLength":256},"body":{"type":"string","maxLength":65536}},"required":["title"]}"""),
        new("comment_issue", "Adds a comment to an issue of the repository.",
            """{"type":"object","properties":{"issue_number":{"type":"integer","minimum":1},"body":{"type":"string","minLength":1,"maxLength":65536}},"required":["issue_number","body"]}"""),
    ];

    public async Task<ToolResult> CallAsync(HttpClient http, ConnectorCredentials credentials, ConnectorTool tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var repository = credentials["repository"];
        switch (tool.ShortName)
        {
            case "list_issues":
            {
                var state = (string?)arguments["state"] is "closed" or "all" ? (string)arguments["state"]! : "open";
                var limit = Math.Clamp(arguments["limit"]?.GetValue<int>() ?? 10, 1, 50);
                var response = await SendAsync(http, credentials, HttpMethod.Get, $"repos/{repository}/issues?state={state}&per_page={limit}", null, cancellationToken);
                if (!response.IsSuccess)
                {
                    return Upstream.Failure("Listing issues", response);
                }

                var text = new StringBuilder();
                foreach (var issue in response.Json?.AsArray() ?? [])
                {
                    text.Append('#').Append((int?)issue?["number"]).Append(' ').Append((string?)issue?["title"])
                        .Append(" (").Append((string?)issue?["state"]).AppendLine(")");
                }

                return new ToolResult(false, text.Length == 0 ? $"No {state} issues in {repository}." : text.ToString().TrimEnd(), (int)response.Status);
            }

            case "create_issue":
            {
                var body = new JsonObject { ["title"] = (string?)arguments["title"] };
                if ((string?)arguments["body"] is { } text)
                {
                    body["body"] = text;
                }

                var response = await SendAsync(http, credentials, HttpMethod.Post, $"repos/{repository}/issues", body, cancellationToken);
                return response.IsSuccess
                    ? new ToolResult(false, $"Created issue #{(int?)response.Json?["number"]} in {repository}: {(string?)response.Json?["html_url"]}", (int)response.Status)
                    : Upstream.Failure("Creating the issue", response);
            }

            case "comment_issue":
            {
                var number = arguments["issue_number"]!.GetValue<int>();
                var response = await SendAsync(http, credentials, HttpMethod.Post, $"repos/{repository}/issues/{number}/comments",
                    new JsonObject { ["body"] = (string?)arguments["body"] }, cancellationToken);
                return response.IsSuccess
                    ? new ToolResult(false, $"Commented on issue #{number} in {repository}: {(string?)response.Json?["html_url"]}", (int)response.Status)
                    : Upstream.Failure($"Commenting on issue #{number}", response);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(tool), tool.ShortName, "Not a GitHub tool.");
        }
    }

    public async Task<ToolResult> TestAsync(HttpClient http, ConnectorCredentials credentials, CancellationToken cancellationToken)
    {
        var repository = credentials["repository"];
        var response = await SendAsync(http, credentials, HttpMethod.Get, $"repos/{repository}", null, cancellationToken);
        return response.IsSuccess
            ? new ToolResult(false, $"Connected to {(string?)response.Json?["full_name"] ?? repository}.", (int)response.Status)
            : (int)response.Status switch
            {
                401 => Upstream.Failure("Connecting", response, "GitHub refused the token."),
                403 or 404 => Upstream.Failure("Connecting", response, $"{repository} does not exist or this token cannot see it."),
                _ => Upstream.Failure("Connecting", response),
            };
    }

    private static Task<UpstreamResponse> SendAsync(
        HttpClient http, ConnectorCredentials credentials, HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(Upstream.BaseUrl(credentials["apiUrl"])!, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials["token"]);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.UserAgent.ParseAdd("GSV-Connectors/1.0");
        if (body is not null)
        {
            request.Content = Upstream.Json(body);
        }

        return Upstream.SendAsync(http, request, cancellationToken);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")]
    private static partial Regex RepositoryPattern();
}
