namespace Gsv.Emulators.Cms;

/// <summary>
/// The page models of the GSV Wagtail project (<c>deploy/cms/</c>), as <c>app_label.ModelName</c> and their
/// <c>api_fields</c>, in declaration order. Wagtail knows a model's fields from its code, so the emulator does too:
/// a content file with a field its model does not declare is refused at startup.
/// </summary>
public static class WagtailModels
{
    /// <summary>Wagtail's base page model: every page is one; a listing without <c>type</c> lists these.</summary>
    public const string BasePage = "wagtailcore.Page";

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ApiFields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [BasePage] = [],
        ["home.HomePage"] = ["hero_title", "hero_text", "hero_cta_label", "hero_cta_url", "featured_offerings", "how_it_works", "body"],
        ["pricing.PricingPage"] = ["intro", "body"],
        ["solutions.SolutionIndexPage"] = ["intro"],
        ["solutions.SolutionPage"] = ["summary", "outcomes", "capabilities", "offerings", "body"],
        ["blog.BlogIndexPage"] = ["intro"],
        ["blog.BlogPage"] = ["date", "author", "summary", "body"],
    };

    /// <summary>
    /// <c>page_models_from_string</c>: <c>app_label.ModelName</c>, compared case-insensitively like Django's
    /// <c>apps.get_model</c>; null for anything else.
    /// </summary>
    public static string? Find(string value)
    {
        var parts = value.Split('.');
        if (parts.Length != 2)
        {
            return null;
        }

        return ApiFields.Keys.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase));
    }
}
