using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gsv.Gateway.Runs;

/// <summary>
/// Writes <c>text/event-stream</c> (WHATWG Server-Sent Events): <c>event: name</c>, one <c>data:</c> line of compact JSON,
/// a blank line; each event is flushed at once so tokens reach the caller as they come.
/// </summary>
public sealed class ServerSentEvents(HttpResponse response)
{
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);
    }

    public Task WriteAsync<T>(string name, T data, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        WriteRawAsync(name, JsonSerializer.SerializeToUtf8Bytes(data, type), cancellationToken);

    /// <summary>Writes an event whose data is already compact JSON (no line breaks).</summary>
    public async Task WriteRawAsync(string name, byte[] json, CancellationToken cancellationToken)
    {
        var body = response.BodyWriter;
        body.Write(EventPrefix);
        body.Write(Encoding.UTF8.GetBytes(name));
        body.Write(DataPrefix);
        body.Write(json);
        body.Write(EventEnd);
        await body.FlushAsync(cancellationToken);
    }
}
