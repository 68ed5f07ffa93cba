using System.Text;
using Gsv.Provisioner.Inbox;
using Gsv.Saleor;
using Gsv.Saleor.Webhooks;
using Gsv.ServiceDefaults.Problems;
using Microsoft.Extensions.Options;

namespace Gsv.Provisioner.Apis;

/// <summary>
/// <c>POST /webhooks/saleor/order-paid</c>: Saleor's ORDER_FULLY_PAID. Only a delivery signed by the configured Saleor
/// (detached JWS against its JWKS, and <c>Saleor-Api-Url</c> naming it) is recorded; the event is in the inbox before
/// the 200, and provisioning happens afterwards from there. Unsigned/forged/foreign → 401, signed but unusable → 400
/// (Saleor does not retry 4xx); a failure to record → 500 so Saleor retries. The signature proves the body, not the
/// event: a signed order that is not paid is recorded as ignored and answered 200 with no effect.
/// </summary>
public static partial class SaleorWebhookApi
{
    public const string OrderPaidPath = "/webhooks/saleor/order-paid";
    private const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapSaleorWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(OrderPaidPath, ReceiveOrderPaidAsync)
            .AllowAnonymous() // authenticated by Saleor's signature, not a bearer token
            .WithName("SaleorOrderFullyPaid")
            .DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveOrderPaidAsync(
        HttpRequest request, SaleorWebhookVerifier verifier, IOptions<SaleorOptions> saleor, InboxStore inbox, InboxSignal signal,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SaleorWebhookApi));
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return GsvProblems.Problem("payload_too_large", StatusCodes.Status413PayloadTooLarge, "Payload too large");
        }

        var apiUrl = request.Headers["Saleor-Api-Url"].ToString();
        if (!IsConfiguredSaleor(apiUrl, saleor.Value.ApiUrl))
        {
            LogRejected(logger, "foreign Saleor-Api-Url", apiUrl);
            return Unauthorized("The webhook does not come from the configured Saleor.");
        }

        var verification = await verifier.VerifyAsync(request.Headers["Saleor-Signature"].ToString(), body, cancellationToken);
        if (verification != SignatureVerification.Valid)
        {
            LogRejected(logger, $"signature {verification}", apiUrl);
            return Unauthorized($"The Saleor-Signature is {verification.ToString().ToLowerInvariant()}.");
        }

        var eventType = request.Headers["Saleor-Event"].ToString();
        if (!string.Equals(eventType, OrderPaidEvent.EventType, StringComparison.OrdinalIgnoreCase))
        {
            return GsvProblems.Problem(GsvProblems.Validation, StatusCodes.Status400BadRequest, "Unexpected event",
                $"This endpoint receives {OrderPaidEvent.EventType}, not '{eventType}'.");
        }

        string payload;
        OrderPaidEvent order;
        try
        {
            payload = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
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

    /// <summary>The raw bytes as received (the signature covers them exactly); null when larger than the limit.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool IsConfiguredSaleor(string header, Uri? configured) =>
        configured is not null && Uri.TryCreate(header, UriKind.Absolute, out var received)
        && Uri.Compare(Normalize(received), Normalize(configured), UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static Uri Normalize(Uri uri) => uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");

    private static IResult Unauthorized(string detail) =>
        GsvProblems.Problem(GsvProblems.Unauthorized, StatusCodes.Status401Unauthorized, "Webhook not verified", detail);

    public sealed record WebhookReceipt(string OrderId, string Event, bool Duplicate, bool Ignored);

    [LoggerMessage(LogLevel.Warning, "Rejected a Saleor webhook ({Reason}; Saleor-Api-Url '{ApiUrl}')")]
    private static partial void LogRejected(ILogger logger, string reason, string apiUrl);

    [LoggerMessage(LogLevel.Warning, "Rejected a signed but malformed Saleor webhook: {Error}")]
    private static partial void LogMalformed(ILogger logger, string error);

    [LoggerMessage(LogLevel.Warning, "Ignored a signed ORDER_FULLY_PAID for order {OrderId}: the order in it is not paid")]
    private static partial void LogIgnored(ILogger logger, string orderId);

    [LoggerMessage(LogLevel.Information, "ORDER_FULLY_PAID for order {OrderId} recorded (duplicate: {Duplicate})")]
    private static partial void LogReceived(ILogger logger, string orderId, bool duplicate);
}
