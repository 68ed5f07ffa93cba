using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gsv.Emulators.Langflow;

/// <summary>
/// The superuser's flows as Langflow's <c>FlowRead</c> documents. Names and endpoint names are unique:
/// a create with a taken one is renamed like Langflow's <c>_new_flow</c> does (<c>"x (1)"</c>, <c>"x-1"</c>, then max + 1).
/// Langflow keeps flows in its database; with <c>Langflow:DataPath</c> set, the emulator keeps each flow in a file
/// there (<c>flows/{id}.json</c>, and its user and project ids in <c>owner.json</c>), so instances' flow ids still
/// resolve after a restart. Without it, flows live in memory only.
/// </summary>
public sealed partial class FlowStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, JsonObject> _flows = [];
    private readonly string? _flowDirectory;

    public FlowStore(IConfiguration configuration)
    {
        if (configuration["Langflow:DataPath"] is not { Length: > 0 } directory)
        {
            return;
        }

        _flowDirectory = Path.Combine(directory, "flows");
        Directory.CreateDirectory(_flowDirectory);
        var ownerPath = Path.Combine(directory, "owner.json");
        if (File.Exists(ownerPath) && JsonSerializer.Deserialize<Owner>(File.ReadAllText(ownerPath), Json) is { } owner)
        {
            (UserId, DefaultFolderId) = (owner.UserId, owner.DefaultFolderId);
        }
        else
        {
            AtomicFile.Write(ownerPath, JsonSerializer.Serialize(new Owner(UserId, DefaultFolderId), Json));
        }

        foreach (var file in Directory.EnumerateFiles(_flowDirectory, "*.json"))
        {
            if (JsonNode.Parse(File.ReadAllText(file)) is JsonObject flow && Guid.TryParse((string?)flow["id"], out var id))
            {
                _flows[id] = flow;
            }
        }
    }

    /// <summary>The API key's user (the configured superuser) and its default project.</summary>
    public Guid UserId { get; } = Guid.NewGuid();
    public Guid DefaultFolderId { get; } = Guid.NewGuid();

    private sealed record Owner(Guid UserId, Guid DefaultFolderId);

    private void Stored(Guid id, JsonObject? flow)
    {
        if (_flowDirectory is null)
        {
            return;
        }

        var path = Path.Combine(_flowDirectory, $"{id}.json");
        if (flow is null)
        {
            File.Delete(path);
        }
        else
        {
            AtomicFile.Write(path, flow.ToJsonString());
        }
    }

    public enum CreateOutcome { Created, IdTaken }

    public (CreateOutcome Outcome, JsonObject? Flow) Create(JsonObject body)
    {
        lock (_gate)
        {
            var id = Guid.TryParse((string?)body["id"], out var requested) ? requested : Guid.NewGuid();
            if (_flows.ContainsKey(id))
            {
                return (CreateOutcome.IdTaken, null);
            }

            var name = UniqueName((string)body["name"]!);
            var endpointName = (string?)body["endpoint_name"] is { Length: > 0 } endpoint ? UniqueEndpoint(endpoint) : null;
            var flow = new JsonObject
            {
                ["name"] = name,
                ["description"] = body["description"]?.DeepClone(),
                ["icon"] = body["icon"]?.DeepClone(),
                ["icon_bg_color"] = body["icon_bg_color"]?.DeepClone(),
                ["gradient"] = body["gradient"]?.DeepClone(),
                ["data"] = body["data"]?.DeepClone(),
                ["is_component"] = body["is_component"]?.DeepClone() ?? false,
                ["updated_at"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["webhook"] = body["webhook"]?.DeepClone() ?? false,
                ["endpoint_name"] = endpointName,
                ["tags"] = body["tags"]?.DeepClone() ?? new JsonArray(),
                ["locked"] = body["locked"]?.DeepClone() ?? false,
                ["mcp_enabled"] = body["mcp_enabled"]?.DeepClone() ?? false,
                ["action_name"] = body["action_name"]?.DeepClone(),
                ["action_description"] = body["action_description"]?.DeepClone(),
                ["access_type"] = body["access_type"]?.DeepClone() ?? "PRIVATE",
                ["id"] = id.ToString(),
                ["user_id"] = UserId.ToString(),
                ["folder_id"] = Guid.TryParse((string?)body["folder_id"], out var folder) ? folder.ToString() : DefaultFolderId.ToString(),
            };
            _flows[id] = flow;
            Stored(id, flow);
            return (CreateOutcome.Created, (JsonObject)flow.DeepClone());
        }
    }

    public JsonObject? Get(Guid id)
    {
        lock (_gate)
        {
            return _flows.TryGetValue(id, out var flow) ? (JsonObject)flow.DeepClone() : null;
        }
    }

    /// <summary>Langflow's <c>get_flow_by_id_or_endpoint_name</c>: a UUID is an id, anything else an endpoint name.</summary>
    public JsonObject? FindByIdOrEndpointName(string idOrName)
    {
        if (Guid.TryParse(idOrName, out var id))
        {
            return Get(id);
        }

        lock (_gate)
        {
            var flow = _flows.Values.FirstOrDefault(f => (string?)f["endpoint_name"] == idOrName);
            return (JsonObject?)flow?.DeepClone();
        }
    }

    public IReadOnlyList<JsonObject> List()
    {
        lock (_gate)
        {
            return [.. _flows.Values.OrderBy(f => (string?)f["updated_at"], StringComparer.Ordinal).Select(f => (JsonObject)f.DeepClone())];
        }
    }

    public bool Delete(Guid id)
    {
        lock (_gate)
        {
            var removed = _flows.Remove(id);
            if (removed)
            {
                Stored(id, null);
            }

            return removed;
        }
    }

    private string UniqueName(string name)
    {
        if (!_flows.Values.Any(f => (string?)f["name"] == name))
        {
            return name;
        }

        var numbers = _flows.Values
            .Select(f => (string?)f["name"])
            .Where(n => n is not null && n.StartsWith(name + " (", StringComparison.Ordinal))
            .Select(n => NameNumber().Match(n!))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();
        return $"{name} ({(numbers.Count == 0 ? 1 : numbers.Max() + 1)})";
    }

    private string UniqueEndpoint(string endpoint)
    {
        if (!_flows.Values.Any(f => (string?)f["endpoint_name"] == endpoint))
        {
            return endpoint;
        }

        var numbers = _flows.Values
            .Select(f => (string?)f["endpoint_name"])
            .Where(n => n is not null && n.StartsWith(endpoint + "-", StringComparison.Ordinal))
            .Select(n => EndpointNumber().Match(n!))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();
        return $"{endpoint}-{(numbers.Count == 0 ? 1 : numbers.Max() + 1)}";
    }

    [GeneratedRegex(@"\((\d+)\)$")]
    private static partial Regex NameNumber();

    [GeneratedRegex(@"-(\d+)$")]
    private static partial Regex EndpointNumber();
}
