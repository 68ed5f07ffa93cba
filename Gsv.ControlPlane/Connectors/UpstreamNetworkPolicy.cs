using System.Net;
using System.Net.Sockets;

namespace Gsv.ControlPlane.Connectors;

/// <summary>Where connectors may call: public addresses only, unless private networks are allowed (local development and tests).</summary>
public sealed class ConnectorOptions
{
    public const string SectionName = "Connectors";

    /// <summary>
    /// Whether upstreams on loopback, private, link-local or unique-local addresses may be called. Off by default: a buyer
    /// names the URLs, and the Control Plane must not become a way into its own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one upstream call may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// Checks the address a connector's connection actually goes to (after DNS, so a name that resolves to an internal
/// address is refused too) and connects only to allowed ones.
/// </summary>
public static class UpstreamNetworkPolicy
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = addresses.Where(a => allowPrivate || IsPublic(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"{context.DnsEndPoint.Host} is not a public address; connectors may only call services on the internet.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return true;
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || b[0] == 127 || b[0] >= 224
            || b[0] == 172 && b[1] is >= 16 and <= 31
            || b[0] == 192 && b[1] == 168
            || b[0] == 169 && b[1] == 254
            || b[0] == 100 && b[1] is >= 64 and <= 127);
    }
}
