using System.Net;
using System.Text.Json;
using Gsv.ControlPlane.Client;
using Microsoft.AspNetCore.Authentication;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gsv.Gateway.Connectors;

/// <summary>
/// The Gateway's MCP endpoint (<c>/mcp</c>, streamable HTTP, stateless so any replica answers): the tools of the run
/// token's instance. <c>tools/list</c> asks the Control Plane for the instance's bound connectors and allow-lists each
/// time; every <c>tools/call</c> goes to the Control Plane, which checks the binding again before calling the upstream,
/// so a revoke refuses calls even in a session opened before it. An upstream's refusal is a tool result with
/// <c>isError</c>; a tool that is not (or no longer) available is a JSON-RPC error.
/// </summary>
public static class McpToolsServer
{
    public const string Path = "/mcp";

    public static WebApplicationBuilder AddMcpTools(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RunTokens>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, RunTokenAuthenticationHandler>(RunTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(RunTokenAuthenticationHandler.PolicyName, policy =>
            policy.AddAuthenticationSchemes(RunTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        builder.Services.AddMcpServer(options => options.ServerInfo = new Implementation { Name = "gsv-connectors", Version = "1.0" })
            .WithHttpTransport(options => options.Stateless = true)
            .WithListToolsHandler(ListToolsAsync)
            .WithCallToolHandler(CallToolAsync);
        return builder;
    }

    public static IEndpointRouteBuilder MapMcpTools(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).RequireAuthorization(RunTokenAuthenticationHandler.PolicyName).WithTags("MCP");
        return app;
    }

    private static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> context, CancellationToken cancellationToken)
    {
        var grant = GrantOf(context);
        var tools = await ControlPlane(context).GetInstanceToolsAsync(grant.InstanceId, cancellationToken);
        return new ListToolsResult
        {
            Tools = [.. (tools?.Tools ?? []).Select(t => new Tool { Name = t.Name, Description = t.Description, InputSchema = t.InputSchema })],
        };
    }

    private static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        var grant = GrantOf(context);
        var name = context.Params?.Name ?? throw new McpProtocolException("A tool name is required.", McpErrorCode.InvalidParams);
        var arguments = context.Params.Arguments is { } given ? JsonSerializer.SerializeToElement(given) : (JsonElement?)null;
        ToolCallResultDto result;
        try
        {
            result = await ControlPlane(context).CallToolAsync(grant.InstanceId, name, new ToolCallRequest(arguments, grant.RunId), cancellationToken);
        }
        catch (ControlPlaneProblemException refused) when (refused.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            throw new McpProtocolException(refused.Detail ?? refused.Message, McpErrorCode.InvalidParams);
        }

        return new CallToolResult { IsError = result.IsError, Content = [new TextContentBlock { Text = result.Text }] };
    }

    private static RunTokenGrant GrantOf(MessageContext context) =>
        RunTokenAuthenticationHandler.GrantOf(context.User)
        ?? throw new McpProtocolException("A run token is required.", McpErrorCode.InvalidRequest);

    private static ControlPlaneClient ControlPlane(MessageContext context) =>
        (context.Services ?? throw new InvalidOperationException("The MCP request has no services.")).GetRequiredService<ControlPlaneClient>();
}
