using Gsv.ControlPlane.Client;

namespace Gsv.ControlPlane.Connectors;

/// <summary>The connectors GSV offers, as code: what each needs from the buyer and which tools it gives an agent.</summary>
public sealed class ConnectorCatalog
{
    /// <summary>A tool's MCP name: connector key and tool name, e.g. <c>github_create_issue</c>.</summary>
    public static string ToolName(IConnector connector, ConnectorTool tool) => $"{connector.Key}_{tool.ShortName}";

    public ConnectorCatalog(IEnumerable<IConnector> connectors)
    {
        All = [.. connectors.OrderBy(c => c.Key, StringComparer.Ordinal)];
        Keys = All.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<IConnector> All { get; }

    public IReadOnlySet<string> Keys { get; }

    public IConnector? Find(string key) => All.FirstOrDefault(c => c.Key == key);

    /// <summary>The connector and tool an MCP tool name stands for, or null.</summary>
    public (IConnector Connector, ConnectorTool Tool)? FindTool(string name)
    {
        foreach (var connector in All)
        {
            if (name.StartsWith(connector.Key + "_", StringComparison.Ordinal)
                && connector.Tools.FirstOrDefault(t => ToolName(connector, t) == name) is { } tool)
            {
                return (connector, tool);
            }
        }

        return null;
    }

    public static ConnectorToolDto ToDto(IConnector connector, ConnectorTool tool) =>
        new(ToolName(connector, tool), connector.Key, tool.Description, tool.Schema);

    public static ConnectorDto ToDto(IConnector connector) =>
        new(connector.Key, connector.Name, connector.Description, [.. connector.Fields.Select(f => f.ToDto())],
            [.. connector.Tools.Select(t => ToDto(connector, t))]);
}
