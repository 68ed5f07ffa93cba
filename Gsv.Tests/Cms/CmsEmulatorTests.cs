using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Cms;

/// <summary>
/// The <c>cms</c> resource (local mode: the emulator over the repository's <c>content/</c>) over HTTP, in Wagtail API
/// v2's shapes: listings by type with fields, by slug, the detail by id, pagination meta, and the 400/404 bodies.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CmsEmulatorTests(PlatformFixture platform)
{
    private static readonly string ContentFolder = Path.Combine(FindRepositoryRoot(), "content");

    private async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string path)
    {
        using var http = platform.CreateHttpClient("cms");
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    [Fact]
    public async Task Listing_by_type_with_fields_has_meta_total_count_and_items_in_wagtails_shape()
    {
        var (status, body) = await GetAsync("/api/v2/pages/?type=solutions.SolutionPage&fields=summary,offerings");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, (int?)body["meta"]!["total_count"]);
        var items = body["items"]!.AsArray();
        Assert.Equal(3, items.Count);
        var first = items[0]!.AsObject();
        // id, meta, then the body fields: the listing's defaults plus what was asked.
        Assert.Equal(["id", "meta", "title", "summary", "offerings"], first.Select(p => p.Key));
        var meta = first["meta"]!.AsObject();
        Assert.Equal(["type", "detail_url", "html_url", "slug", "first_published_at"], meta.Select(p => p.Key));
        Assert.Equal("solutions.SolutionPage", (string?)meta["type"]);
        Assert.EndsWith($"/api/v2/pages/{(int)first["id"]!}/", (string?)meta["detail_url"]);
        Assert.EndsWith($"/solutions/{(string?)meta["slug"]}/", (string?)meta["html_url"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", (string?)meta["first_published_at"]);
        Assert.All(items, i => Assert.NotEmpty(i!["offerings"]!.AsArray()));
        Assert.DoesNotContain("body", first.Select(p => p.Key));
    }

    [Fact]
    public async Task Every_content_file_is_a_page_and_a_listing_without_type_knows_only_page_fields()
    {
        var files = Directory.EnumerateFiles(ContentFolder, "*.json", SearchOption.AllDirectories).Count(f => Path.GetFileName(f) != "images.json");
        var (status, body) = await GetAsync("/api/v2/pages/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(files, (int?)body["meta"]!["total_count"]);
        Assert.Equal("home.HomePage", (string?)body["items"]![0]!["meta"]!["type"]);
        Assert.Equal(["id", "meta", "title"], body["items"]![0]!.AsObject().Select(p => p.Key));

        // Without a type the model's api_fields are unknown, as in Wagtail.
        var (badStatus, bad) = await GetAsync("/api/v2/pages/?fields=body");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("unknown fields: body", (string?)bad["message"]);
    }

    [Fact]
    public async Task By_slug_with_every_field_gives_the_streamfield_blocks()
    {
        var (status, body) = await GetAsync("/api/v2/pages/?type=blog.BlogPage&slug=credits-explained&fields=*");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, (int?)body["meta"]!["total_count"]);
        var post = body["items"]![0]!.AsObject();
        Assert.Equal("Credits, explained", (string?)post["title"]);
        Assert.Equal("2026-02-03", (string?)post["date"]);
        var blocks = post["body"]!.AsArray();
        Assert.All(blocks, b => Assert.Equal(["type", "value", "id"], b!.AsObject().Select(p => p.Key)));
        Assert.Contains(blocks, b => (string?)b!["type"] == "heading" && (string?)b["value"] == "Low-credit warnings");
        // fields=* in a listing is every field but the detail-only parent.
        Assert.False(post["meta"]!.AsObject().ContainsKey("parent"));
        Assert.Equal("", (string?)post["meta"]!["seo_title"]);

        var (_, none) = await GetAsync("/api/v2/pages/?type=blog.BlogPage&slug=no-such-post");
        Assert.Equal(0, (int?)none["meta"]!["total_count"]);
        Assert.Empty(none["items"]!.AsArray());
    }

    [Fact]
    public async Task Detail_by_id_has_every_field_and_its_parent()
    {
        var (_, listing) = await GetAsync("/api/v2/pages/?type=pricing.PricingPage");
        var id = (int)listing["items"]![0]!["id"]!;

        var (status, page) = await GetAsync($"/api/v2/pages/{id}/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, (int?)page["id"]);
        Assert.Equal("Pricing", (string?)page["title"]);
        Assert.StartsWith("Pay for what your agents do", (string?)page["intro"]);
        Assert.NotEmpty(page["body"]!.AsArray());
        var meta = page["meta"]!.AsObject();
        Assert.Equal(
            ["type", "detail_url", "html_url", "slug", "show_in_menus", "seo_title", "search_description", "first_published_at", "alias_of", "parent"],
            meta.Select(p => p.Key));
        Assert.Equal("home.HomePage", (string?)meta["parent"]!["meta"]!["type"]);
        Assert.Equal("Home", (string?)meta["parent"]!["title"]);
        Assert.EndsWith("/pricing/", (string?)meta["html_url"]);

        // find by html_path redirects to the detail.
        using var http = platform.CreateHttpClient("cms");
        using var find = await http.GetAsync(new Uri("/api/v2/pages/find/?html_path=/pricing/", UriKind.Relative));
        Assert.Equal(id, (int?)(await find.Content.ReadFromJsonAsync<JsonObject>())!["id"]);
    }

    [Theory]
    [InlineData("/api/v2/pages/99999/")]
    [InlineData("/api/v2/pages/find/?html_path=/blog/no-such-post/")]
    public async Task A_missing_page_is_wagtails_404(string path)
    {
        var (status, body) = await GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""{"message":"No Page matches the given query."}""", body.ToJsonString());
    }

    [Theory]
    [InlineData("/api/v2/pages/?type=blog.BlogPage&fields=title,colour", "unknown fields: colour")]
    [InlineData("/api/v2/pages/?type=blog.BlogPage&fields=zeta,alpha", "unknown fields: alpha, zeta")]
    [InlineData("/api/v2/pages/?type=blog.NoSuchPage", "type doesn't exist")]
    [InlineData("/api/v2/pages/?type=BlogPage", "type doesn't exist")]
    [InlineData("/api/v2/pages/?colour=blue", "query parameter is not an operation or a recognised field: colour")]
    [InlineData("/api/v2/pages/?limit=21", "limit cannot be higher than 20")]
    [InlineData("/api/v2/pages/?limit=x", "limit must be a positive integer")]
    [InlineData("/api/v2/pages/?offset=-1", "offset must be a positive integer")]
    public async Task Bad_requests_are_wagtails_400(string path, string message)
    {
        var (status, body) = await GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(new JsonObject { ["message"] = message }.ToJsonString(), body.ToJsonString());
    }

    [Fact]
    public async Task Limit_and_offset_page_through_a_listing_with_the_total_in_meta()
    {
        var (_, first) = await GetAsync("/api/v2/pages/?type=blog.BlogPage&order=-first_published_at&limit=3");
        var (_, second) = await GetAsync("/api/v2/pages/?type=blog.BlogPage&order=-first_published_at&limit=3&offset=3");
        var (_, all) = await GetAsync("/api/v2/pages/");

        Assert.Equal(4, (int?)first["meta"]!["total_count"]);
        Assert.Equal(4, (int?)second["meta"]!["total_count"]);
        Assert.Equal(3, first["items"]!.AsArray().Count);
        Assert.Single(second["items"]!.AsArray());
        Assert.Equal("automations-that-pay-for-themselves", (string?)first["items"]![0]!["meta"]!["slug"]);
        Assert.Equal("introducing-gsv", (string?)second["items"]![0]!["meta"]!["slug"]);
        // Default limit 20: the whole site fits.
        Assert.Equal((int?)all["meta"]!["total_count"], all["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Images_are_listed_with_their_download_url()
    {
        var (status, body) = await GetAsync("/api/v2/images/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, (int?)body["meta"]!["total_count"]);
        var image = body["items"]![0]!;
        Assert.Equal("wagtailimages.Image", (string?)image["meta"]!["type"]);
        using var http = platform.CreateHttpClient("cms");
        using var file = await http.GetAsync(new Uri((string)image["meta"]!["download_url"]!, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/svg+xml", file.Content.Headers.ContentType?.MediaType);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gsv.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Gsv.sln not found above the test output folder.");
    }
}
