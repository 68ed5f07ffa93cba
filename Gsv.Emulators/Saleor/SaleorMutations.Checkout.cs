using System.Globalization;
using GraphQL;
using static Gsv.Emulators.Saleor.SaleorGraph;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

public sealed partial class SaleorMutations
{
    // Charge statuses the dummy gateway simulates when passed as the token (payment/gateways/dummy).
    private static readonly string[] DummyStatuses = ["not-charged", "pending", "partially-charged", "fully-charged", "partially-refunded", "fully-refunded", "refused", "cancelled"];

    private CheckoutRow? FindCheckout(IResolveFieldContext ctx)
    {
        var token = GuidPk(Arg(ctx, "id") as string ?? Arg(ctx, "checkoutId") as string, "Checkout")
            ?? (Guid.TryParse(Arg(ctx, "token")?.ToString(), out var t) ? t : null);
        return store.Checkouts.FirstOrDefault(c => c.Token == token && !c.Completed);
    }

    private static Node CheckoutNotFound() => Failed(Error("id", "NOT_FOUND", "Couldn't resolve to a node."));

    private Node? AddLines(CheckoutRow checkout, IReadOnlyList<object?> lines, bool replace)
    {
        foreach (var line in lines.Select(Obj))
        {
            var variant = store.Variants.FirstOrDefault(v => v.Pk == IntPk(Str(line, "variantId"), "ProductVariant"));
            if (variant is null)
            {
                return Error("variantId", "NOT_FOUND", "Couldn't resolve to a node.");
            }

            var quantity = Convert.ToInt32(Get(line, "quantity") ?? 1, CultureInfo.InvariantCulture);
            if (quantity < 0 || (quantity == 0 && !replace))
            {
                return Error("quantity", "ZERO_QUANTITY", "Variant quantity must be greater than 0.");
            }

            var product = store.Products.First(p => p.Pk == variant.ProductPk);
            if (!variant.Prices.ContainsKey(checkout.ChannelPk))
            {
                return Error("lines", "UNAVAILABLE_VARIANT_IN_CHANNEL", "Cannot add lines with unavailable variants.");
            }

            if (!product.Listings.TryGetValue(checkout.ChannelPk, out var listing) || !listing.IsPublished)
            {
                return Error("lines", "PRODUCT_NOT_PUBLISHED", "Cannot add lines for unpublished variants.");
            }

            if (!listing.IsAvailableForPurchase)
            {
                return Error("lines", "PRODUCT_UNAVAILABLE_FOR_PURCHASE", "Cannot add lines for unavailable for purchase variants.");
            }

            var existing = checkout.Lines.FirstOrDefault(l => l.VariantPk == variant.Pk);
            if (existing is null)
            {
                checkout.Lines.Add(new CheckoutLineRow { VariantPk = variant.Pk, Quantity = quantity });
            }
            else
            {
                existing.Quantity = replace ? quantity : existing.Quantity + quantity;
            }
        }

        checkout.Lines.RemoveAll(l => l.Quantity == 0);
        checkout.Payments.Clear(); // the total changed: a previous payment no longer covers it
        return null;
    }

    private Node CheckoutCreate(IResolveFieldContext ctx)
    {
        var input = InputArg(ctx);
        var slug = Str(input, "channel");
        if (slug is null)
        {
            return Failed(Error("channel", "MISSING_CHANNEL_SLUG", "You need to provide channel slug."));
        }

        var channel = store.Channels.FirstOrDefault(c => c.Slug == slug);
        if (channel is null)
        {
            return Failed(Error("channel", "NOT_FOUND", $"Channel with '{slug}' slug does not exist."));
        }

        if (!channel.IsActive)
        {
            return Failed(Error("channel", "CHANNEL_INACTIVE", $"Channel with '{slug}' is inactive."));
        }

        var caller = Caller(ctx);
        var checkout = new CheckoutRow { ChannelPk = channel.Pk, Created = time.GetUtcNow(), Email = Str(input, "email") ?? caller.User?.Email, UserPk = caller.User?.Pk };
        if (AddLines(checkout, List(Get(input, "lines")), replace: false) is { } error)
        {
            return Failed(error);
        }

        if (Obj(Get(input, "billingAddress")) is { } address)
        {
            checkout.BillingAddress = Address(address);
        }

        store.Checkouts.Add(checkout);
        return Payload("checkout", views.Checkout(checkout));
    }

    private Node CheckoutLinesAdd(IResolveFieldContext ctx) => UpdateLines(ctx, replace: false);

