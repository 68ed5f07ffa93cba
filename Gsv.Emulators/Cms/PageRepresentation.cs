using System.Globalization;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Cms;

/// <summary>
/// <c>PageSerializer</c>: which fields a page has (body fields at the top level, meta fields under <c>meta</c>), which
/// a listing or a detail shows by default, and the <c>fields</c> parameter (<c>*</c>, <c>_</c>, <c>name</c>,
/// <c>-name</c>) that changes them.
/// </summary>
public static class PageRepresentation
{
    /// <summary><c>BaseAPIViewSet.meta_fields</c> + <c>PagesAPIViewSet.meta_fields</c>, in Wagtail's order.</summary>
    public static readonly IReadOnlyList<string> MetaFields =
        ["type", "detail_url", "html_url", "slug", "show_in_menus", "seo_title", "search_description", "first_published_at", "alias_of", "parent", "locale"];

    public static readonly IReadOnlyList<string> ListingDefaults = ["id", "type", "detail_url", "html_url", "title", "slug", "first_published_at"];

    /// <summary>Fields a listing cannot show (<c>detail_only_fields</c>).</summary>
    public static readonly IReadOnlyList<string> DetailOnly = ["parent"];

    /// <summary>Every field of a model: <c>id</c>, the meta fields, <c>title</c> and its <c>api_fields</c>.</summary>
    public static IReadOnlyList<string> AllFields(string type, bool listing) =>
        [.. new[] { "id" }.Concat(MetaFields).Concat(["title"]).Concat(WagtailModels.ApiFields[type]).Where(f => !listing || !DetailOnly.Contains(f))];

    /// <summary>
    /// The fields to show for a <c>fields</c> parameter, or the unknown names it asks for. Unknown means not a
    /// field of <paramref name="type"/> (of <c>wagtailcore.Page</c> when the listing has no <c>type</c> filter).
    /// </summary>
    public static (IReadOnlyList<string> Fields, IReadOnlyList<string> Unknown) Select(string type, bool listing, string? parameter)
    {
        var all = AllFields(type, listing);
        // A detail's defaults are every field but "locale" (WAGTAIL_I18N_ENABLED is off).
        var chosen = new HashSet<string>(listing ? ListingDefaults : all.Where(f => f != "locale"), StringComparer.Ordinal);
        var items = string.IsNullOrEmpty(parameter) ? [] : parameter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // "*" (every field) and "_" (none) count only as the first item.
        if (items is ["*", ..])
        {
            chosen = [.. all];
            items = items[1..];
        }
        else if (items is ["_", ..])
        {
            chosen.Clear();
            items = items[1..];
        }

        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var negated = item.StartsWith('-');
            var name = negated ? item[1..] : item;
            if (negated)
            {
                chosen.Remove(name);
            }
            else
            {
                chosen.Add(name);
            }

            mentioned.Add(name);
        }

        // Fields come out in the model's order whatever the order asked; "id" always.
        return (all.Where(f => f == "id" || chosen.Contains(f)).ToList(), mentioned.Except(all).ToList());
    }

    public static JsonObject Render(CmsPage page, IReadOnlyList<string> fields, CmsContent content, string baseUrl)
    {
        var json = new JsonObject { ["id"] = page.Id };
        var meta = new JsonObject();
        foreach (var field in MetaFields.Where(fields.Contains))
        {
            meta[field] = MetaValue(page, field, content, baseUrl);
        }

        if (meta.Count > 0)
        {
            json["meta"] = meta;
        }

        foreach (var field in fields.Where(f => f != "id" && !MetaFields.Contains(f)))
        {
            json[field] = field == "title" ? page.Title : page.Fields[field]?.DeepClone();
        }

        return json;
    }

    public static string DetailUrl(string baseUrl, int id) => $"{baseUrl}/api/v2/pages/{id}/";

    private static JsonNode? MetaValue(CmsPage page, string field, CmsContent content, string baseUrl) => field switch
    {
        "type" => page.Type,
        "detail_url" => DetailUrl(baseUrl, page.Id),
        "html_url" => baseUrl + page.HtmlPath,
        "slug" => page.Slug,
        "show_in_menus" => page.ShowInMenus,
        "seo_title" => page.SeoTitle,
        "search_description" => page.SearchDescription,
        "first_published_at" => page.FirstPublishedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        "alias_of" => null,
        "locale" => "en",
        "parent" => Parent(page, content, baseUrl),
        _ => null,
    };

    /// <summary>The parent as a nested page: id, type, detail_url, html_url and title (<c>nested_default_fields</c>).</summary>
    private static JsonObject? Parent(CmsPage page, CmsContent content, string baseUrl)
    {
        if (content.Find(page.ParentId) is { } parent)
        {
            return new JsonObject
            {
                ["id"] = parent.Id,
                ["meta"] = new JsonObject { ["type"] = parent.Type, ["detail_url"] = DetailUrl(baseUrl, parent.Id), ["html_url"] = baseUrl + parent.HtmlPath },
                ["title"] = parent.Title,
            };
        }

        // The tree's root page is not part of the site: no html_url.
        return new JsonObject
        {
            ["id"] = CmsPage.RootId,
            ["meta"] = new JsonObject { ["type"] = WagtailModels.BasePage, ["detail_url"] = DetailUrl(baseUrl, CmsPage.RootId), ["html_url"] = null },
            ["title"] = "Root",
        };
    }
}
