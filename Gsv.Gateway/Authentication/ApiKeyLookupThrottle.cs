using System.Net;
using System.Net.Sockets;
using Gsv.Gateway.Caching;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Authentication;

/// <summary>Thrown by a key lookup that the client's address may not make now; <c>RetryAfter</c> is when it may.</summary>
public sealed class ApiKeyLookupThrottledException(TimeSpan retryAfter) : Exception("Too many API key lookups from this address.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// A token bucket per client address in front of the Control Plane's API key resolution: each address (an IPv4
/// address, or an IPv6 /64, what one client usually holds) may look up <see cref="GatewayOptions.ApiKeyLookupBurst"/>
/// keys at once and <see cref="GatewayOptions.ApiKeyLookupsPerSecond"/> after that, so guessing keys cannot turn into
/// one Control Plane round trip per request. Buckets live in a bounded LRU; full ones (idle clients) are swept on a timer.
/// </summary>
public sealed class ApiKeyLookupThrottle : IDisposable
{
    private const int MaxClients = 100_000;

    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private readonly int _burst;
    private readonly BoundedLru<string, Bucket> _buckets = new(MaxClients);
    private readonly ITimer _sweeper;

    public ApiKeyLookupThrottle(IOptions<GatewayOptions> options, TimeProvider time)
    {
        _time = time;
        _perSecond = options.Value.ApiKeyLookupsPerSecond;
        _burst = options.Value.ApiKeyLookupBurst;
        _sweeper = time.CreateTimer(static throttle => ((ApiKeyLookupThrottle)throttle!).Sweep(), this, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    /// <summary>Client addresses tracked (for tests and diagnostics).</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes one lookup for <paramref name="address"/>; false (with when to retry) when its bucket is empty.</summary>
    public bool TryTake(IPAddress? address, out TimeSpan retryAfter)
    {
        var client = ClientOf(address);
        var now = _time.GetTimestamp();
        // One step: two first lookups from one client at once share one bucket (else each would take from its own).
        var bucket = _buckets.GetOrAdd(client, (Burst: _burst, At: now), static (_, fresh) => new Bucket(fresh.Burst, fresh.At));

        lock (bucket)
        {
            bucket.Refill(now, _time, _perSecond, _burst);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds(Math.Ceiling((1 - bucket.Tokens) / _perSecond));
            return false;
        }
    }

    /// <summary>Forgets the clients whose bucket is full again (the timer calls it; public for tests).</summary>
    public int Sweep()
    {
        var now = _time.GetTimestamp();
        return _buckets.RemoveWhere(bucket =>
        {
            lock (bucket)
            {
                bucket.Refill(now, _time, _perSecond, _burst);
                return bucket.Tokens >= _burst;
            }
        });
    }

    public void Dispose() => _sweeper.Dispose();

    /// <summary>An IPv4 address as it is, an IPv6 address by its /64 prefix (IPv4-mapped ones as IPv4).</summary>
    public static string ClientOf(IPAddress? address)
    {
        if (address is null)
        {
            return "-";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? Convert.ToHexString(address.GetAddressBytes(), 0, 8) + "::/64"
            : address.ToString();
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;

        private long _at = at;

        public void Refill(long now, TimeProvider time, double perSecond, int burst)
        {
            if (now > _at)
            {
                Tokens = Math.Min(burst, Tokens + time.GetElapsedTime(_at, now).TotalSeconds * perSecond);
                _at = now;
            }
        }
    }
}
