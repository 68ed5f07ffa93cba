using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.Emulators.Cms;

/// <summary>
/// The site's pages, loaded once at startup from the repository's <c>content/</c> folder (<c>Cms:ContentPath</c>):
/// one JSON file per page (<c>type</c>, <c>slug</c>, <c>title</c>, <c>parent</c> slug, <c>first_published_at</c>,
/// <c>fields</c>), the same files the Wagtail project's <c>load_content</c> command imports. Ids are given in tree
/// order (the home page first, siblings by file name), so they are the same at every start. Images are described in
/// <c>content/images.json</c>, their files under <c>content/images/</c>.
/// </summary>
public sealed partial class CmsContent
{
    private readonly Dictionary<int, CmsPage> _byId = [];

    public CmsContent(IConfiguration configuration, ILogger<CmsContent> logger)
    {
        ContentPath = configuration["Cms:ContentPath"] is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : throw new InvalidOperationException("Cms:ContentPath is not set: the cms emulator serves the pages of the repository's content/ folder.");
        var files = Directory.EnumerateFiles(ContentPath, "*.json", SearchOption.AllDirectories)
            .Where(f => !string.Equals(Path.GetFileName(f), ImagesFile, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (File: f, Page: JsonNode.Parse(File.ReadAllText(f)) as JsonObject ?? throw new InvalidDataException($"{f}: not a JSON object")))
            .ToList();

        // Preorder from the home page (the file without a parent): parents before children, siblings by file name.
        var nextId = 2;
        var pending = new Queue<(string? ParentSlug, int ParentId, string ParentPath)>([(null, CmsPage.RootId, "")]);
        while (pending.Count > 0)
        {
            var (parentSlug, parentId, parentPath) = pending.Dequeue();
            foreach (var (file, json) in files.Where(f => (string?)f.Page["parent"] == parentSlug))
            {
                var page = Read(file, json, nextId++, parentId, parentPath);
                _byId.Add(page.Id, page);
                pending.Enqueue((page.Slug, page.Id, page.HtmlPath));
            }
        }

        var orphans = files.Count - _byId.Count;
        if (orphans > 0)
        {
            throw new InvalidDataException($"{orphans} content file(s) name a parent that is not a page of {ContentPath}.");
        }

        Pages = _byId.Values.OrderBy(p => p.Id).ToList();
        Images = LoadImages(Path.Combine(ContentPath, ImagesFile));
        LogLoaded(logger, Pages.Count, Images.Count, ContentPath);
    }

    public const string ImagesFile = "images.json";

    public string ContentPath { get; }

    /// <summary>Every page in tree order (Wagtail's default ordering, by <c>path</c>).</summary>
    public IReadOnlyList<CmsPage> Pages { get; }

    /// <summary><c>wagtailimages.Image</c> rows: id, title, file, width, height, tags.</summary>
    public IReadOnlyList<JsonObject> Images { get; }

    public CmsPage? Find(int id) => _byId.GetValueOrDefault(id);

    private static CmsPage Read(string file, JsonObject json, int id, int parentId, string parentPath)
    {
        var type = (string?)json["type"] ?? throw new InvalidDataException($"{file}: no type");
        if (!WagtailModels.ApiFields.TryGetValue(type, out var apiFields))
        {
            throw new InvalidDataException($"{file}: unknown page model {type}");
        }

        var fields = json["fields"]?.DeepClone() as JsonObject ?? [];
        if (fields.Select(f => f.Key).Except(apiFields).ToList() is { Count: > 0 } unknown)
        {
            throw new InvalidDataException($"{file}: {type} has no field(s) {string.Join(", ", unknown)}");
        }

        var slug = (string?)json["slug"] ?? throw new InvalidDataException($"{file}: no slug");
        // The home page is the site's root page: its URL is "/"; each page below adds "{slug}/".
        var htmlPath = parentId == CmsPage.RootId ? "/" : $"{parentPath}{slug}/";
        return new CmsPage(
            id, type, slug, (string?)json["title"] ?? throw new InvalidDataException($"{file}: no title"), parentId, htmlPath,
            DateTimeOffset.Parse((string?)json["first_published_at"] ?? "2026-01-01T00:00:00Z", CultureInfo.InvariantCulture),
            (string?)json["seo_title"] ?? "", (string?)json["search_description"] ?? "", (bool?)json["show_in_menus"] ?? false, fields);
    }

    private static List<JsonObject> LoadImages(string file) =>
        File.Exists(file) && JsonNode.Parse(File.ReadAllText(file)) is JsonArray images
            ? images.OfType<JsonObject>().ToList()
            : [];

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {PageCount} pages and {ImageCount} images from {ContentPath}")]
    private static partial void LogLoaded(ILogger logger, int pageCount, int imageCount, string contentPath);
}
