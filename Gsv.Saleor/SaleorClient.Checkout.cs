namespace Gsv.Saleor;

// Checkout of digital goods and the resulting orders (contracts/saleor/README.md §4).

public sealed record CheckoutVariant(string Id, string? Sku, SlugRef Product);

public sealed record CheckoutLine(string Id, int Quantity, CheckoutVariant Variant, TaxedMoney TotalPrice);

public sealed record CheckoutAddress(string? FirstName, string? LastName, CountryCode Country);

public sealed record SaleorCheckout(
    string Id, string Token, string? Email, ChannelSlug Channel, TaxedMoney TotalPrice,
    IReadOnlyList<CheckoutLine> Lines, CheckoutAddress? BillingAddress, IReadOnlyList<MetadataItem> Metadata);

public sealed record CheckoutLineInput(string VariantId, int Quantity);

public sealed record CheckoutLineUpdateInput(string LineId, int Quantity);

public sealed record CheckoutCreateInput(string Channel, IReadOnlyList<CheckoutLineInput> Lines, string? Email = null, AddressInput? BillingAddress = null);

public sealed record SaleorPayment(string Id, string Gateway, string ChargeStatus, Money Total);

public sealed record OrderVariant(string Id, string? Sku, SlugRef Product);

public sealed record OrderLine(string Id, string ProductName, string VariantName, string? ProductSku, int Quantity, OrderVariant? Variant);

public sealed record SaleorOrder(
    string Id, string Number, string Status, bool IsPaid, string ChargeStatus, string PaymentStatus, DateTimeOffset Created,
    string? UserEmail, ChannelSlug Channel, TaxedMoney Total, IReadOnlyList<OrderLine> Lines, IReadOnlyList<MetadataItem> Metadata);

public sealed partial class SaleorClient
{
    /// <summary>The built-in test gateway; token <see cref="DummyFullyCharged"/> charges the checkout in full.</summary>
    public const string DummyGateway = "mirumee.payments.dummy";
    public const string DummyFullyCharged = "fully-charged";

    public async Task<SaleorCheckout> CheckoutCreateAsync(CheckoutCreateInput input, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CheckoutCreateData>("CheckoutCreate", new { input }, cancellationToken)).CheckoutCreate, "checkoutCreate").Checkout!;

    public async Task<SaleorCheckout> CheckoutLinesAddAsync(string checkoutId, IReadOnlyList<CheckoutLineInput> lines, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CheckoutLinesAddData>("CheckoutLinesAdd", new { id = checkoutId, lines }, cancellationToken)).CheckoutLinesAdd, "checkoutLinesAdd").Checkout!;

    public async Task<SaleorCheckout> CheckoutLinesUpdateAsync(string checkoutId, IReadOnlyList<CheckoutLineUpdateInput> lines, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CheckoutLinesUpdateData>("CheckoutLinesUpdate", new { id = checkoutId, lines }, cancellationToken)).CheckoutLinesUpdate, "checkoutLinesUpdate").Checkout!;

    public async Task<SaleorCheckout> CheckoutLinesDeleteAsync(string checkoutId, IReadOnlyList<string> lineIds, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CheckoutLinesDeleteData>("CheckoutLinesDelete", new { id = checkoutId, linesIds = lineIds }, cancellationToken)).CheckoutLinesDelete, "checkoutLinesDelete").Checkout!;

    public async Task<SaleorCheckout> CheckoutEmailUpdateAsync(string checkoutId, string email, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CheckoutEmailUpdateData>("CheckoutEmailUpdate", new { id = checkoutId, email }, cancellationToken)).CheckoutEmailUpdate, "checkoutEmailUpdate").Checkout!;

    /// <summary>Sets the billing address; <paramref name="checkRequiredFields"/> false accepts a partial address (no permission needed).</summary>
    public async Task<SaleorCheckout> CheckoutBillingAddressUpdateAsync(string checkoutId, AddressInput address, bool checkRequiredFields = true, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CheckoutBillingAddressUpdateData>("CheckoutBillingAddressUpdate",
            new { id = checkoutId, billingAddress = address, validationRules = new { checkRequiredFields } }, cancellationToken)).CheckoutBillingAddressUpdate, "checkoutBillingAddressUpdate").Checkout!;

    public async Task<SaleorPayment> CheckoutPaymentCreateAsync(string checkoutId, string gateway, string token, decimal? amount = null, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CheckoutPaymentCreateData>("CheckoutPaymentCreate",
            new { id = checkoutId, input = new { gateway, token, amount } }, cancellationToken)).CheckoutPaymentCreate, "checkoutPaymentCreate").Payment!;

    public async Task<SaleorOrder> CheckoutCompleteAsync(string checkoutId, CancellationToken cancellationToken = default) =>
        Ok((await ExecuteAsync<CheckoutCompleteData>("CheckoutComplete", new { id = checkoutId }, cancellationToken)).CheckoutComplete, "checkoutComplete").Order!;

    /// <summary>An order by id (needs MANAGE_ORDERS, or the owning customer).</summary>
    public async Task<SaleorOrder?> OrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync<OrderData>("Order", new { id = orderId }, cancellationToken)).Order;

    private sealed record CheckoutPayload(SaleorCheckout? Checkout) : SaleorMutationPayload;
    private sealed record CheckoutCreateData(CheckoutPayload CheckoutCreate);
    private sealed record CheckoutLinesAddData(CheckoutPayload CheckoutLinesAdd);
    private sealed record CheckoutLinesUpdateData(CheckoutPayload CheckoutLinesUpdate);
    private sealed record CheckoutLinesDeleteData(CheckoutPayload CheckoutLinesDelete);
    private sealed record CheckoutEmailUpdateData(CheckoutPayload CheckoutEmailUpdate);
    private sealed record CheckoutBillingAddressUpdateData(CheckoutPayload CheckoutBillingAddressUpdate);
    private sealed record PaymentPayload(SaleorPayment? Payment) : SaleorMutationPayload;
    private sealed record CheckoutPaymentCreateData(PaymentPayload CheckoutPaymentCreate);
    private sealed record CompletePayload(SaleorOrder? Order, bool ConfirmationNeeded) : SaleorMutationPayload;
    private sealed record CheckoutCompleteData(CompletePayload CheckoutComplete);
    private sealed record OrderData(SaleorOrder? Order);

    /// <summary>
    /// One page of the orders paid in full (charge status FULL or OVERCHARGED) and changed at or after
    /// <paramref name="updatedAfter"/>, oldest change first; each order as raw JSON in the shape of the ORDER_FULLY_PAID
    /// subscription's <c>order</c> (plus <c>updatedAt</c>). Needs MANAGE_ORDERS.
    /// </summary>
    public async Task<SaleorPaidOrdersPage> PaidOrdersAsync(DateTimeOffset? updatedAfter, string? after, CancellationToken cancellationToken = default)
    {
        var orders = (await ExecuteAsync<PaidOrdersData>("PaidOrders", new { updatedAfter, after }, cancellationToken)).Orders;
        return new SaleorPaidOrdersPage([.. orders.Nodes], orders.PageInfo is { HasNextPage: true } page ? page.EndCursor : null);
    }

    private sealed record PaidOrdersData(Connection<System.Text.Json.JsonElement> Orders);
}
