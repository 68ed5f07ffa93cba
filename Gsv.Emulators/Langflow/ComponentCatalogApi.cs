using System.Text.Json.Nodes;

namespace Gsv.Emulators.Langflow;

/// <summary>
/// <c>GET /api/v1/all</c>: the components this emulator runs, by category, in Langflow's shape (each with its
/// <c>template</c>, <c>code</c> included, <c>outputs</c>, <c>base_classes</c>…). Clients hydrate compact flow templates
/// against it, as they would against a real Langflow's catalog (which carries each component's Python source as
/// <c>code</c>; here the code is a marker: the emulator runs the components natively).
/// </summary>
public static class ComponentCatalogApi
{
    private static readonly Lazy<JsonObject> Catalog = new(Load);

    /// <summary>The embedded catalog (<c>component-catalog.json</c>), parsed once.</summary>
    public static JsonObject Components => Catalog.Value;

    public static RouteGroupBuilder MapComponentCatalogApi(this RouteGroupBuilder api)
    {
        api.MapGet("/all", () => Results.Json(Components));
        return api;
    }

    private static JsonObject Load()
    {
        using var stream = typeof(ComponentCatalogApi).Assembly.GetManifestResourceStream("Gsv.Emulators.Langflow.component-catalog.json")
            ?? throw new InvalidOperationException("The Langflow component catalog is not embedded.");
        return JsonNode.Parse(stream)!.AsObject();
    }
}
