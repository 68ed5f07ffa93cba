using System.Collections.Concurrent;
using Gsv.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gsv.Tests.Commerce;

/// <summary>An in-test HTTP listener on 127.0.0.1 that records webhook deliveries and answers with a chosen status.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>Given the raw body and how many times this body was seen before, the status to answer.</summary>
    public Func<string, int, int> Respond { get; set; } = (_, _) => 200;

    public static async Task<WebhookReceiver> StartAsync()
    {
        WebhookReceiver receiver = null!;
        var app = await LoopbackHttpServer.StartAsync(app => app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var text = System.Text.Encoding.UTF8.GetString(body);
            var seen = receiver.Received.Count(r => r.Text == text);
            receiver.Received.Enqueue(new ReceivedWebhook(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, text));
            return Results.StatusCode(receiver.Respond(text, seen));
        }));
        receiver = new WebhookReceiver(app) { Url = app.Url("/hook") };
        return receiver;
    }

    public IReadOnlyList<ReceivedWebhook> For(string orderId) => Received.Where(r => r.Text.Contains(orderId, StringComparison.Ordinal)).ToList();

    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string orderId, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (For(orderId).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Expected {count} deliveries for {orderId}, got {For(orderId).Count}.");
            await Task.Delay(200);
        }

        return For(orderId);
    }

    /// <summary>Undoes the registration that points Saleor here, so the shared platform stops delivering to a dead port.</summary>
    public Func<Task>? Unregister { get; set; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Unregister is { } unregister)
            {
                await unregister();
            }
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}

internal sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] Body, string Text);
