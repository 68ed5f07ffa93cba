using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Web.Content;

/// <summary>
/// One page as Wagtail's API v2 returns it: <c>id</c>, <c>meta</c> (type, slug, URLs, first publication),
/// <c>title</c>, and the model's <c>api_fields</c> that were asked for (<see cref="Fields"/>).
/// </summary>
public sealed record WagtailPage(int Id, string Type, string Slug, string Title, DateTimeOffset? FirstPublishedAt, string? SearchDescription, JsonObject Fields)
{
    public static WagtailPage From(JsonObject item)
    {
        var meta = item["meta"] as JsonObject ?? [];
        var fields = new JsonObject();
        foreach (var (name, value) in item.Where(p => p.Key is not ("id" or "meta" or "title")))
        {
            fields[name] = value?.DeepClone();
        }

        return new WagtailPage(
            (int?)item["id"] ?? 0, (string?)meta["type"] ?? "", (string?)meta["slug"] ?? "", (string?)item["title"] ?? "",
            DateTimeOffset.TryParse((string?)meta["first_published_at"], System.Globalization.CultureInfo.InvariantCulture, out var published) ? published : null,
            (string?)meta["search_description"], fields);
    }

    /// <summary>A text field; empty when the page has none.</summary>
    public string Text(string field) => Fields[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? (string?)value ?? "" : "";

    /// <summary>A list of strings (slugs of offerings, outcomes, capabilities).</summary>
    public IReadOnlyList<string> Strings(string field) =>
        Fields[field] is JsonArray array ? array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => (string)v!).ToList() : [];

    /// <summary>A StreamField: its blocks in order.</summary>
    public IReadOnlyList<StreamBlock> Blocks(string field) =>
        Fields[field] is JsonArray array
            ? array.OfType<JsonObject>().Select(b => new StreamBlock((string?)b["type"] ?? "", b["value"]?.DeepClone(), (string?)b["id"] ?? "")).ToList()
            : [];
}

/// <summary>One block of a StreamField: <c>{"type": …, "value": …, "id": …}</c>.</summary>
public sealed record StreamBlock(string Type, JsonNode? Value, string Id)
{
    /// <summary>A member of a struct block's value (a step's <c>title</c>, <c>text</c>).</summary>
    public string Member(string name) => Value is JsonObject value && value[name] is JsonValue text && text.GetValueKind() == JsonValueKind.String ? (string?)text ?? "" : "";
}
