using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gsv.Saleor.Webhooks;

public enum SignatureVerification
{
    Valid,
    Missing,
    Malformed,
    UnknownKey,
    Invalid,
}

/// <summary>
/// Verifies <c>Saleor-Signature</c>: a JWS (RS256) with a detached, unencoded payload (RFC 7797,
/// <c>header..signature</c>, <c>b64:false</c>). The signing input is <c>BASE64URL(header) + "." + raw body</c>,
/// so the body must be the exact bytes received.
/// </summary>
public sealed class SaleorWebhookVerifier(SaleorJwks jwks)
{
    public async Task<SignatureVerification> VerifyAsync(string? signature, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(signature))
        {
            return SignatureVerification.Missing;
        }

        var parts = signature.Split('.');
        if (parts.Length != 3 || parts[1].Length != 0 || parts[0].Length == 0 || parts[2].Length == 0)
        {
            return SignatureVerification.Malformed;
        }

        string? kid;
        byte[] signatureBytes;
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            var root = header.RootElement;
            if (root.GetProperty("alg").GetString() != "RS256"
                || !root.TryGetProperty("b64", out var b64) || b64.ValueKind != JsonValueKind.False
                || !root.TryGetProperty("crit", out var crit) || !crit.EnumerateArray().Any(c => c.GetString() == "b64"))
            {
                return SignatureVerification.Malformed;
            }

            kid = root.TryGetProperty("kid", out var k) ? k.GetString() : null;
            signatureBytes = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return SignatureVerification.Malformed;
        }

        if (kid is null || await jwks.FindKeyAsync(kid, cancellationToken) is not { } key)
        {
            return SignatureVerification.UnknownKey;
        }

        var prefix = Encoding.ASCII.GetBytes(parts[0] + ".");
        var input = new byte[prefix.Length + body.Length];
        prefix.CopyTo(input, 0);
        body.Span.CopyTo(input.AsSpan(prefix.Length));

        using var rsa = RSA.Create(key);
        return rsa.VerifyData(input, signatureBytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? SignatureVerification.Valid
            : SignatureVerification.Invalid;
    }
}
