using System.Text.Json;
using Gsv.Saleor;
using Gsv.Saleor.Webhooks;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Commerce;

[Collection(PlatformCollection.Name)]
public sealed class CheckoutWebhookTests(PlatformFixture fixture)
{
    /// <summary>
    /// A test app holding MANAGE_ORDERS with an ORDER_FULLY_PAID webhook to <paramref name="receiver"/>, deactivated when
    /// the receiver is disposed.
    /// </summary>
    private static async Task<SaleorWebhook> RegisterReceiverAsync(SaleorClient staff, WebhookReceiver receiver)
    {
        var app = await staff.AppCreateAsync(new($"test-receiver-{Guid.NewGuid():N}", null, ["MANAGE_ORDERS"]));
        Assert.Equal(30, app.AuthToken.Length);
        var webhook = await staff.WebhookCreateAsync(new("test-order-paid", receiver.Url.ToString(), ["ORDER_FULLY_PAID"],
            SaleorOperations.Get("OrderFullyPaidEvent"), IsActive: true, App: app.App.Id));
        receiver.Unregister = () => staff.WebhookUpdateAsync(webhook.Id, new WebhookUpdateInput(IsActive: false));
        return webhook;
    }

    /// <summary>The buyer's path: checkout for one offering, dummy payment fully charged, complete.</summary>
    private async Task<SaleorOrder> BuyAsync(string slug)
    {
        var shop = CommercePlatform.Anonymous(fixture);
        var product = await shop.ProductAsync(slug, CommercePlatform.Channel);
        Assert.NotNull(product);
        var variant = Assert.Single(product.Variants!);
        var email = $"buyer-{Guid.NewGuid():N}@example.com";
        var checkout = await shop.CheckoutCreateAsync(new(CommercePlatform.Channel, [new(variant.Id, 1)], email));
        Assert.Equal(variant.Pricing!.Price!.Gross.Amount, checkout.TotalPrice.Gross.Amount);

        var noAddress = await Assert.ThrowsAsync<SaleorMutationException>(() => shop.CheckoutPaymentCreateAsync(checkout.Id, SaleorClient.DummyGateway, SaleorClient.DummyFullyCharged));
        Assert.True(noAddress.HasCode("BILLING_ADDRESS_NOT_SET"));

        await shop.CheckoutBillingAddressUpdateAsync(checkout.Id, new AddressInput(FirstName: "Ada", LastName: "Lovelace", Country: "US"), checkRequiredFields: false);
        var payment = await shop.CheckoutPaymentCreateAsync(checkout.Id, SaleorClient.DummyGateway, SaleorClient.DummyFullyCharged, checkout.TotalPrice.Gross.Amount);
        Assert.Equal("FULLY_CHARGED", payment.ChargeStatus);
        var order = await shop.CheckoutCompleteAsync(checkout.Id);
        Assert.Equal(email, order.UserEmail);
        return order;
    }

    [Fact]
    public async Task A_checkout_with_the_test_payment_yields_a_paid_order_and_a_signed_ORDER_FULLY_PAID_webhook()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var staff = await CommercePlatform.StaffAsync(fixture);
        await using var receiver = await WebhookReceiver.StartAsync();
        await RegisterReceiverAsync(staff, receiver);

        var order = await BuyAsync("research-agent");
        Assert.True(order.IsPaid);
        Assert.Equal("FULL", order.ChargeStatus);
        Assert.Equal("UNFULFILLED", order.Status);
        var line = Assert.Single(order.Lines);
        Assert.Equal("research-agent", line.Variant!.Product.Slug);
        Assert.Equal(1, line.Quantity);
        var stored = await staff.OrderAsync(order.Id);
        Assert.Equal(order.Number, stored!.Number);

