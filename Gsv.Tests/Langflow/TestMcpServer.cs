using System.Collections.Concurrent;
using System.ComponentModel;
using System.Net;
using System.Text.Json.Nodes;
using Gsv.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gsv.Tests.Langflow;

/// <summary>
/// A small real MCP server (streamable HTTP at <c>/mcp</c>, ModelContextProtocol.AspNetCore on Kestrel, a random
/// loopback port) behind a bearer check, standing in for the Gateway's per-run connector endpoint. Two tools:
/// <c>github_list_issues</c> answers, <c>github_create_issue</c> returns an error result. Calls are recorded.
/// </summary>
public sealed class TestMcpServer : IAsyncLifetime
{
    public const string Token = "run-token-7f3a";
    public const string ListIssues = "github_list_issues";
    public const string CreateIssue = "github_create_issue";
    public const string CreateIssueError = "GitHub answered 403: Resource not accessible by integration";

    private WebApplication? _app;

    /// <summary>The tools called, in order, with the arguments the server received.</summary>
    public ConcurrentQueue<(string Tool, JsonObject Arguments)> Calls { get; } = new();

    /// <summary>The Authorization headers of the requests that reached <c>/mcp</c>.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>The tweak the Gateway sends for a run: this server, with <paramref name="token"/> as the bearer run token.</summary>
    public JsonObject Tweak(string component, string token = Token) => new()
    {
        [component] = new JsonObject
        {
            ["mcp_server"] = new JsonObject
            {
                ["name"] = "gsv",
                ["config"] = new JsonObject
                {
                    ["url"] = Url.ToString(),
                    ["headers"] = new JsonObject { ["Authorization"] = $"Bearer {token}" },
                },
            },
        },
    };

    public async Task InitializeAsync()
    {
        _app = await LoopbackHttpServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                var authorization = context.Request.Headers.Authorization.ToString();
                Authorizations.Enqueue(authorization);
                if (authorization != $"Bearer {Token}")
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    return;
                }

                await next(context);
            });
            app.MapMcp("/mcp");
        }, builder =>
        {
            builder.Services.AddMcpServer()
                .WithHttpTransport()
                .WithTools(
                [
                    McpServerTool.Create(
                        ([Description("owner/name")] string repo, [Description("open or closed")] string state = "open") =>
                        {
                            Calls.Enqueue((ListIssues, new JsonObject { ["repo"] = repo, ["state"] = state }));
                            return $"{repo}: 2 {state} issues: #7 Login fails on Safari; #9 Dark mode";
                        },
                        new McpServerToolCreateOptions { Name = ListIssues, Description = "Lists a repository's issues." }),
                    McpServerTool.Create(
                        ([Description("owner/name")] string repo, string title) =>
                        {
                            Calls.Enqueue((CreateIssue, new JsonObject { ["repo"] = repo, ["title"] = title }));
                            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = CreateIssueError }] };
                        },
                        new McpServerToolCreateOptions { Name = CreateIssue, Description = "Opens an issue." }),
                ]);
        });
        Url = _app.Url("/mcp");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
