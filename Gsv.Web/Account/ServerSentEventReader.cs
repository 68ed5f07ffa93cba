using System.Runtime.CompilerServices;
using System.Text;

namespace Gsv.Web.Account;

/// <summary>One event of a <c>text/event-stream</c>: its <c>event:</c> name (<c>message</c> when absent) and its data lines joined by <c>\n</c>.</summary>
public sealed record ServerSentEvent(string Name, string Data);

/// <summary>
/// Reads WHATWG Server-Sent Events as they arrive: <c>field: value</c> lines, an event dispatched at each blank line,
/// <c>:</c> comments and unknown fields ignored, a last event without its blank line dropped (the stream was cut).
/// </summary>
public static class ServerSentEventReader
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new ServerSentEvent(name ?? "message", data.ToString());
                }

                (name, hasData) = (null, false);
                data.Clear();
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
            }
        }
    }
}
