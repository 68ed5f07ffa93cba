using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Gsv.ControlPlane.Connectors;

/// <summary>Posts to the buyer's Slack workspace with their bot token, through Slack's Web API (<c>chat.postMessage</c>).</summary>
public sealed class SlackConnector : IConnector
{
    public string Key => "slack";

    public string Name => "Slack";

    public string Description => "Posts messages to a channel of your Slack workspace.";

    public IReadOnlyList<ConnectorField> Fields { get; } =
    [
        new("token", "Bot token", Secret: true, Required: true, Default: null,
            "The xoxb- token of a Slack app installed in your workspace, with the chat:write scope."),
        new("channel", "Default channel", Secret: false, Required: true, Default: null, "A channel ID or name the app is in, e.g. #support.",
            value => value.Length is > 0 and <= 80 && !value.Any(char.IsWhiteSpace) ? null : "Enter a channel ID or #name, without spaces."),
        new("apiUrl", "API URL", Secret: false, Required: false, Default: "https://slack.com/api", "Slack's Web API; leave as is.",
            ConnectorField.IsBaseUrl),
    ];

    public IReadOnlyList<ConnectorTool> Tools { get; } =
    [
        new("post_message", "Posts a message to the default channel, or to another channel the app is in.",
            """{"type":"object","properties":{"text":{"type":"string","minLength":1,"maxLength":40000},"channel":{"type":"string","description":"Channel ID or #name (default: the binding's channel)."}},"required":["text"]}"""),
    ];

    public async Task<ToolResult> CallAsync(HttpClient http, ConnectorCredentials credentials, ConnectorTool tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        if (tool.ShortName != "post_message")
        {
            throw new ArgumentOutOfRangeException(nameof(tool), tool.ShortName, "Not a Slack tool.");
        }

        var channel = (string?)arguments["channel"] is { Length: > 0 } named ? named : credentials["channel"];
        var response = await SendAsync(http, credentials, "chat.postMessage",
            new JsonObject { ["channel"] = channel, ["text"] = (string?)arguments["text"] }, cancellationToken);
        // Slack answers 200 with ok=false for refusals (invalid_auth, channel_not_found, not_in_channel…).
        return response.IsSuccess && (bool?)response.Json?["ok"] == true
            ? new ToolResult(false, $"Posted to {(string?)response.Json?["channel"] ?? channel} (message {(string?)response.Json?["ts"]}).", (int)response.Status)
            : Upstream.Failure("Posting the message", response, (string?)response.Json?["error"]);
    }

    public async Task<ToolResult> TestAsync(HttpClient http, ConnectorCredentials credentials, CancellationToken cancellationToken)
    {
        var response = await SendAsync(http, credentials, "auth.test", new JsonObject(), cancellationToken);
        return response.IsSuccess && (bool?)response.Json?["ok"] == true
            ? new ToolResult(false, $"Connected to Slack workspace {(string?)response.Json?["team"]} as {(string?)response.Json?["user"]}.", (int)response.Status)
            : Upstream.Failure("Connecting", response, (string?)response.Json?["error"]);
    }

    private static Task<UpstreamResponse> SendAsync(HttpClient http, ConnectorCredentials credentials, string method, JsonObject body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Upstream.BaseUrl(credentials["apiUrl"])!, method)) { Content = Upstream.Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials["token"]);
        return Upstream.SendAsync(http, request, cancellationToken);
    }
}
