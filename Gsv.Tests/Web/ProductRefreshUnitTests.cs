using System.Text;
using Gsv.Emulators.Saleor;
using Gsv.Saleor.Webhooks;
using Gsv.Web.Marketplace;
using Microsoft.Extensions.Caching.Memory;

namespace Gsv.Tests.Web;

public sealed class ProductListGenerationTests
{
    [Fact]
    public void Invalidating_drops_the_entries_of_the_generation_and_keeps_later_ones()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var generation = new ProductListGeneration();
        cache.Set("before", 1, new MemoryCacheEntryOptions().AddExpirationToken(generation.Token));

        generation.Invalidate();
        cache.Set("after", 2, new MemoryCacheEntryOptions().AddExpirationToken(generation.Token));

        Assert.False(cache.TryGetValue("before", out _));
        Assert.True(cache.TryGetValue("after", out int after));
        Assert.Equal(2, after);
    }

    [Fact]
    public void A_read_that_overlaps_a_change_is_not_kept()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var generation = new ProductListGeneration();
        var tokenAtReadStart = generation.Token;

        generation.Invalidate(); // Saleor reports a change while the list is being read
        cache.Set("list", "stale", new MemoryCacheEntryOptions().AddExpirationToken(tokenAtReadStart));

        Assert.True(tokenAtReadStart.HasChanged);
        Assert.False(cache.TryGetValue("list", out _));
    }
}

public sealed class ProductChangedPayloadTests
{
    [Theory]
    [InlineData("""{"issuedAt": "2026-01-01T00:00:00+00:00", "version": "3.23.28", "product": {"id": "UHJvZHVjdDox", "slug": "research-agent"}}""", "research-agent")]
    [InlineData("""{"productVariant": {"id": "UHJvZHVjdFZhcmlhbnQ6MQ==", "product": {"id": "UHJvZHVjdDox", "slug": "100-credits"}}}""", "100-credits")]
    [InlineData("""{"product": null}""", null)]
    [InlineData("""{}""", null)]
    public void A_JSON_object_is_read_with_the_changed_products_slug(string body, string? slug)
    {
        Assert.True(ProductChangedPayload.TryRead(Encoding.UTF8.GetBytes(body), out var read));
        Assert.Equal(slug, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""[{"product": {"slug": "x"}}]""")]
    [InlineData("\"product\"")]
    public void Anything_but_a_JSON_object_is_malformed(string body) =>
        Assert.False(ProductChangedPayload.TryRead(Encoding.UTF8.GetBytes(body), out _));
}

public sealed class ProductChangeEventsTests
{
    [Theory]
    [InlineData("product_updated", true)]
    [InlineData("PRODUCT_CREATED", true)]
    [InlineData("product_deleted", true)]
    [InlineData("product_variant_updated", true)]
    [InlineData("product_variant_created", false)]
    [InlineData("order_fully_paid", false)]
    [InlineData("", false)]
    public void The_header_names_a_product_change_in_any_case(string header, bool expected) =>
        Assert.Equal(expected, ProductChangeEvents.Contains(header));

    [Theory]
    [InlineData("https://shop.example/graphql/", "https://shop.example/graphql/", true)]
    [InlineData("https://shop.example/graphql", "https://shop.example/graphql/", true)]
    [InlineData("HTTPS://SHOP.EXAMPLE/graphql/", "https://shop.example/graphql/", true)]
    [InlineData("https://shop.elsewhere.example/graphql/", "https://shop.example/graphql/", false)]
    [InlineData("http://shop.example/graphql/", "https://shop.example/graphql/", false)]
    [InlineData("", "https://shop.example/graphql/", false)]
    public void Only_the_configured_Saleor_is_accepted(string header, string configured, bool expected) =>
        Assert.Equal(expected, SaleorWebhookReceiver.IsConfiguredSaleor(header, new Uri(configured)));

    [Theory]
    [InlineData("PRODUCT_UPDATED", "MANAGE_PRODUCTS")]
    [InlineData("PRODUCT_VARIANT_UPDATED", "MANAGE_PRODUCTS")]
    [InlineData("ORDER_FULLY_PAID", "MANAGE_ORDERS")]
    public void The_emulator_sends_an_event_only_to_apps_with_its_permission(string eventType, string permission) =>
        Assert.Equal(permission, SaleorWebhookDispatcher.PermissionFor(eventType));
}
