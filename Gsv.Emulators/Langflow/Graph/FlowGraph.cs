using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Langflow.Graph;

/// <summary>One component of a flow: its id (<c>ChatInput-Xa12b</c>), class (<c>data.type</c>) and template field values.</summary>
public sealed class FlowVertex(
    string id, string type, string displayName, Dictionary<string, JsonNode?> fields, IReadOnlyDictionary<string, string>? globalVariables = null)
{
    public string Id { get; } = id;
    public string Type { get; } = type;
    public string DisplayName { get; } = displayName;

    /// <summary>Fields whose value names a Langflow global variable (<c>load_from_db: true</c>, e.g. <c>api_key</c> → <c>OPENAI_API_KEY</c>).</summary>
    public IReadOnlyDictionary<string, string> GlobalVariables { get; } = globalVariables ?? new Dictionary<string, string>();

    /// <summary>The component's source (<c>template.code</c>): Langflow builds each node from it, so a node without it cannot run.</summary>
    public string? Code => GetString("code");

    /// <summary>Template field name → <c>value</c> (after tweaks).</summary>
    public Dictionary<string, JsonNode?> Fields { get; } = fields;

    public string? GetString(string field) => Fields.TryGetValue(field, out var value) && value is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        }
        : null;

    public bool GetBool(string field) => Fields.TryGetValue(field, out var value) && value is JsonValue v && v.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.String => bool.TryParse(v.GetValue<string>(), out var b) && b,
        _ => false,
    };

    public int GetInt(string field) => GetString(field) is { } text && int.TryParse(text, out var number) ? number : 0;
}

/// <summary>A connection from one vertex's output to a template field of another (<c>edge.data.targetHandle.fieldName</c>).</summary>
public sealed record FlowEdge(string Source, string SourceOutput, string Target, string TargetField);

/// <summary>The executable view of a flow's <c>data</c>: generic nodes and their edges (note nodes are skipped).</summary>
public sealed class FlowGraph
{
    private FlowGraph(IReadOnlyList<FlowVertex> vertices, IReadOnlyList<FlowEdge> edges)
    {
        Vertices = vertices;
        Edges = edges;
    }

    public IReadOnlyList<FlowVertex> Vertices { get; }
    public IReadOnlyList<FlowEdge> Edges { get; }

    /// <summary>Reads <c>data.nodes</c> / <c>data.edges</c> of an exported flow. Throws <see cref="FlowGraphException"/> when malformed.</summary>
    public static FlowGraph Parse(JsonObject data)
    {
        if (data["nodes"] is not JsonArray nodes || data["edges"] is not JsonArray edges)
        {
            throw new FlowGraphException("Flow data must contain 'nodes' and 'edges'.");
        }

        var vertices = new List<FlowVertex>();
        foreach (var node in nodes.OfType<JsonObject>())
        {
            if ((string?)node["type"] == "noteNode")
            {
                continue;
            }

            var id = (string?)node["id"] ?? throw new FlowGraphException("A node has no id.");
            var nodeData = node["data"] as JsonObject ?? throw new FlowGraphException($"Node {id} has no data.");
            var type = (string?)nodeData["type"] ?? id.Split('-')[0];
            var component = nodeData["node"] as JsonObject;
            var displayName = (string?)component?["display_name"] ?? type;

            var fields = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            if (component?["template"] is JsonObject template)
            {
                foreach (var (name, field) in template)
                {
                    if (field is JsonObject fieldObject && fieldObject.ContainsKey("value"))
                    {
                        fields[name] = fieldObject["value"]?.DeepClone();
                        if (fieldObject["load_from_db"] is JsonValue fromDb && fromDb.GetValueKind() == JsonValueKind.True
                            && fieldObject["value"] is JsonValue variable && variable.GetValueKind() == JsonValueKind.String
                            && variable.GetValue<string>() is { Length: > 0 } variableName)
                        {
                            variables[name] = variableName;
                        }
                    }
                }
            }

            vertices.Add(new FlowVertex(id, type, displayName, fields, variables));
        }

        var ids = vertices.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        var flowEdges = new List<FlowEdge>();
        foreach (var edge in edges.OfType<JsonObject>())
        {
            var source = (string?)edge["source"];
            var target = (string?)edge["target"];
            if (source is null || target is null || !ids.Contains(source) || !ids.Contains(target))
            {
                throw new FlowGraphException($"Edge {(string?)edge["id"]} connects unknown components.");
            }

            var sourceHandle = Handle(edge, "sourceHandle");
            var targetHandle = Handle(edge, "targetHandle");
            var field = (string?)targetHandle?["fieldName"]
                ?? throw new FlowGraphException($"Edge {(string?)edge["id"]} has no target field.");
            flowEdges.Add(new FlowEdge(source, (string?)sourceHandle?["name"] ?? "", target, field));
        }

        return new FlowGraph(vertices, flowEdges);
    }

    /// <summary>Handles are objects under <c>edge.data</c>, duplicated as JSON strings on the edge itself.</summary>
    private static JsonObject? Handle(JsonObject edge, string name)
    {
        if (edge["data"]?[name] is JsonObject handle)
        {
            return handle;
        }

        if (edge[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            // Langflow writes the string form with 'œ' in place of double quotes.
            var text = value.GetValue<string>().Replace('œ', '"');
            try
            {
                return JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Kahn's order: every vertex after all vertices feeding it. A cycle cannot be run.</summary>
    public IReadOnlyList<FlowVertex> TopologicalOrder()
    {
        var indegree = Vertices.ToDictionary(v => v.Id, _ => 0, StringComparer.Ordinal);
        foreach (var edge in Edges)
        {
            indegree[edge.Target]++;
        }

        var byId = Vertices.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var ready = new Queue<string>(Vertices.Where(v => indegree[v.Id] == 0).Select(v => v.Id));
        var order = new List<FlowVertex>();
        while (ready.Count > 0)
        {
            var id = ready.Dequeue();
            order.Add(byId[id]);
            foreach (var edge in Edges.Where(e => e.Source == id))
            {
                if (--indegree[edge.Target] == 0)
                {
                    ready.Enqueue(edge.Target);
                }
            }
        }

        return order.Count == Vertices.Count ? order : throw new FlowGraphException("The flow has a cycle and cannot be run.");
    }
}

public sealed class FlowGraphException(string message) : Exception(message);
