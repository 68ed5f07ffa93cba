using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

/// <summary>
/// Asynchronous webhooks as Saleor's Celery worker sends them: the payload is the webhook's subscription query
/// evaluated over the event (unwrapped <c>event</c> contents), signed with a detached JWS; 2xx is success, 3xx/4xx
/// fail at once, 5xx and network errors are retried with exponential backoff.
/// </summary>
public sealed partial class SaleorWebhookDispatcher(
    ISchema schema, SaleorStore store, SaleorViews views, SaleorSigningKey key, SaleorEmulatorOptions options,
    IHttpClientFactory httpClients, TimeProvider time, ILogger<SaleorWebhookDispatcher> logger) : BackgroundService
{
    private static readonly GraphQLSerializer Serializer = new();
    private readonly Channel<WebhookEvent> _events = Channel.CreateUnbounded<WebhookEvent>();

    /// <summary>Events wait for the mutation's transaction (the store gate) to end before payloads are generated.</summary>
    public void Enqueue(string eventType, Guid orderId) => _events.Writer.TryWrite(new(eventType, OrderId: orderId));

    /// <summary>PRODUCT_CREATED / PRODUCT_UPDATED: the payload's <c>product</c> (and <c>category</c>) as they are when it is generated.</summary>
    public void EnqueueProduct(string eventType, int productPk) => _events.Writer.TryWrite(new(eventType, ProductPk: productPk));

    /// <summary>PRODUCT_VARIANT_UPDATED: the payload's <c>productVariant</c>.</summary>
    public void EnqueueVariant(string eventType, int variantPk) => _events.Writer.TryWrite(new(eventType, VariantPk: variantPk));

    /// <summary>The permission an app needs to receive the event (Saleor's <c>WebhookEventAsyncType.PERMISSIONS</c>).</summary>
    public static string PermissionFor(string eventType) =>
        eventType.StartsWith("PRODUCT_", StringComparison.Ordinal) ? "MANAGE_PRODUCTS"
        : eventType.StartsWith("ORDER_", StringComparison.Ordinal) ? "MANAGE_ORDERS"
        : throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "The emulator sends only order and product events.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var @event in _events.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                foreach (var delivery in await CreateDeliveriesAsync(@event, stoppingToken))
                {
                    _ = Task.Run(() => SendAsync(delivery, stoppingToken), stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPayloadFailed(logger, @event.Type, e);
            }
        }
    }

    private async Task<List<(DeliveryRow Delivery, WebhookRow Webhook)>> CreateDeliveriesAsync(WebhookEvent source, CancellationToken cancellationToken)
    {
        var eventType = source.Type;
        var created = new List<(DeliveryRow, WebhookRow)>();
        await store.Gate.WaitAsync(cancellationToken);
        try
        {
            var subject = Subject(source);
            if (subject is null)
            {
                return created;
            }

            // Fires only for active webhooks of active apps that hold the event's permission.
            var permission = PermissionFor(eventType);
            var targets = store.Webhooks.Where(w => w.IsActive && w.AsyncEvents.Contains(eventType) && w.Query is not null)
                .Select(w => (Webhook: w, App: store.Apps.First(a => a.Pk == w.AppPk)))
                .Where(t => t.App.IsActive && t.App.Permissions.Contains(permission));
            // issuedAt is when the delivery's payload is generated (the deferred payload's own time), not when the
            // triggering mutation ran: a delivery made later says so.
            var issuedAt = time.GetUtcNow();
            foreach (var (webhook, app) in targets)
            {
                var @event = new Node(subject)
                {
                    ["__typename"] = EventTypeName(eventType), ["issuedAt"] = issuedAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffff+00:00", CultureInfo.InvariantCulture),
                    ["version"] = SaleorViews.Version, ["recipient"] = views.App(app), ["issuingPrincipal"] = null,
                };
                var payload = await EvaluateAsync(webhook.Query!, @event, app);
                if (payload is null)
                {
                    continue;
                }

                var delivery = new DeliveryRow { Pk = store.NextPk(), WebhookPk = webhook.Pk, EventType = eventType, CreatedAt = issuedAt, Payload = payload };
                store.Deliveries.Add(delivery);
                created.Add((delivery, webhook));
            }
        }
        finally
        {
            store.Gate.Release();
        }

        return created;
    }

    /// <summary>The event's own fields (order, product and category, or variant); null when the object is gone.</summary>
    private Node? Subject(WebhookEvent source)
    {
        if (source.OrderId is { } orderId)
        {
            var order = store.Orders.First(o => o.Id == orderId);
            return new Node { ["order"] = views.Order(order) };
        }

        if (source.ProductPk is { } productPk)
        {
            return store.Products.FirstOrDefault(p => p.Pk == productPk) is { } product
                ? new Node { ["product"] = views.Product(product, null), ["category"] = store.Categories.FirstOrDefault(c => c.Pk == product.CategoryPk) is { } category ? views.Category(category) : null }
                : null;
        }

        return store.Variants.FirstOrDefault(v => v.Pk == source.VariantPk) is { } variant ? new Node { ["productVariant"] = views.Variant(variant, null) } : null;
    }

    private sealed record WebhookEvent(string Type, Guid? OrderId = null, int? ProductPk = null, int? VariantPk = null);

    /// <summary>ORDER_FULLY_PAID → OrderFullyPaid: the event's GraphQL type, which the subscription's fragments select.</summary>
    private static string EventTypeName(string eventType) =>
        string.Concat(eventType.Split('_').Select(w => w[..1] + w[1..].ToLowerInvariant()));

    /// <summary>The subscription over the event, serialized like Python's json.dumps (", " / ": ", ASCII-escaped).</summary>
    private async Task<byte[]?> EvaluateAsync(string query, Node @event, AppRow app)
    {
        var result = await new DocumentExecuter().ExecuteAsync(o =>
        {
            o.Schema = schema;
            o.Query = query;
            o.Root = @event;
            o.UserContext = new Dictionary<string, object?> { ["caller"] = new SaleorCaller(null, app) };
        });
        ExecutionResult? item = null;
        if (result.Streams is { Count: > 0 } streams)
        {
            var observer = new FirstResult();
            streams.Values.First().Subscribe(observer);
            item = observer.Value;
        }

        if (item?.Data is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(Serializer.Serialize(item));
        var data = document.RootElement.GetProperty("data");
        var body = data.TryGetProperty("event", out var unwrapped) ? unwrapped : data;
        if (body.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var builder = new StringBuilder();
        PythonJson.Write(body, builder);
        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    private async Task SendAsync((DeliveryRow Delivery, WebhookRow Webhook) job, CancellationToken cancellationToken)
    {
        var (delivery, webhook) = job;
        var signature = key.SignDetached(delivery.Payload);
        var eventName = delivery.EventType.ToLowerInvariant();
        for (var attempt = 0; ; attempt++)
        {
            int? status = null;
            string? response = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, webhook.TargetUrl) { Content = new ByteArrayContent(delivery.Payload) };
                request.Content.Headers.ContentType = new("application/json");
                foreach (var (name, value) in new Dictionary<string, string>
                {
                    ["Saleor-Event"] = eventName, ["X-Saleor-Event"] = eventName,
                    ["Saleor-Domain"] = options.Domain, ["X-Saleor-Domain"] = options.Domain,
                    ["Saleor-Signature"] = signature, ["X-Saleor-Signature"] = signature,
                    ["Saleor-Api-Url"] = options.ApiUrl, ["User-Agent"] = "Saleor/3.23",
                })
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                foreach (var (name, value) in webhook.CustomHeaders)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var http = httpClients.CreateClient(nameof(SaleorWebhookDispatcher));
                using var answer = await http.SendAsync(request, cancellationToken);
                status = (int)answer.StatusCode;
                response = await answer.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                response = e.Message;
            }

            var success = status is >= 200 and < 300;
            var retry = !success && (status is null or >= 500) && attempt < options.MaxRetries;
            await store.Gate.WaitAsync(cancellationToken);
            try
            {
                delivery.Attempts.Add(new DeliveryAttemptRow
                {
                    Pk = store.NextPk(), CreatedAt = time.GetUtcNow(), ResponseStatusCode = status, Response = response,
                    Status = success ? "SUCCESS" : "FAILED",
                });
                delivery.Status = success ? "SUCCESS" : retry ? "PENDING" : "FAILED";
            }
            finally
            {
                store.Gate.Release();
            }

            LogAttempt(logger, eventName, webhook.TargetUrl, attempt + 1, status, delivery.Status);
            if (!retry)
            {
                return;
            }

            await Task.Delay(options.RetryBackoff * Math.Pow(2, attempt), time, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Information, "Webhook {Event} → {Target}: attempt {Attempt}, HTTP {Status}, delivery {Outcome}")]
    private static partial void LogAttempt(ILogger logger, string @event, string target, int attempt, int? status, string outcome);

    [LoggerMessage(LogLevel.Error, "Could not generate the {Event} payload")]
    private static partial void LogPayloadFailed(ILogger logger, string @event, Exception exception);

    private sealed class FirstResult : IObserver<ExecutionResult>
    {
        public ExecutionResult? Value { get; private set; }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(ExecutionResult value) => Value ??= value;
    }
}

/// <summary>Python json.dumps defaults: ", " and ": " separators, non-ASCII as \uXXXX, keys in selection order.</summary>
internal static class PythonJson
{
    public static void Write(JsonElement element, StringBuilder output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                output.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    output.Append(first ? "" : ", ");
                    first = false;
                    WriteString(property.Name, output);
                    output.Append(": ");
                    Write(property.Value, output);
                }

                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    output.Append(firstItem ? "" : ", ");
                    firstItem = false;
                    Write(item, output);
                }

                output.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            default:
                output.Append(element.GetRawText());
                break;
        }
    }

    private static void WriteString(string value, StringBuilder output)
    {
        output.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        output.Append(c);
                    }

                    break;
            }
        }

        output.Append('"');
    }
}
