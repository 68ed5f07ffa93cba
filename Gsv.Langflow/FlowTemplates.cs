using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Gsv.Langflow;

/// <summary>A flow template file (<c>flows/&lt;gsv-flow&gt;.json</c>), a Langflow export with <c>data.nodes</c>/<c>data.edges</c>.</summary>
public sealed record FlowTemplate(string Name, JsonObject Document)
{
    /// <summary>Top-level key of the allow-list of run tweaks (not part of Langflow's format; never sent to Langflow).</summary>
    public const string AllowedTweaksKey = "gsv_allowed_tweaks";

    /// <summary>The largest size a tweak value may be allowed (characters of its JSON text).</summary>
    public const int MaxTweakValueLength = 4096;

    /// <summary>
    /// The tweaks a run of this flow may send: <c>component.field</c> → most characters of the value (its JSON text).
    /// Declared as <c>"gsv_allowed_tweaks": { "ChatOutput-x1.sender_name": 64 }</c>; none when absent.
    /// </summary>
    public IReadOnlyDictionary<string, int> AllowedTweaks { get; } = ReadAllowedTweaks(Name, Document);

    /// <summary>
    /// Top-level key naming the prompt field that receives the passages retrieved from the buyer's documents
    /// (<c>"gsv_context_input": "Prompt-x1.context"</c>); only knowledge offerings' templates declare it. Set by the
    /// Gateway, never by a caller (it is not an allowed tweak), never sent to Langflow.
    /// </summary>
    public const string ContextInputKey = "gsv_context_input";

    /// <summary>The component and field that take the retrieved passages, or null when the flow uses no knowledge.</summary>
    public (string Component, string Field)? ContextInput { get; } = ReadFieldReference(Name, Document, ContextInputKey);

    /// <summary>
    /// Top-level key naming the MCP Tools field that receives the run's MCP server
    /// (<c>"gsv_mcp_input": "MCPTools-x1.mcp_server"</c>); only templates whose agent uses connector tools declare it.
    /// For each run the Gateway sets that field as a tweak, <c>{"name": "gsv", "config": {"url": …, "headers":
    /// {"Authorization": "Bearer &lt;run token&gt;"}}}</c>; never a caller (it is not an allowed tweak), never sent to Langflow.
    /// </summary>
    public const string McpInputKey = "gsv_mcp_input";

    /// <summary>The component and field that take the run's MCP server, or null when the flow uses no connector tools.</summary>
    public (string Component, string Field)? McpInput { get; } = ReadFieldReference(Name, Document, McpInputKey);

    /// <summary>
    /// Reads a template from its JSON text (a Langflow export): a JSON object whose <c>data</c> has <c>nodes</c> and
    /// <c>edges</c> arrays, with valid GSV declarations. Throws <see cref="InvalidDataException"/> saying what is wrong.
    /// </summary>
    public static FlowTemplate Parse(string name, string json)
    {
        JsonObject document;
        try
        {
            document = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"Flow template '{name}' is not a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"Flow template '{name}' is not valid JSON: {exception.Message}", exception);
        }

        return FromDocument(name, document);
    }

    /// <summary>The template of an export already parsed (see <see cref="Parse"/>); the document is used as is.</summary>
    public static FlowTemplate FromDocument(string name, JsonObject document) =>
        document["data"] is JsonObject { } data && data["nodes"] is JsonArray && data["edges"] is JsonArray
            ? new FlowTemplate(name, document)
            : throw new InvalidDataException($"Flow template '{name}' has no data.nodes/data.edges.");

    public string DisplayName => (string?)Document["name"] ?? Name;

    public string? Description => (string?)Document["description"];

    /// <summary>A fresh copy of the graph (<c>data</c>), safe to change.</summary>
    public JsonObject Data => (JsonObject)Document["data"]!.DeepClone();

