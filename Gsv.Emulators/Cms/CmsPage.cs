using System.Text.Json.Nodes;

namespace Gsv.Emulators.Cms;

/// <summary>
/// One published page of the site tree, as Wagtail stores it: its id, model, slug, title, tree position
/// (<see cref="ParentId"/>, <see cref="HtmlPath"/>), promote-tab fields and the values of its model's <c>api_fields</c>.
/// </summary>
public sealed record CmsPage(
    int Id,
    string Type,
    string Slug,
    string Title,
    int ParentId,
    string HtmlPath,
    DateTimeOffset FirstPublishedAt,
    string SeoTitle,
    string SearchDescription,
    bool ShowInMenus,
    JsonObject Fields)
{
    /// <summary>The tree's root (<c>wagtailcore.Page</c> "Root", depth 1): a parent, never listed.</summary>
    public const int RootId = 1;
}
