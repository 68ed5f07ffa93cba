namespace Gsv.Web.Content;

/// <summary>A page of a Wagtail API v2 listing: <c>meta.total_count</c> (all matching pages) and the <c>items</c> asked for.</summary>
public sealed record WagtailListing(int TotalCount, IReadOnlyList<WagtailPage> Items);
