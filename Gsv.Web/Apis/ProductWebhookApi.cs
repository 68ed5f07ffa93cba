using Gsv.Saleor.Webhooks;
using Gsv.ServiceDefaults.Problems;
using Gsv.Web.Marketplace;

namespace Gsv.Web.Apis;

/// <summary>
/// <c>POST /saleor/webhooks/products</c>: Saleor's product events (registered by the Provisioner's bootstrap for the
/// GSV app). A delivery verified like every Saleor webhook (<see cref="SaleorWebhookReceiver"/>: 401/413 otherwise)
/// ends the cached product lists' generation, so the marketplace shows the change at the next request. Signed but
/// not JSON → 400; an event this endpoint does not handle → 200, ignored (Saleor would otherwise record a failure).
/// </summary>
public static partial class ProductWebhookApi
{
    public static IEndpointRouteBuilder MapProductWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ProductChangeEvents.WebhookPath, ReceiveAsync)
            .AllowAnonymous() // authenticated by Saleor's signature
            .DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, SaleorWebhookReceiver receiver, ProductListGeneration lists, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(ProductWebhookApi));
        var (delivery, problem) = await receiver.ReceiveAsync(request, cancellationToken);
        if (delivery is null)
        {
            return problem!;
        }

        if (!ProductChangeEvents.Contains(delivery.EventType))
        {
            LogIgnored(logger, delivery.EventType);
            return TypedResults.Ok(new ProductWebhookReceipt(delivery.EventType, Refreshed: false, Slug: null));
        }

        if (!ProductChangedPayload.TryRead(delivery.Body, out var slug))
        {
            return GsvProblems.Problem(GsvProblems.Validation, StatusCodes.Status400BadRequest, "Malformed event", "The body is not a JSON object.");
        }

        lists.Invalidate();
        LogRefreshed(logger, delivery.EventType, slug);
        return TypedResults.Ok(new ProductWebhookReceipt(delivery.EventType, Refreshed: true, slug));
    }

    /// <param name="Refreshed">Whether the cached product lists were dropped.</param>
    public sealed record ProductWebhookReceipt(string Event, bool Refreshed, string? Slug);

    [LoggerMessage(LogLevel.Information, "Saleor {Event} for product {Slug}: cached product lists dropped")]
    private static partial void LogRefreshed(ILogger logger, string @event, string? slug);

    [LoggerMessage(LogLevel.Information, "Ignored Saleor {Event}: not a product change")]
    private static partial void LogIgnored(ILogger logger, string @event);
}