    /// <summary>
    /// The graph (<c>data</c>) with each node completed from <paramref name="catalog"/>: the component's template as the
    /// target Langflow defines it (its <c>code</c> included), with this template's fields laid over it — their values
    /// and settings win, except <c>code</c>, which is always the target's. Fields the component does not define (a
    /// prompt's variables) are kept as they are.
    /// </summary>
    public JsonObject Hydrate(ComponentCatalog catalog)
    {
        var data = Data;
        foreach (var node in (data["nodes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)node["type"] == "noteNode" || node["data"]?["node"] is not JsonObject component)
            {
                continue;
            }

            var type = (string?)node["data"]!["type"] ?? throw new InvalidDataException($"Flow template '{Name}': node {(string?)node["id"]} has no type.");
            var definition = catalog.Find(type) ?? throw new MissingComponentException(Name, type);
            var template = definition["template"]!.DeepClone().AsObject();
            foreach (var (field, ours) in component["template"] as JsonObject ?? [])
            {
                if (field == "code")
                {
                    continue;
                }

                if (template[field] is JsonObject theirs && ours is JsonObject mine)
                {
                    foreach (var (key, value) in mine)
                    {
                        theirs[key] = value?.DeepClone();
                    }
                }
                else
                {
                    template[field] = ours?.DeepClone();
                }
            }

            component["template"] = template;
        }

        return data;
    }

    /// <summary>The create request for one deployment of this template (e.g. one per instance, with its own name and endpoint).</summary>
    public FlowCreate ToFlowCreate(string flowName, string? endpointName = null, string? description = null, Guid? folderId = null) =>
        ToFlowCreate(Data, flowName, endpointName, description, folderId);

    /// <summary>The same, hydrated against the target Langflow's <paramref name="catalog"/> (what a deployment should post).</summary>
    public FlowCreate ToFlowCreate(ComponentCatalog catalog, string flowName, string? endpointName = null, string? description = null, Guid? folderId = null) =>
        ToFlowCreate(Hydrate(catalog), flowName, endpointName, description, folderId);

    private FlowCreate ToFlowCreate(JsonObject data, string flowName, string? endpointName, string? description, Guid? folderId) =>
        new(flowName, data, description ?? Description, endpointName, folderId,
            Document["tags"] is JsonArray tags ? [.. tags.Select(t => (string?)t).OfType<string>()] : null,
            (string?)Document["icon"]);

    /// <summary>A top-level <c>"component.field"</c> declaration (<paramref name="key"/>), checked to name a field of the flow.</summary>
    private static (string, string)? ReadFieldReference(string name, JsonObject document, string key)
    {
        if (document[key] is null)
        {
            return null;
        }

        var declared = document[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        var dot = declared?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (declared is null || dot <= 0 || dot == declared.Length - 1)
        {
            throw new InvalidDataException($"Flow template '{name}': {key} must be \"component.field\".");
        }

        var (component, field) = (declared[..dot], declared[(dot + 1)..]);
        var node = (document["data"]?["nodes"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(n => (string?)n["id"] == component);
        if (node?["data"]?["node"]?["template"]?[field] is null)
        {
            throw new InvalidDataException($"Flow template '{name}': {key} names '{declared}', which is not a field of the flow.");
        }

        return (component, field);
    }

    private static Dictionary<string, int> ReadAllowedTweaks(string name, JsonObject document)
    {
        var allowed = new Dictionary<string, int>(StringComparer.Ordinal);
        if (document[AllowedTweaksKey] is null)
        {
            return allowed;
        }

        if (document[AllowedTweaksKey] is not JsonObject declared)
        {
            throw new InvalidDataException($"Flow template '{name}': {AllowedTweaksKey} must map \"component.field\" to a size.");
        }

        foreach (var (key, size) in declared)
        {
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == key.Length - 1 || size is not JsonValue value || !value.TryGetValue<int>(out var max)
                || max is < 1 or > MaxTweakValueLength)
            {
                throw new InvalidDataException(
                    $"Flow template '{name}': {AllowedTweaksKey} entry '{key}' must be \"component.field\": 1..{MaxTweakValueLength}.");
            }

            allowed[key] = max;
        }

        return allowed;
    }
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

    /// <summary>The template called <paramref name="name"/>, or null.</summary>
    public FlowTemplate? Find(string name) => _templates.GetValueOrDefault(name);

    public FlowTemplate Get(string name) => _templates.TryGetValue(name, out var template)
        ? template
        : throw new KeyNotFoundException($"No flow template '{name}' in {Directory} (known: {string.Join(", ", _templates.Keys.Order())}).");

    /// <summary>
    /// A service's flow templates folder: <c>Langflow:FlowTemplatesPath</c> (relative to <paramref name="contentRoot"/>)
    /// when configured, else the nearest <c>flows/</c> above the content root; null when nothing is configured or found.
    /// A configured folder is returned whether it exists or not, so that its absence is reported under its own name.
    /// </summary>
    public static string? ResolveDirectory(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration[$"{LangflowOptions.SectionName}:{nameof(LangflowOptions.FlowTemplatesPath)}"];
        return !string.IsNullOrEmpty(configured) ? Path.GetFullPath(configured, contentRoot) : FindDirectory(contentRoot);
    }

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
        try
        {
            return FlowTemplate.Parse(Path.GetFileNameWithoutExtension(path), File.ReadAllText(path));
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"{exception.Message} ({path})", exception);
        }
    }
}
