using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Gsv.Saleor;
using Gsv.Saleor.Webhooks;
using Gsv.Tests.Commerce;
using Gsv.Tests.Infrastructure;
using Gsv.Web.Marketplace;

namespace Gsv.Tests.Web;

/// <summary>
/// Issue 16 item 8: the marketplace's product lists are cached (up to <see cref="MarketplaceCatalog.ListCacheDuration"/>)
/// and refreshed when Saleor reports a product change to the Web app's webhook; only Saleor-signed deliveries count.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class MarketplaceRefreshTests(PlatformFixture platform)
{
    // On the first page of /marketplace (sorted by name) whatever the suffix.
    private const string Slug = "content-studio";
    private const string SeedName = "Content Studio";
    private static readonly TimeSpan WellBeforeExpiry = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_product_renamed_in_Saleor_shows_on_the_marketplace_well_before_the_cache_would_expire()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var staff = await CommercePlatform.StaffAsync(platform);
        var product = (await staff.ProductForBootstrapAsync(Slug))!;
        using var web = platform.CreateHttpClient("web");
        Assert.Contains($">{SeedName}</a></h3>", await MarketplaceAsync(web)); // now in the cache
        Assert.True(WellBeforeExpiry < MarketplaceCatalog.ListCacheDuration / 2);

        var renamed = $"{SeedName} {Guid.NewGuid():N}"[..24];
        try
        {
            await staff.ProductUpdateAsync(product.Id, new ProductUpdateInput(Name: renamed));
            await ShowsWithinAsync(web, $">{renamed}</a></h3>", WellBeforeExpiry);
        }
        finally
        {
            await staff.ProductUpdateAsync(product.Id, new ProductUpdateInput(Name: SeedName));
        }

        await ShowsWithinAsync(web, $">{SeedName}</a></h3>", WellBeforeExpiry);
    }

    [Fact]
    public async Task Unsigned_forged_or_foreign_product_webhooks_are_refused_and_leave_the_cached_lists_alone()
    {
        await CommercePlatform.WaitForBootstrapAsync(platform);
        var staff = await CommercePlatform.StaffAsync(platform);
        var product = (await staff.ProductForBootstrapAsync(Slug))!;
        var webhook = (await staff.AppsAsync("GSV Provisioner")).SelectMany(a => a.Webhooks ?? []).Single(w => w.Name == ProductChangeEvents.WebhookName);
        using var web = platform.CreateHttpClient("web");
        // The Saleor the Web app is configured with (the same as the Provisioner's): only the signature is wrong.
        var apiUrl = (await CommercePlatform.ProvisionerEnvironmentAsync(platform))["Saleor__ApiUrl"];
        var kid = await SaleorKeyIdAsync();
        var cached = $"{SeedName} {Guid.NewGuid():N}"[..24];
        var unseen = $"{SeedName} {Guid.NewGuid():N}"[..24];
        try
        {
            // A genuine change puts a fresh list in the cache ...
            await staff.ProductUpdateAsync(product.Id, new ProductUpdateInput(Name: cached));
            await ShowsWithinAsync(web, $">{cached}</a></h3>", WellBeforeExpiry);

            // ... then Saleor changes the product without telling the Web app.
            await staff.WebhookUpdateAsync(webhook.Id, new WebhookUpdateInput(IsActive: false));
            await staff.ProductUpdateAsync(product.Id, new ProductUpdateInput(Name: unseen));

            var body = Encoding.ASCII.GetBytes(
                $$$"""{"issuedAt": "2026-01-01T00:00:00.000000+00:00", "version": "3.23.28", "product": {"id": "{{{product.Id}}}", "slug": "{{{Slug}}}"}}""");
            var forged = ForgedSaleorSignature.Sign(ForgedSaleorSignature.HeaderNaming(kid), body);
            await RefusedAsync(web, body, apiUrl, signature: null);
            await RefusedAsync(web, body, apiUrl, signature: forged);
            await RefusedAsync(web, body, apiUrl, signature: "not-a-jws");
            await RefusedAsync(web, body, "https://shop.elsewhere.example/graphql/", signature: forged);

            var html = await MarketplaceAsync(web);
            Assert.Contains($">{cached}</a></h3>", html);
            Assert.DoesNotContain(unseen, html);
        }
        finally
        {
            await staff.WebhookUpdateAsync(webhook.Id, new WebhookUpdateInput(IsActive: true));
            await staff.ProductUpdateAsync(product.Id, new ProductUpdateInput(Name: SeedName));
        }

        await ShowsWithinAsync(web, $">{SeedName}</a></h3>", WellBeforeExpiry);
    }

    private static async Task RefusedAsync(HttpClient web, byte[] body, string apiUrl, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ProductChangeEvents.WebhookPath, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("Saleor-Event", "product_updated");
        request.Headers.Add("Saleor-Api-Url", apiUrl);
        if (signature is not null)
        {
            request.Headers.Add("Saleor-Signature", signature);
        }

        using var response = await web.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
    }

    private async Task<string> SaleorKeyIdAsync()
    {
        using var saleor = platform.CreateHttpClient("saleor");
        var jwks = await saleor.GetFromJsonAsync<JsonObject>(new Uri("/.well-known/jwks.json", UriKind.Relative));
        return (string)jwks!["keys"]![0]!["kid"]!;
    }

    private static async Task<string> MarketplaceAsync(HttpClient web)
    {
        using var response = await web.GetAsync(new Uri("/marketplace", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task ShowsWithinAsync(HttpClient web, string expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        string html;
        while (!(html = await MarketplaceAsync(web)).Contains(expected, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"/marketplace did not show '{expected}' within {within.TotalSeconds} s.");
            await Task.Delay(200);
        }
    }
}
