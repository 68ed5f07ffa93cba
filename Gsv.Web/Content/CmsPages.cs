using System.Text.RegularExpressions;

namespace Gsv.Web.Content;

/// <summary>The page models of the GSV CMS (<c>deploy/cms/</c>) and what a page slug in a URL may be.</summary>
public static partial class CmsPages
{
    public const string Home = "home.HomePage";
    public const string Pricing = "pricing.PricingPage";
    public const string SolutionIndex = "solutions.SolutionIndexPage";
    public const string Solution = "solutions.SolutionPage";
    public const string BlogIndex = "blog.BlogIndexPage";
    public const string BlogPost = "blog.BlogPage";

    /// <summary>Posts per page of the blog index.</summary>
    public const int BlogPageSize = 3;

    /// <summary>Wagtail slugs: letters, digits, hyphens and underscores. Anything else is not a page: no need to ask.</summary>
    public static bool IsSlug(string? value) => value is { Length: > 0 and <= 255 } && SlugPattern().IsMatch(value);

    /// <summary>The CMS cannot be read right now (down, timed out, refused by the resilience handler, or an error answer).</summary>
    public static bool Unavailable(Exception exception) =>
        exception is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException or System.Text.Json.JsonException;

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex SlugPattern();
}