        var delivery = Assert.Single(await receiver.WaitForAsync(order.Id, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal("order_fully_paid", delivery.Headers["Saleor-Event"]);
        var apiUrl = new Uri(delivery.Headers["Saleor-Api-Url"]);
        Assert.Equal(staff.ApiUrl.Port, apiUrl.Port);
        Assert.EndsWith("/graphql/", apiUrl.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(apiUrl.Authority, delivery.Headers["Saleor-Domain"]);

        // The payload is the subscription's `event` contents: what provisioning needs.
        using (var payload = JsonDocument.Parse(delivery.Body))
        {
            var paid = payload.RootElement.GetProperty("order");
            Assert.Equal(order.Id, paid.GetProperty("id").GetString());
            Assert.Equal(order.Number, paid.GetProperty("number").GetString());
            Assert.Equal(order.UserEmail, paid.GetProperty("userEmail").GetString());
            Assert.Equal(order.Total.Gross.Amount, paid.GetProperty("total").GetProperty("gross").GetProperty("amount").GetDecimal());
            var paidLine = paid.GetProperty("lines")[0];
            Assert.Equal(1, paidLine.GetProperty("quantity").GetInt32());
            var product = paidLine.GetProperty("variant").GetProperty("product");
            Assert.Equal("research-agent", product.GetProperty("slug").GetString());
            var flow = product.GetProperty("attributes").EnumerateArray().Single(a => a.GetProperty("attribute").GetProperty("slug").GetString() == "gsv-flow");
            Assert.Equal("research-agent", flow.GetProperty("values")[0].GetProperty("plainText").GetString());
        }

        // Signature: valid against Saleor's JWKS; one altered byte, a forged key, or no signature all fail.
        using var jwksHttp = fixture.CreateHttpClient("saleor");
        var verifier = new SaleorWebhookVerifier(new SaleorJwks(jwksHttp, SaleorOptions.JwksUrlFor(staff.ApiUrl)));
        var signature = delivery.Headers["Saleor-Signature"];
        Assert.Equal(SignatureVerification.Valid, await verifier.VerifyAsync(signature, delivery.Body));

        var tampered = delivery.Body.ToArray();
        tampered[tampered.Length / 2] ^= 0x01;
        Assert.Equal(SignatureVerification.Invalid, await verifier.VerifyAsync(signature, tampered));
        Assert.Equal(SignatureVerification.Missing, await verifier.VerifyAsync(null, delivery.Body));
        Assert.Equal(SignatureVerification.Malformed, await verifier.VerifyAsync("not-a-jws", delivery.Body));

        var forged = ForgedSaleorSignature.Sign(signature.Split('.')[0], delivery.Body);
        Assert.Equal(SignatureVerification.Invalid, await verifier.VerifyAsync(forged, delivery.Body));

        var unknownKid = ForgedSaleorSignature.HeaderNaming("unknown") + ".." + signature.Split('.')[2];
        Assert.Equal(SignatureVerification.UnknownKey, await verifier.VerifyAsync(unknownKid, delivery.Body));
    }

    [Fact]
    public async Task A_500_from_the_receiver_is_retried_until_it_succeeds()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var staff = await CommercePlatform.StaffAsync(fixture);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, seen) => seen == 0 ? 500 : 200;
        var webhook = await RegisterReceiverAsync(staff, receiver);

        var order = await BuyAsync("inbox-triage");

        // Saleor's first retry waits 10 s (retry_backoff=10).
        var deliveries = await receiver.WaitForAsync(order.Id, 2, TimeSpan.FromSeconds(60));
        Assert.Equal(deliveries[0].Text, deliveries[1].Text);
        var delivery = await WaitForFinalDeliveryAsync(staff, webhook.Id);
        Assert.Equal("SUCCESS", delivery.Status);
        // One failed attempt (500) and one successful retry (200), whatever order Saleor lists them in.
        Assert.Equal([200, 500], delivery.Attempts.Nodes.Select(a => a.ResponseStatusCode ?? 0).Order());
    }

    [Fact]
    public async Task A_400_from_the_receiver_is_not_retried()
    {
        await CommercePlatform.WaitForBootstrapAsync(fixture);
        var staff = await CommercePlatform.StaffAsync(fixture);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, _) => 400;
        var webhook = await RegisterReceiverAsync(staff, receiver);

        var order = await BuyAsync("credits-100");

        await receiver.WaitForAsync(order.Id, 1, TimeSpan.FromSeconds(30));
        // FAILED is final: Saleor marks a 4xx delivery failed at once and schedules no retry.
        var delivery = await WaitForFinalDeliveryAsync(staff, webhook.Id);
        Assert.Equal("FAILED", delivery.Status);
        Assert.Equal(400, Assert.Single(delivery.Attempts.Nodes).ResponseStatusCode);
        Assert.Single(receiver.For(order.Id));
    }

    private static async Task<EventDelivery> WaitForFinalDeliveryAsync(SaleorClient staff, string webhookId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var deliveries = await staff.WebhookDeliveriesAsync(webhookId);
            if (deliveries.Count > 0 && deliveries.All(d => d.Status != "PENDING"))
            {
                return Assert.Single(deliveries);
            }

            Assert.True(DateTime.UtcNow < deadline, "The delivery never reached a final status.");
            await Task.Delay(200);
        }
    }
}
