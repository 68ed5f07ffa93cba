using System.Globalization;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Cms;

/// <summary>
/// <c>ImagesAPIViewSet</c> at <c>/api/v2/images/</c>: listing (<c>id</c>, <c>meta</c> {type, detail_url, tags,
/// download_url}, <c>title</c>) and detail (plus <c>width</c>, <c>height</c>); the files at their
/// <c>download_url</c> under <c>/media/original_images/</c>.
/// </summary>
public static class ImagesApi
{
    public static IEndpointRouteBuilder MapImagesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/images/", (HttpRequest request, CmsContent content) =>
        {
            var baseUrl = PagesApi.BaseUrl(request);
            var limit = int.TryParse(request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? Math.Min(l, PagesApi.LimitMax) : PagesApi.LimitMax;
            var offset = int.TryParse(request.Query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
            return Results.Json(new JsonObject
            {
                ["meta"] = new JsonObject { ["total_count"] = content.Images.Count },
                ["items"] = new JsonArray([.. content.Images.Skip(offset).Take(limit).Select(i => Render(i, baseUrl, detail: false))]),
            });
        });
        app.MapGet("/api/v2/images/{id:int}/", (int id, HttpRequest request, CmsContent content) =>
            content.Images.FirstOrDefault(i => (int?)i["id"] == id) is { } image
                ? Results.Json(Render(image, PagesApi.BaseUrl(request), detail: true))
                : WagtailErrors.NotFound(WagtailErrors.ImageNotFound));
        app.MapGet("/media/original_images/{file}", (string file, CmsContent content) =>
        {
            var path = Path.Combine(content.ContentPath, "images", Path.GetFileName(file));
            return content.Images.Any(i => (string?)i["file"] == file) && File.Exists(path)
                ? Results.File(path, file.EndsWith(".svg", StringComparison.Ordinal) ? "image/svg+xml" : "application/octet-stream")
                : Results.NotFound();
        });
        return app;
    }

    private static JsonObject Render(JsonObject image, string baseUrl, bool detail)
    {
        var id = (int)image["id"]!;
        var json = new JsonObject
        {
            ["id"] = id,
            ["meta"] = new JsonObject
            {
                ["type"] = "wagtailimages.Image",
                ["detail_url"] = $"{baseUrl}/api/v2/images/{id}/",
                ["tags"] = image["tags"]?.DeepClone() ?? new JsonArray(),
                ["download_url"] = $"/media/original_images/{(string?)image["file"]}",
            },
            ["title"] = (string?)image["title"],
        };
        if (detail)
        {
            json["width"] = (int?)image["width"];
            json["height"] = (int?)image["height"];
        }

        return json;
    }
}
