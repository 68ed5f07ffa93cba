using System.Text.Json.Nodes;

namespace Gsv.Langflow;

/// <summary>
/// A Langflow's own component catalog (<c>GET /api/v1/all</c>: category → component type → component, each with its
/// <c>template</c> and the <c>code</c> Langflow builds it from). Flow templates in <c>flows/</c> are compact — their
/// nodes carry GSV's field values but no code — and are hydrated against the catalog of the Langflow they are
/// deployed to (<see cref="FlowTemplate.Hydrate"/>), so what is posted is a full flow of that version.
/// </summary>
public sealed class ComponentCatalog
{
    private readonly Dictionary<string, JsonObject> _components = new(StringComparer.Ordinal);

    public ComponentCatalog(JsonObject all)
    {
        foreach (var (_, category) in all)
        {
            if (category is not JsonObject components)
            {
                continue;
            }

            foreach (var (type, component) in components)
            {
                if (component is JsonObject definition && definition["template"] is JsonObject)
                {
                    _components.TryAdd(type, definition);
                }
            }
        }
    }

    public IReadOnlyCollection<string> Types => _components.Keys;

    /// <summary>The component of that type (<c>data.type</c> of a node), or null when this Langflow has none.</summary>
    public JsonObject? Find(string type) => _components.GetValueOrDefault(type);
}

/// <summary>The target Langflow has no component a flow template uses: deploying cannot succeed until it has.</summary>
public sealed class MissingComponentException(string template, string type)
    : Exception($"Flow template '{template}' uses the component '{type}', which this Langflow does not have (GET /api/v1/all).")
{
    /// <summary>The component type (<c>data.type</c>) the target Langflow lacks.</summary>
    public string Type { get; } = type;
}
