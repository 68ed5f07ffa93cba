using System.Text.Json;

namespace Gsv.Web.Marketplace;

/// <summary>
/// The body of a product-change webhook (<c>Gsv.Saleor/Operations/ProductChangedEvent.graphql</c>, unwrapped
/// <c>event</c> contents): a JSON object with <c>product</c>, or <c>productVariant.product</c> for variant events.
/// </summary>
public static class ProductChangedPayload
{
    /// <summary>True when the body is a JSON object; <paramref name="slug"/> is the changed product's slug when it names one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out string? slug)
    {
        slug = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var product = root.TryGetProperty("product", out var p) ? p
                : root.TryGetProperty("productVariant", out var v) && v.ValueKind == JsonValueKind.Object && v.TryGetProperty("product", out var vp) ? vp
                : default;
            slug = product.ValueKind == JsonValueKind.Object && product.TryGetProperty("slug", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
