using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Langflow;

/// <summary>A flow template file (<c>flows/&lt;gsv-flow&gt;.json</c>), a Langflow export with <c>data.nodes</c>/<c>data.edges</c>.</summary>
public sealed record FlowTemplate(string Name, JsonObject Document)
{
    public string DisplayName => (string?)Document["name"] ?? Name;

    public string? Description => (string?)Document["description"];

    /// <summary>A fresh copy of the graph (<c>data</c>), safe to change.</summary>
    public JsonObject Data => (JsonObject)Document["data"]!.DeepClone();

    /// <summary>The create request for one deployment of this template (e.g. one per instance, with its own name and endpoint).</summary>
    public FlowCreate ToFlowCreate(string flowName, string? endpointName = null, string? description = null, Guid? folderId = null) =>
        new(flowName, Data, description ?? Description, endpointName, folderId,
            Document["tags"] is JsonArray tags ? [.. tags.Select(t => (string?)t).OfType<string>()] : null,
            (string?)Document["icon"]);
}

/// <summary>The flow templates of a folder, loaded once and checked (each file must be a flow with nodes and edges).</summary>
public sealed class FlowTemplates
{
    private readonly Dictionary<string, FlowTemplate> _templates;

    public FlowTemplates(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Flow templates folder '{directory}' does not exist.");
        }

        Directory = Path.GetFullPath(directory);
        _templates = System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Select(Load)
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Directory { get; }

    public IReadOnlyCollection<string> Names => _templates.Keys;

    public bool Contains(string name) => _templates.ContainsKey(name);

    public FlowTemplate Get(string name) => _templates.TryGetValue(name, out var template)
        ? template
        : throw new KeyNotFoundException($"No flow template '{name}' in {Directory} (known: {string.Join(", ", _templates.Keys.Order())}).");

    /// <summary>The nearest <c>flows/</c> folder holding JSON files, from <paramref name="start"/> up to the file system root.</summary>
    public static string? FindDirectory(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "flows");
            if (System.IO.Directory.Exists(candidate) && System.IO.Directory.EnumerateFiles(candidate, "*.json").Any())
            {
                return candidate;
            }
        }

        return null;
    }

    private static FlowTemplate Load(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        JsonObject document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"Flow template '{path}' is not a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"Flow template '{path}' is not valid JSON: {exception.Message}", exception);
        }

        if (document["data"] is not JsonObject data || data["nodes"] is not JsonArray || data["edges"] is not JsonArray)
        {
            throw new InvalidDataException($"Flow template '{path}' has no data.nodes/data.edges.");
        }

        return new FlowTemplate(name, document);
    }
}
