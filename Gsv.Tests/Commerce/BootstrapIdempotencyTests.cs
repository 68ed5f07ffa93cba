using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gsv.Saleor;
using Gsv.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gsv.Tests.Commerce;

[Collection(PlatformCollection.Name)]
public sealed class BootstrapIdempotencyTests(PlatformFixture fixture)
{
    [Fact]
    public async Task Running_the_bootstrap_again_leaves_the_same_catalog_one_app_and_one_webhook()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var staff = await CommercePlatform.StaffAsync(fixture);
        var before = await CommercePlatform.AllProductsAsync(staff);
        var environment = await CommercePlatform.ProvisionerEnvironmentAsync(fixture);
        var staffToken = new StaffTokenSource(environment["Saleor__StaffEmail"], environment["Saleor__StaffPassword"]);
        var tokensBefore = await AppTokenCountAsync(staff, staffToken);

        // The second run is the Provisioner's own start-up: restart it and wait until its bootstrap has run again
        // (each run mints a fresh app token, since Saleor shows a token only once).
        await fixture.StopResourceAsync("provisioner");
        await fixture.StartResourceAsync("provisioner");
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await AppTokenCountAsync(staff, staffToken) <= tokensBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, "The restarted Provisioner did not run its bootstrap.");
            await Task.Delay(500);
        }

        await CommercePlatform.WaitForBootstrapAsync(fixture);

        var after = await CommercePlatform.AllProductsAsync(staff);
        Assert.Equal(Snapshot(before), Snapshot(after));

        var apps = (await staff.AppsAsync("GSV Provisioner")).Where(a => a.Name == "GSV Provisioner").ToList();
        var app = Assert.Single(apps);
        Assert.Contains("MANAGE_ORDERS", app.Permissions.Select(p => p.Code));
        var webhook = Assert.Single(app.Webhooks!);
        Assert.True(webhook.IsActive);
        Assert.Equal(["ORDER_FULLY_PAID"], webhook.AsyncEvents.Select(e => e.EventType));
        var env = await CommercePlatform.ProvisionerEnvironmentAsync(fixture);
        Assert.Equal(new Uri(new Uri(env["Provisioner__PublicUrl"]), "/webhooks/saleor/order-paid").ToString(), webhook.TargetUrl);
    }

    private static IEnumerable<string> Snapshot(IEnumerable<CatalogProduct> products) => products
        .OrderBy(p => p.Slug, StringComparer.Ordinal)
        .Select(p => string.Join('|', p.Id, p.Slug, p.Category?.Id, p.Pricing?.PriceRange?.Start?.Gross.Amount, string.Join(',', p.Variants!.Select(v => v.Id)),
            string.Join(',', p.Attributes.Select(a => a.Attribute.Slug + "=" + string.Join('+', a.Values.Select(v => v.Id))))));

    /// <summary>The number of tokens of the "GSV Provisioner" app (a field the typed client does not need).</summary>
    private async Task<int> AppTokenCountAsync(SaleorClient staff, StaffTokenSource staffToken)
    {
        var token = await staffToken.GetTokenAsync(staff, default);
        using var http = fixture.CreateHttpClient("saleor");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql/")
        {
            Content = JsonContent.Create(new { query = "query { apps(first: 100, filter: { search: \"GSV Provisioner\" }) { edges { node { name tokens { id } } } } }" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("data").GetProperty("apps").GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("node").GetProperty("name").GetString() == "GSV Provisioner")
            .Sum(e => e.GetProperty("node").GetProperty("tokens").GetArrayLength());
    }
}
