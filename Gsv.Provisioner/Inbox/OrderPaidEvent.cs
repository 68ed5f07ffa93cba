using System.Globalization;
using System.Text.Json;

namespace Gsv.Provisioner.Inbox;

/// <summary>One paid order line: what was bought, how many, and the product's <c>gsv-*</c> attributes.</summary>
public sealed record PaidOrderLine(
    string LineId, string? VariantId, string? ProductId, string ProductSlug, int Quantity, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string slug) => Attributes.TryGetValue(slug, out var value) ? value : null;
}

/// <summary>
/// The body of Saleor's ORDER_FULLY_PAID subscription webhook (the unwrapped <c>event</c> contents, or the wrapped
/// <c>data.orderFullyPaid</c> form of top-level subscriptions), reduced to what provisioning needs. The signature proves
/// the body, not the event (<c>Saleor-Event</c> is not signed, and any signed order payload could be replayed here), so
/// <see cref="IsPaid"/> is read from the order itself.
/// </summary>
public sealed record OrderPaidEvent(string OrderId, string? OrderNumber, string Email, bool IsPaid, IReadOnlyList<PaidOrderLine> Lines)
{
    public const string EventType = "order_fully_paid";
    public const string NotPaidReason = "The signed order is not paid (isPaid false, chargeStatus neither FULL nor OVERCHARGED).";

    /// <summary>Parses and validates the body; a body that cannot be provisioned is a <see cref="MalformedEventException"/>.</summary>
    public static OrderPaidEvent Parse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new MalformedEventException($"The body is not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedEventException("The body is not a JSON object.");
            }

            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("orderFullyPaid", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object)
            {
                root = wrapped;
            }

            if (!root.TryGetProperty("order", out var order) || order.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedEventException("The event has no order.");
            }

            var orderId = String(order, "id") ?? throw new MalformedEventException("The order has no id.");
            var email = String(order, "userEmail")
                ?? (order.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object ? String(user, "email") : null)
                ?? throw new MalformedEventException($"Order {orderId} has no buyer e-mail (userEmail).");
            if (!order.TryGetProperty("lines", out var lines) || lines.ValueKind != JsonValueKind.Array || lines.GetArrayLength() == 0)
            {
                throw new MalformedEventException($"Order {orderId} has no lines.");
            }

            return new OrderPaidEvent(orderId, String(order, "number"), email.Trim(), Paid(order), [.. lines.EnumerateArray().Select((l, i) => Line(orderId, l, i))]);
        }
    }

    /// <summary>Paid when Saleor says so: <c>isPaid</c>, or a <c>chargeStatus</c> of FULL or OVERCHARGED; absent means not paid.</summary>
    private static bool Paid(JsonElement order) =>
        (order.TryGetProperty("isPaid", out var isPaid) && isPaid.ValueKind == JsonValueKind.True)
        || String(order, "chargeStatus") is "FULL" or "OVERCHARGED";

    private static PaidOrderLine Line(string orderId, JsonElement line, int index)
    {
        var lineId = String(line, "id") ?? throw new MalformedEventException($"Line {index} of order {orderId} has no id.");
        if (!line.TryGetProperty("quantity", out var quantityElement) || !quantityElement.TryGetInt32(out var quantity) || quantity <= 0)
        {
            throw new MalformedEventException($"Line {lineId} of order {orderId} has no positive quantity.");
        }

        if (!line.TryGetProperty("variant", out var variant) || variant.ValueKind != JsonValueKind.Object
            || !variant.TryGetProperty("product", out var product) || product.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException($"Line {lineId} of order {orderId} has no variant.product (deleted product?).");
        }

        var slug = String(product, "slug") ?? throw new MalformedEventException($"Line {lineId} of order {orderId} has no product slug.");
        return new PaidOrderLine(lineId, String(variant, "id"), String(product, "id"), slug, quantity, Attributes(product));
    }

    /// <summary><c>attributes[{attribute{slug}, values[{name slug plainText boolean}]}]</c> → slug → first value.</summary>
    private static Dictionary<string, string> Attributes(JsonElement product)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!product.TryGetProperty("attributes", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return attributes;
        }

        foreach (var item in list.EnumerateArray())
        {
            if (!item.TryGetProperty("attribute", out var attribute) || String(attribute, "slug") is not { } slug
                || !item.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var all = values.EnumerateArray().Select(Value).OfType<string>().ToList();
            if (all.Count > 0)
            {
                attributes[slug] = string.Join(",", all);
            }
        }

        return attributes;
    }

    private static string? Value(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (value.TryGetProperty("boolean", out var boolean) && boolean.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return boolean.GetBoolean() ? "true" : "false";
        }

        return String(value, "plainText") ?? String(value, "name") ?? String(value, "slug");
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String when value.GetString() is { Length: > 0 } s => s,
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>Parses an integer attribute such as <c>gsv-included-credits</c> ("200", "200.0").</summary>
    public static long? ParseCredits(string? value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) && number >= 0 && number == decimal.Truncate(number)
            ? (long)number
            : null;
}

/// <summary>A signed event that cannot be provisioned as sent (answered 400: Saleor does not retry 4xx).</summary>
public sealed class MalformedEventException(string message) : Exception(message);
