using System.Text;
using Gsv.Provisioner.Inbox;
using Gsv.Saleor.Webhooks;
using Gsv.ServiceDefaults.Problems;

namespace Gsv.Provisioner.Apis;

/// <summary>
/// <c>POST /webhooks/saleor/order-paid</c>: Saleor's ORDER_FULLY_PAID. Only a delivery signed by the configured Saleor
/// (<see cref="SaleorWebhookReceiver"/>: detached JWS against its JWKS, and <c>Saleor-Api-Url</c> naming it) is
/// recorded; the event is in the inbox before the 200, and provisioning happens afterwards from there. Unsigned/forged/foreign → 401, signed but unusable → 400
/// (Saleor does not retry 4xx); a failure to record → 500 so Saleor retries. The signature proves the body, not the
/// event: a signed order that is not paid is recorded as ignored and answered 200 with no effect.
/// </summary>
public static partial class SaleorWebhookApi
{
    public const string OrderPaidPath = "/webhooks/saleor/order-paid";

    public static IEndpointRouteBuilder MapSaleorWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(OrderPaidPath, ReceiveOrderPaidAsync)
            .AllowAnonymous() // authenticated by Saleor's signature, not a bearer token
            .WithName("SaleorOrderFullyPaid")
            .DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveOrderPaidAsync(
        HttpRequest request, SaleorWebhookReceiver receiver, InboxStore inbox, InboxSignal signal, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SaleorWebhookApi));
        var (delivery, problem) = await receiver.ReceiveAsync(request, cancellationToken);
        if (delivery is null)
        {
            return problem!;
        }

        if (!string.Equals(delivery.EventType, OrderPaidEvent.EventType, StringComparison.OrdinalIgnoreCase))
        {
            return GsvProblems.Problem(GsvProblems.Validation, StatusCodes.Status400BadRequest, "Unexpected event",
                $"This endpoint receives {OrderPaidEvent.EventType}, not '{delivery.EventType}'.");
        }

        string payload;
        OrderPaidEvent order;
        try
        {
            payload = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(delivery.Body);
            order = OrderPaidEvent.Parse(payload);
        }
        catch (Exception e) when (e is MalformedEventException or DecoderFallbackException)
        {
            LogMalformed(logger, e.Message);
            return GsvProblems.Problem(GsvProblems.Validation, StatusCodes.Status400BadRequest, "Malformed event", e.Message);
        }

        if (!order.IsPaid)
        {
            var noted = await inbox.RecordIgnoredAsync(OrderPaidEvent.EventType, order.OrderId, payload, OrderPaidEvent.NotPaidReason, cancellationToken);
            LogIgnored(logger, order.OrderId);
            return TypedResults.Ok(new WebhookReceipt(order.OrderId, OrderPaidEvent.EventType, Duplicate: !noted, Ignored: true));
        }

        var recorded = await inbox.RecordAsync(OrderPaidEvent.EventType, order.OrderId, payload, cancellationToken);
        if (recorded)
        {
            signal.WakeUp.Notify();
        }

        LogReceived(logger, order.OrderId, !recorded);
        return TypedResults.Ok(new WebhookReceipt(order.OrderId, OrderPaidEvent.EventType, Duplicate: !recorded, Ignored: false));
    }

    public sealed record WebhookReceipt(string OrderId, string Event, bool Duplicate, bool Ignored);

    [LoggerMessage(LogLevel.Warning, "Rejected a signed but malformed Saleor webhook: {Error}")]
    private static partial void LogMalformed(ILogger logger, string error);

    [LoggerMessage(LogLevel.Warning, "Ignored a signed ORDER_FULLY_PAID for order {OrderId}: the order in it is not paid")]
    private static partial void LogIgnored(ILogger logger, string orderId);

    [LoggerMessage(LogLevel.Information, "ORDER_FULLY_PAID for order {OrderId} recorded (duplicate: {Duplicate})")]
    private static partial void LogReceived(ILogger logger, string orderId, bool duplicate);
}
