namespace Gsv.Saleor.Webhooks;

/// <summary>
/// The Saleor events that change what the storefront lists (a product created, renamed, repriced, unpublished or
/// deleted): the Web app subscribes to them to refresh its cached product lists. They need MANAGE_PRODUCTS.
/// </summary>
public static class ProductChangeEvents
{
    public const string WebhookName = "gsv-web-product-changes";

    /// <summary>The Web app's endpoint for them (relative to its address as Saleor sees it).</summary>
    public const string WebhookPath = "/saleor/webhooks/products";

    /// <summary>The subscription query (<c>Operations/ProductChangedEvent.graphql</c>).</summary>
    public const string Operation = "ProductChangedEvent";

    public const string Permission = "MANAGE_PRODUCTS";

    /// <summary>As registered (<c>WebhookEventTypeAsyncEnum</c>); Saleor-Event carries them in lower case.</summary>
    public static readonly IReadOnlyList<string> All = ["PRODUCT_CREATED", "PRODUCT_UPDATED", "PRODUCT_DELETED", "PRODUCT_VARIANT_UPDATED"];

    /// <summary>True for one of <see cref="All"/>, in any case (the header is lower case, the enum upper case).</summary>
    public static bool Contains(string eventType) => All.Contains(eventType, StringComparer.OrdinalIgnoreCase);
}
