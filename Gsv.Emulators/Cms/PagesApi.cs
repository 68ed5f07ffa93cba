using System.Globalization;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Cms;

/// <summary>
/// <c>PagesAPIViewSet</c> at <c>/api/v2/pages/</c>: the listing (<c>type</c>, <c>fields</c>, field filters such as
/// <c>slug</c>, <c>child_of</c>, <c>order</c>, <c>search</c>, <c>limit</c>/<c>offset</c>), the detail
/// <c>/api/v2/pages/{id}/</c> and <c>/api/v2/pages/find/?html_path=</c>, with Wagtail's 400 and 404 bodies.
/// </summary>
public static class PagesApi
{
    /// <summary><c>WAGTAILAPI_LIMIT_MAX</c>'s default; also the default <c>limit</c>.</summary>
    public const int LimitMax = 20;

    private static readonly HashSet<string> Operations =
    [
        "limit", "offset", "fields", "order", "search", "search_operator", "format",
        "type", "child_of", "ancestor_of", "descendant_of", "translation_of", "locale", "site",
    ];

    /// <summary>Fields a listing can filter on besides the model's api_fields (<c>FieldsFilter</c>).</summary>
    private static readonly string[] FilterableFields = ["id", "title", "slug", "show_in_menus", "seo_title", "search_description", "first_published_at"];

    public static IEndpointRouteBuilder MapPagesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/pages/", Listing);
        app.MapGet("/api/v2/pages/find/", Find);
        app.MapGet("/api/v2/pages/{id:int}/", Detail);
        return app;
    }

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    private static IResult Listing(HttpRequest request, CmsContent content)
    {
        var query = request.Query;
        var type = WagtailModels.BasePage;
        if (query["type"].ToString() is { Length: > 0 } requestedType)
        {
            type = WagtailModels.Find(requestedType) ?? "";
            if (type.Length == 0)
            {
                return WagtailErrors.BadRequest(WagtailErrors.TypeDoesNotExist);
            }
        }

        var filterable = FilterableFields.Concat(WagtailModels.ApiFields[type]).ToHashSet();
        var unknownParameters = query.Keys.Where(k => !Operations.Contains(k) && !filterable.Contains(k)).ToList();
        if (unknownParameters.Count > 0)
        {
            return WagtailErrors.UnknownParameters(unknownParameters);
        }

        var (fields, unknown) = PageRepresentation.Select(type, listing: true, query["fields"]);
        if (unknown.Count > 0)
        {
            return WagtailErrors.UnknownFields(unknown);
        }

        IEnumerable<CmsPage> pages = content.Pages;
        if (type != WagtailModels.BasePage)
        {
            pages = pages.Where(p => p.Type == type);
        }

        foreach (var key in query.Keys.Where(filterable.Contains))
        {
            var value = query[key].ToString();
            pages = pages.Where(p => FieldText(p, key) == value);
        }

        if (query["child_of"].ToString() is { Length: > 0 } childOf)
        {
            if (!int.TryParse(childOf, NumberStyles.None, CultureInfo.InvariantCulture, out var parentId))
            {
                return WagtailErrors.BadRequest("child_of must be a positive integer");
            }

            if (parentId != CmsPage.RootId && content.Find(parentId) is null)
            {
                return WagtailErrors.BadRequest("parent page doesn't exist");
            }

            pages = pages.Where(p => p.ParentId == parentId);
        }

        if (query["search"].ToString() is { Length: > 0 } search)
        {
            if (query.ContainsKey("order"))
            {
                return WagtailErrors.BadRequest("ordering with a search query is not supported");
            }

            pages = pages.Where(p => p.Title.Contains(search, StringComparison.OrdinalIgnoreCase)
                || p.Fields.ToJsonString().Contains(search, StringComparison.OrdinalIgnoreCase));
        }

        if (query["order"].ToString() is { Length: > 0 } order)
        {
            var descending = order.StartsWith('-');
            var field = descending ? order[1..] : order;
            if (!filterable.Contains(field))
            {
                return WagtailErrors.BadRequest($"cannot order by '{field}' (unknown field)");
            }

            pages = descending
                ? pages.OrderByDescending(p => SortKey(p, field), StringComparer.Ordinal)
                : pages.OrderBy(p => SortKey(p, field), StringComparer.Ordinal);
        }

        if (!TryNumber(query["limit"], LimitMax, out var limit) || limit < 0)
        {
            return WagtailErrors.BadRequest("limit must be a positive integer");
        }

        if (limit > LimitMax)
        {
            return WagtailErrors.BadRequest($"limit cannot be higher than {LimitMax}");
        }

        if (!TryNumber(query["offset"], 0, out var offset) || offset < 0)
        {
            return WagtailErrors.BadRequest("offset must be a positive integer");
        }

        var matching = pages.ToList();
        var baseUrl = BaseUrl(request);
        return Results.Json(new JsonObject
        {
            ["meta"] = new JsonObject { ["total_count"] = matching.Count },
            ["items"] = new JsonArray([.. matching.Skip(offset).Take(limit).Select(p => PageRepresentation.Render(p, fields, content, baseUrl))]),
        });
    }

    private static IResult Detail(int id, HttpRequest request, CmsContent content)
    {
        if (content.Find(id) is not { } page)
        {
            return WagtailErrors.NotFound();
        }

        var (fields, unknown) = PageRepresentation.Select(page.Type, listing: false, request.Query["fields"]);
        return unknown.Count > 0
            ? WagtailErrors.UnknownFields(unknown)
            : Results.Json(PageRepresentation.Render(page, fields, content, BaseUrl(request)));
    }

    /// <summary><c>find_view</c>: the page at <c>html_path</c> → a redirect to its detail URL (the query kept, minus html_path).</summary>
    private static IResult Find(HttpRequest request, CmsContent content)
    {
        var path = request.Query["html_path"].ToString();
        if (path.Length == 0)
        {
            return WagtailErrors.NotFound();
        }

        var normalized = "/" + path.Trim('/') + (path.Trim('/').Length > 0 ? "/" : "");
        if (content.Pages.FirstOrDefault(p => p.HtmlPath == normalized) is not { } page)
        {
            return WagtailErrors.NotFound();
        }

        var rest = string.Join('&', request.Query.Where(q => q.Key != "html_path")
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}")));
        return Results.Redirect($"/api/v2/pages/{page.Id}/?{rest}");
    }

    private static string FieldText(CmsPage page, string field) => field switch
    {
        "id" => page.Id.ToString(CultureInfo.InvariantCulture),
        "title" => page.Title,
        "slug" => page.Slug,
        "show_in_menus" => page.ShowInMenus ? "true" : "false",
        "seo_title" => page.SeoTitle,
        "search_description" => page.SearchDescription,
        "first_published_at" => page.FirstPublishedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        _ => page.Fields[field] is JsonValue value ? value.ToString() : "",
    };

    private static string SortKey(CmsPage page, string field) => field switch
    {
        "id" => page.Id.ToString("D10", CultureInfo.InvariantCulture),
        _ => FieldText(page, field),
    };

    private static bool TryNumber(string? value, int fallback, out int number)
    {
        if (string.IsNullOrEmpty(value))
        {
            number = fallback;
            return true;
        }

        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
    }
}