    private Node CheckoutLinesUpdate(IResolveFieldContext ctx)
    {
        var checkout = FindCheckout(ctx);
        if (checkout is null)
        {
            return CheckoutNotFound();
        }

        // Lines may be addressed by line id: translate to variant ids.
        var lines = List(Arg(ctx, "lines")).Select(Obj).Select(l =>
        {
            if (Str(l, "lineId") is { } lineId)
            {
                var line = checkout.Lines.FirstOrDefault(x => x.Id == GuidPk(lineId, "CheckoutLine"));
                return (object?)new Node { ["variantId"] = line is null ? null : Gid("ProductVariant", line.VariantPk), ["quantity"] = Get(l, "quantity") };
            }

            return l;
        }).ToList();
        return AddLines(checkout, lines, replace: true) is { } error ? Failed(error) : Payload("checkout", views.Checkout(checkout));
    }

    private Node UpdateLines(IResolveFieldContext ctx, bool replace)
    {
        var checkout = FindCheckout(ctx);
        if (checkout is null)
        {
            return CheckoutNotFound();
        }

        return AddLines(checkout, List(Arg(ctx, "lines")), replace) is { } error ? Failed(error) : Payload("checkout", views.Checkout(checkout));
    }

    private Node CheckoutLinesDelete(IResolveFieldContext ctx)
    {
        var checkout = FindCheckout(ctx);
        if (checkout is null)
        {
            return CheckoutNotFound();
        }

        var ids = List(Arg(ctx, "linesIds")).Select(id => GuidPk(id?.ToString(), "CheckoutLine")).ToList();
        if (ids.Any(id => checkout.Lines.All(l => l.Id != id)))
        {
            return Failed(Error("lineId", "INVALID", "Provided line_ids aren't part of checkout."));
        }

        checkout.Lines.RemoveAll(l => ids.Contains(l.Id));
        checkout.Payments.Clear();
        return Payload("checkout", views.Checkout(checkout));
    }

    private Node CheckoutEmailUpdate(IResolveFieldContext ctx)
    {
        var checkout = FindCheckout(ctx);
        if (checkout is null)
        {
            return CheckoutNotFound();
        }

        var email = Arg(ctx, "email") as string;
        if (string.IsNullOrWhiteSpace(email) || !System.Net.Mail.MailAddress.TryCreate(email, out _))
        {
            return Failed(Error("email", "INVALID", "Enter a valid email address."));
        }

        checkout.Email = email;
        return Payload("checkout", views.Checkout(checkout));
    }

    private static Node Address(IDictionary<string, object?> input) => new()
    {
        ["id"] = Gid("Address", Guid.NewGuid()), ["firstName"] = Str(input, "firstName") ?? "", ["lastName"] = Str(input, "lastName") ?? "",
        ["companyName"] = Str(input, "companyName") ?? "", ["streetAddress1"] = Str(input, "streetAddress1") ?? "", ["streetAddress2"] = "",
        ["city"] = Str(input, "city") ?? "", ["cityArea"] = "", ["postalCode"] = Str(input, "postalCode") ?? "", ["countryArea"] = Str(input, "countryArea") ?? "",
        ["phone"] = "", ["country"] = new Node { ["code"] = Str(input, "country"), ["country"] = Str(input, "country") },
    };

    private Node CheckoutBillingAddressUpdate(IResolveFieldContext ctx)
    {
        var checkout = FindCheckout(ctx);
        if (checkout is null)
        {
            return CheckoutNotFound();
        }

        var address = Obj(Arg(ctx, "billingAddress")) ?? new Node();
        var checkRequired = Bool(Obj(Arg(ctx, "validationRules")), "checkRequiredFields") ?? true;
        if (Str(address, "country") is null)
        {
            return Failed(Error("country", "REQUIRED", "This field is required."));
        }

        if (checkRequired && Str(address, "country") == "US")
        {
            foreach (var field in new[] { "streetAddress1", "city", "countryArea", "postalCode" })
            {
                if (string.IsNullOrWhiteSpace(Str(address, field)))
                {
                    return Failed(Error(field, "REQUIRED", "This field is required."));
                }
            }
        }

        checkout.BillingAddress = Address(address);
        return Payload("checkout", views.Checkout(checkout));
    }

