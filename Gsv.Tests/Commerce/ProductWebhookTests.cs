using System.Text.Json;
using Gsv.Saleor;
using Gsv.Saleor.Webhooks;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Commerce;

/// <summary>Saleor (the emulator in local mode) sends product events as the real one does: signed, to apps holding MANAGE_PRODUCTS.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ProductWebhookTests(PlatformFixture fixture)
{
    [Fact]
    public async Task A_product_update_sends_a_signed_PRODUCT_UPDATED_with_the_subscriptions_payload_only_to_apps_with_MANAGE_PRODUCTS()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var staff = await CommercePlatform.StaffAsync(fixture);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var withoutPermission = await WebhookReceiver.StartAsync();
        await RegisterAsync(staff, receiver, ["MANAGE_PRODUCTS"]);
        var other = await RegisterAsync(staff, withoutPermission, ["MANAGE_ORDERS"]);
        var product = (await staff.ProductForBootstrapAsync("data-insights"))!;

        // The same name again: still an update, and the shared catalog stays as seeded.
        await staff.ProductUpdateAsync(product.Id, new ProductUpdateInput(Name: product.Name));

        var delivery = Assert.Single(await receiver.WaitForAsync(product.Id, 1, TimeSpan.FromSeconds(10)));
        Assert.Equal("product_updated", delivery.Headers["Saleor-Event"]);
        Assert.Equal("product_updated", delivery.Headers["X-Saleor-Event"]);
        Assert.Equal(staff.ApiUrl.AbsolutePath, new Uri(delivery.Headers["Saleor-Api-Url"]).AbsolutePath);
        using (var body = JsonDocument.Parse(delivery.Body))
        {
            // The unwrapped `event` contents, in the subscription's selection order.
            Assert.Equal(["issuedAt", "version", "product"], body.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal("data-insights", body.RootElement.GetProperty("product").GetProperty("slug").GetString());
        }

        using var jwksHttp = fixture.CreateHttpClient("saleor");
        var verifier = new SaleorWebhookVerifier(new SaleorJwks(jwksHttp, SaleorOptions.JwksUrlFor(staff.ApiUrl)));
        Assert.Equal(SignatureVerification.Valid, await verifier.VerifyAsync(delivery.Headers["Saleor-Signature"], delivery.Body));

        // Deliveries are created for every target before any is sent: the app without MANAGE_PRODUCTS got none.
        Assert.Empty(await staff.WebhookDeliveriesAsync(other.Id));
        Assert.Empty(withoutPermission.For(product.Id));
    }

    private static async Task<SaleorWebhook> RegisterAsync(SaleorClient staff, WebhookReceiver receiver, IReadOnlyList<string> permissions)
    {
        var app = await staff.AppCreateAsync(new($"test-products-{Guid.NewGuid():N}", null, permissions));
        var webhook = await staff.WebhookCreateAsync(new("test-product-changes", receiver.Url.ToString(), ProductChangeEvents.All,
            SaleorOperations.Get(ProductChangeEvents.Operation), IsActive: true, App: app.App.Id));
        receiver.Unregister = () => staff.WebhookUpdateAsync(webhook.Id, new WebhookUpdateInput(IsActive: false));
        return webhook;
    }
}
