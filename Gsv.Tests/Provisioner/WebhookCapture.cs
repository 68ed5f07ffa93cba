using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gsv.Saleor;

namespace Gsv.Tests.Provisioner;

/// <summary>One webhook request exactly as Saleor sent it: raw body bytes and headers.</summary>
public sealed record CapturedDelivery(byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>
/// An in-test receiver registered in Saleor as a second ORDER_FULLY_PAID webhook (its own app, the Provisioner's
/// subscription query): it captures real, Saleor-signed deliveries so tests can replay them byte for byte.
/// </summary>
public sealed class WebhookCapture : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CapturedDelivery>> _byOrder = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private SaleorClient? _staff;
    private string? _webhookId;
    private Task? _loop;

    /// <param name="eventType">ORDER_FULLY_PAID, or another order event (e.g. ORDER_CREATED) captured with the same query's fields.</param>
    public static async Task<WebhookCapture> StartAsync(SaleorClient staff, string eventType = "ORDER_FULLY_PAID")
    {
        var eventName = string.Concat(eventType.Split('_').Select(w => w[..1] + w[1..].ToLowerInvariant()));
        var query = SaleorOperations.Get("OrderFullyPaidEvent").Replace("... on OrderFullyPaid ", $"... on {eventName} ", StringComparison.Ordinal);
        var capture = new WebhookCapture();
        var port = FreePort();
        capture._listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        capture._listener.Start();
        capture._loop = Task.Run(capture.ReceiveLoopAsync);

        var app = await staff.AppCreateAsync(new AppInput($"gsv-test-capture-{Guid.NewGuid():N}", null, ["MANAGE_ORDERS"]));
        var webhook = await staff.WebhookCreateAsync(new WebhookCreateInput(
            "test-capture", $"http://127.0.0.1:{port}/saleor", [eventType], query, IsActive: true, App: app.App.Id));
        capture._staff = staff;
        capture._webhookId = webhook.Id;
        return capture;
    }

    public Task<CapturedDelivery> WaitForOrderAsync(string orderId, TimeSpan? timeout = null) =>
        Slot(orderId).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));

    private TaskCompletionSource<CapturedDelivery> Slot(string orderId) =>
        _byOrder.GetOrAdd(orderId, _ => new TaskCompletionSource<CapturedDelivery>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task ReceiveLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.OfType<string>()
                .ToDictionary(k => k, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            var delivery = new CapturedDelivery(body.ToArray(), headers);
            context.Response.StatusCode = 200;
            context.Response.Close();

            try
            {
                using var json = JsonDocument.Parse(delivery.Body);
                if (json.RootElement.TryGetProperty("order", out var order) && order.GetProperty("id").GetString() is { } orderId)
                {
                    Slot(orderId).TrySetResult(delivery);
                }
            }
            catch (JsonException)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_staff is not null && _webhookId is not null)
        {
            try
            {
                await _staff.WebhookUpdateAsync(_webhookId, new WebhookUpdateInput(IsActive: false));
            }
            catch (Exception)
            {
                // best effort: the platform is torn down after the collection anyway
            }
        }

        await _stop.CancelAsync();
        // Close alone: Stop then Close unregisters the listener twice, and the second time binds its port again, which
        // fails with "Address already in use" when another process took the port in between.
        _listener.Close();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
