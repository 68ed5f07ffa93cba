using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Runs;
using Gsv.Langflow;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Connectors;

/// <summary>
/// The MCP server a run of an instance with connectors is given: the Gateway's <c>/mcp</c> endpoint and a run token for
/// that instance and run, as the value of the flow's MCP Tools server field (<see cref="FlowTemplate.McpInput"/>).
/// </summary>
public sealed class RunTools(FlowTemplateCatalog templates, RunTokens tokens, IOptions<GatewayOptions> options, IServer server)
{
    private string? _ownUrl;

    /// <summary>The MCP server's name as the flow's MCP Tools component shows it.</summary>
    public const string ServerName = "gsv";

    /// <summary>The tweak for the run (component, field, value), or null when the instance's flow calls no tools.</summary>
    public (string Component, string Field, JsonObject Value)? ServerFor(InstanceDto instance, Guid runId)
    {
        if (instance.Connectors.Count == 0 || instance.FlowTemplate is not { } name || templates.Find(name)?.McpInput is not var (component, field))
        {
            return null;
        }

        var url = options.Value.McpUrl ?? (_ownUrl ??= OwnUrl()) ?? throw new InvalidOperationException(
            $"Instance {instance.Id} uses connectors but Gateway:McpUrl is not set: its flow cannot reach the Gateway's MCP endpoint.");
        var token = tokens.Mint(instance.Id, instance.WorkspaceId, runId);
        return (component, field, new JsonObject
        {
            ["name"] = ServerName,
            ["config"] = new JsonObject
            {
                ["url"] = url,
                ["headers"] = new JsonObject { ["Authorization"] = $"Bearer {token}" },
            },
        });
    }

    /// <summary>
    /// This gateway's own <c>/mcp</c> on the address it listens on (a wildcard host as loopback), for a Langflow on the
    /// same machine (local mode); null when it listens on no http address.
    /// </summary>
    private string? OwnUrl()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (address is null)
        {
            return null;
        }

        var uri = new Uri(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1"));
        return new Uri(uri, McpToolsServer.Path).ToString();
    }
}
