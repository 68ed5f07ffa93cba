using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Connectors;

/// <summary>
/// The MCP server a run of an instance with connectors is given: the Gateway's <c>/mcp</c> endpoint and a run token for
/// that instance and run, as the value of the flow's MCP Tools server field (<see cref="FlowTemplate.McpInput"/>).
/// </summary>
public sealed class RunTools(FlowTemplates? templates, RunTokens tokens, IOptions<GatewayOptions> options)
{
    /// <summary>The MCP server's name as the flow's MCP Tools component shows it.</summary>
    public const string ServerName = "gsv";

    /// <summary>The tweak for the run (component, field, value), or null when the instance's flow calls no tools.</summary>
    public (string Component, string Field, JsonObject Value)? ServerFor(InstanceDto instance, Guid runId)
    {
        if (instance.Connectors.Count == 0 || instance.FlowTemplate is not { } name || templates?.Find(name)?.McpInput is not var (component, field))
        {
            return null;
        }

        var url = options.Value.McpUrl ?? throw new InvalidOperationException(
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
}