    private Node CheckoutPaymentCreate(IResolveFieldContext ctx)
    {
        var checkout = FindCheckout(ctx);
        if (checkout is null)
        {
            return CheckoutNotFound();
        }

        var input = InputArg(ctx);
        var channel = store.Channels.First(c => c.Pk == checkout.ChannelPk);
        if (Str(input, "gateway") != "mirumee.payments.dummy")
        {
            return Failed(Error("gateway", "NOT_SUPPORTED_GATEWAY", $"The gateway {Str(input, "gateway")} is not available for this checkout."));
        }

        if (checkout.BillingAddress is null)
        {
            return Failed(Error("billingAddress", "BILLING_ADDRESS_NOT_SET", "Billing address is not set"));
        }

        if (checkout.Email is null)
        {
            return Failed(Error("email", "CHECKOUT_EMAIL_NOT_SET", "Checkout email must be set."));
        }

        if (checkout.Lines.Count == 0)
        {
            return Failed(Error("lines", "NO_CHECKOUT_LINES", "Provided checkout has no lines."));
        }

        var token = Str(input, "token");
        if (string.IsNullOrEmpty(token))
        {
            return Failed(Error("token", "REQUIRED", "Your payment gateway requires a token."));
        }

        var total = views.Total(checkout);
        if (Dec(Get(input, "amount")) is { } amount && amount != total)
        {
            return Failed(Error("amount", "PARTIAL_PAYMENT_NOT_ALLOWED", "Partial payments are not allowed, amount should be equal checkout's total."));
        }

        // A token naming a charge status simulates it; any other token is a successful capture (auto-capture on).
        var status = DummyStatuses.Contains(token) ? token.Replace('-', '_').ToUpperInvariant() : "FULLY_CHARGED";
        var payment = new PaymentRow { Pk = store.NextPk(), Gateway = "mirumee.payments.dummy", Token = token, Amount = total, ChargeStatus = status };
        checkout.Payments.Clear();
        checkout.Payments.Add(payment);
        return Payload("payment", views.Payment(payment, channel.Currency));
    }

    // Saleor's CheckoutComplete payload always carries confirmationNeeded (Boolean!), false when the mutation fails too.
    private Node CheckoutComplete(IResolveFieldContext ctx)
    {
        var payload = CompleteCheckout(ctx);
        payload.TryAdd("confirmationNeeded", false);
        return payload;
    }

    private Node CompleteCheckout(IResolveFieldContext ctx)
    {
        var checkout = FindCheckout(ctx);
        if (checkout is null)
        {
            return CheckoutNotFound();
        }

        if (checkout.Lines.Count == 0)
        {
            return Failed(Error("lines", "NO_LINES", "Cannot complete checkout without lines."));
        }

        if (checkout.Email is null)
        {
            return Failed(Error("email", "EMAIL_NOT_SET", "Email is not set."));
        }

        if (checkout.BillingAddress is null)
        {
            return Failed(Error("billingAddress", "BILLING_ADDRESS_NOT_SET", "Billing address is not set"));
        }

        var total = views.Total(checkout);
        var payment = checkout.Payments.LastOrDefault();
        if (total > 0 && payment is null)
        {
            return Failed(Error("id", "CHECKOUT_NOT_FULLY_PAID", "Provided payment methods can not cover the checkout's total amount"));
        }

        if (payment is not null && payment.ChargeStatus is not ("FULLY_CHARGED" or "PENDING"))
        {
            return Failed(Error(null, "PAYMENT_ERROR", "Unable to process the payment."));
        }

        var channel = store.Channels.First(c => c.Pk == checkout.ChannelPk);
        var order = new OrderRow
        {
            Number = store.NextOrderNumber(), ChannelPk = channel.Pk, Email = checkout.Email, UserPk = checkout.UserPk, Created = time.GetUtcNow(),
            Updated = time.GetUtcNow(),
            Total = total, Charged = payment?.ChargeStatus == "FULLY_CHARGED" ? payment.Amount : 0,
            PaymentStatus = payment?.ChargeStatus ?? "NOT_CHARGED",
            // channel.automaticallyConfirmAllNewOrders defaults to true.
            Status = "UNFULFILLED", Metadata = new(checkout.Metadata),
        };
        foreach (var line in checkout.Lines)
        {
            var variant = store.Variants.First(v => v.Pk == line.VariantPk);
            var product = store.Products.First(p => p.Pk == variant.ProductPk);
            order.Lines.Add(new OrderLineRow
            {
                VariantPk = variant.Pk, ProductName = product.Name, VariantName = variant.Name, Sku = variant.Sku, Quantity = line.Quantity,
                UnitPrice = variant.Prices[channel.Pk],
            });
            if (variant.TrackInventory && variant.Stocks.Count > 0)
            {
                var warehouse = variant.Stocks.Keys.First();
                variant.Stocks[warehouse] = Math.Max(0, variant.Stocks[warehouse] - line.Quantity);
            }
        }

        checkout.Completed = true;
        store.Orders.Add(order);
        // ORDER_* payloads are deferred: generated after the mutation, from the state at that time.
        webhooks.Enqueue("ORDER_CREATED", order.Id);
        if (SaleorViews.ChargeStatus(order) is "FULL" or "OVERCHARGED")
        {
            webhooks.Enqueue("ORDER_FULLY_PAID", order.Id);
        }

        return new Node { ["order"] = views.Order(order), ["confirmationNeeded"] = false, ["confirmationData"] = null, ["errors"] = Array.Empty<Node>() };
    }
}
