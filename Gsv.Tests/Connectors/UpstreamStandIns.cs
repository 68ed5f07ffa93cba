using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gsv.Tests.Connectors;

/// <summary>A request a stand-in received: what a test asserts (the buyer's token was used, the body sent).</summary>
public sealed record UpstreamRequest(string Method, string Path, string? Authorization, string Body);

/// <summary>
/// Local HTTP servers playing the upstreams of the connectors, on 127.0.0.1 and a free port, with the real paths and
/// JSON shapes the tools use:
/// GitHub's REST API under <c>/github/</c> (<c>GET /repos/{owner}/{repo}</c>, <c>GET|POST /repos/{owner}/{repo}/issues</c>,
/// <c>POST /repos/{owner}/{repo}/issues/{n}/comments</c>; 401 <c>Bad credentials</c> for an unknown token, 404 for another
/// repository), Slack's Web API under <c>/slack/api/</c> (<c>auth.test</c>, <c>chat.postMessage</c>; 200 with
/// <c>ok: false, error: invalid_auth</c> for an unknown token) and a small JSON API under <c>/crm/</c>. Every request
/// is recorded.
/// </summary>
public sealed class UpstreamStandIns : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<UpstreamRequest> _requests = new();
    private readonly ConcurrentDictionary<string, List<JsonObject>> _issues = new();
    private readonly ConcurrentDictionary<string, byte> _tokens = new();
    private int _nextIssue = 41;

    private UpstreamStandIns(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The <c>apiUrl</c> of a GitHub binding that talks to this stand-in.</summary>
    public string GitHubApiUrl => new Uri(BaseAddress, "github/").ToString();

    public string SlackApiUrl => new Uri(BaseAddress, "slack/api/").ToString();

    public string CrmBaseUrl => new Uri(BaseAddress, "crm/").ToString();

    public IReadOnlyList<UpstreamRequest> Requests => [.. _requests];

    /// <summary>Lets <paramref name="token"/> in (GitHub and Slack refuse any other).</summary>
    public string Accept(string token)
    {
        _tokens[token] = 0;
        return token;
    }

    /// <summary>A fresh token the stand-ins accept, long enough to show a hint.</summary>
    public string NewToken(string prefix) => Accept($"{prefix}_{Guid.NewGuid():N}");

    public static async Task<UpstreamStandIns> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIns = new UpstreamStandIns(app);
        standIns.Map(app);
        await app.StartAsync();
        standIns.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return standIns;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            _requests.Enqueue(new UpstreamRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null, body));
            await next(context);
        });

        var github = app.MapGroup("/github/repos/{owner}/{repo}");
        github.AddEndpointFilter(async (context, next) =>
            BearerAccepted(context.HttpContext) ? await next(context)
            : Results.Json(new JsonObject { ["message"] = "Bad credentials", ["documentation_url"] = "https://docs.github.com/rest" }, statusCode: 401));
        github.MapGet("", (string owner, string repo) => owner == "octo-org"
            ? Results.Json(new JsonObject { ["id"] = 1296269, ["full_name"] = $"{owner}/{repo}", ["private"] = true, ["has_issues"] = true })
            : Results.Json(new JsonObject { ["message"] = "Not Found" }, statusCode: 404));
        github.MapGet("/issues", (string owner, string repo, string? state) => Results.Json(new JsonArray(
            [.. Issues(owner, repo).Where(i => state is "all" || (string?)i["state"] == (state ?? "open")).Reverse().Select(i => i.DeepClone())])));
        github.MapPost("/issues", async (string owner, string repo, HttpRequest request) =>
        {
            var input = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            if ((string?)input["title"] is not { Length: > 0 } title)
            {
                return Results.Json(new JsonObject { ["message"] = "Validation Failed" }, statusCode: 422);
            }

            var number = Interlocked.Increment(ref _nextIssue);
            var issue = new JsonObject
            {
                ["id"] = 1_000_000 + number, ["number"] = number, ["title"] = title, ["body"] = (string?)input["body"], ["state"] = "open",
                ["html_url"] = $"https://github.com/{owner}/{repo}/issues/{number}",
            };
            lock (Issues(owner, repo))
            {
                Issues(owner, repo).Add(issue);
            }

            return Results.Json(issue.DeepClone(), statusCode: 201);
        });
        github.MapPost("/issues/{number:int}/comments", async (string owner, string repo, int number, HttpRequest request) =>
        {
            var input = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            return Issues(owner, repo).Any(i => (int?)i["number"] == number)
                ? Results.Json(new JsonObject
                {
                    ["id"] = 9000 + number, ["body"] = (string?)input["body"],
                    ["html_url"] = $"https://github.com/{owner}/{repo}/issues/{number}#issuecomment-{9000 + number}",
                }, statusCode: 201)
                : Results.Json(new JsonObject { ["message"] = "Not Found" }, statusCode: 404);
        });

        app.MapPost("/slack/api/auth.test", (HttpContext context) => BearerAccepted(context)
            ? Results.Json(new JsonObject { ["ok"] = true, ["url"] = "https://acme.slack.com/", ["team"] = "Acme", ["user"] = "gsv-bot", ["team_id"] = "T0001" })
            : Results.Json(new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" }));
        app.MapPost("/slack/api/chat.postMessage", async (HttpContext context) =>
        {
            if (!BearerAccepted(context))
            {
                return Results.Json(new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" });
            }

            var input = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            return (string?)input["channel"] is { Length: > 0 } channel
                ? Results.Json(new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = "1733389200.000100", ["message"] = new JsonObject { ["text"] = (string?)input["text"] } })
                : Results.Json(new JsonObject { ["ok"] = false, ["error"] = "channel_not_found" });
        });

        app.MapMethods("/crm/{**path}", ["GET", "POST", "PUT", "PATCH", "DELETE"], (HttpContext context, string? path) =>
            BearerAccepted(context)
                ? Results.Json(new JsonObject { ["path"] = path ?? "", ["method"] = context.Request.Method, ["customers"] = new JsonArray("Ada", "Grace") })
                : Results.Json(new JsonObject { ["error"] = "unauthorized" }, statusCode: 401));
    }

    private List<JsonObject> Issues(string owner, string repo) => _issues.GetOrAdd($"{owner}/{repo}", _ => []);

    private bool BearerAccepted(HttpContext context) =>
        context.Request.Headers.Authorization.ToString() is var header && header.StartsWith("Bearer ", StringComparison.Ordinal)
        && _tokens.ContainsKey(header["Bearer ".Length..]);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
