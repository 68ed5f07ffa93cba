using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Gsv.Gateway.Connectors;

/// <summary>What a run token grants: the tools of one instance, for one run, until it expires.</summary>
public sealed record RunTokenGrant(Guid InstanceId, Guid WorkspaceId, Guid RunId, DateTimeOffset ExpiresAt);

/// <summary>
/// Short-lived bearer tokens the Gateway gives Langflow for a run's MCP calls: <c>gsvrt_</c>, then instance, workspace,
/// run and expiry (unix seconds), signed with HMAC-SHA256 under a key derived from <c>Gateway:RunTokenKey</c> (every replica shares the
/// key, so any of them accepts the token). Nothing is stored: revoking a connector is enforced on each tool call, and a
/// token simply expires.
/// </summary>
public sealed class RunTokens
{
    public const string Prefix = "gsvrt_";
    private const int PayloadBytes = 16 * 3 + 8;
    private const int MacBytes = 32;

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public RunTokens(IOptions<GatewayOptions> options, TimeProvider time, ILogger<RunTokens> logger)
    {
        _time = time;
        Lifetime = options.Value.RunTokenLifetime;
        if (options.Value.RunTokenKey is { Length: > 0 } configured)
        {
            _key = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        }
        else
        {
            // One gateway still works; several need the same key (the AppHost always sets it).
            _key = RandomNumberGenerator.GetBytes(32);
            logger.LogWarning("Gateway:RunTokenKey is not set: run tokens are signed with a key of this process only");
        }
    }

    public TimeSpan Lifetime { get; }

    public string Mint(Guid instanceId, Guid workspaceId, Guid runId)
    {
        Span<byte> token = stackalloc byte[PayloadBytes + MacBytes];
        instanceId.TryWriteBytes(token[..16]);
        workspaceId.TryWriteBytes(token[16..32]);
        runId.TryWriteBytes(token[32..48]);
        BinaryPrimitives.WriteInt64BigEndian(token[48..56], (_time.GetUtcNow() + Lifetime).ToUnixTimeSeconds());
        HMACSHA256.HashData(_key, token[..PayloadBytes], token[PayloadBytes..]);
        return Prefix + Base64Url(token);
    }

    /// <summary>The grant of a well-formed, correctly signed, unexpired token; null otherwise.</summary>
    public RunTokenGrant? Validate(string? token)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[PayloadBytes + MacBytes + 3];
        if (!Convert.TryFromBase64String(FromBase64Url(token[Prefix.Length..]), bytes, out var length) || length != PayloadBytes + MacBytes)
        {
            return null;
        }

        Span<byte> expected = stackalloc byte[MacBytes];
        HMACSHA256.HashData(_key, bytes[..PayloadBytes], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[PayloadBytes..length]))
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(bytes[48..56]));
        return expiresAt <= _time.GetUtcNow()
            ? null
            : new RunTokenGrant(new Guid(bytes[..16]), new Guid(bytes[16..32]), new Guid(bytes[32..48]), expiresAt);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return (base64.Length % 4) switch { 2 => base64 + "==", 3 => base64 + "=", _ => base64 };
    }
}
