using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gsv.Emulators.Saleor;

/// <summary>
/// Saleor's RSA key (RSA_PRIVATE_KEY): signs user JWTs and webhook payloads, published at /.well-known/jwks.json
/// with its RFC 7638 thumbprint as <c>kid</c>.
/// </summary>
public sealed class SaleorSigningKey
{
    private readonly RSA _rsa = RSA.Create(2048);

    public SaleorSigningKey()
    {
        var p = _rsa.ExportParameters(false);
        N = Base64Url.EncodeToString(p.Modulus);
        E = Base64Url.EncodeToString(p.Exponent);
        Kid = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"e\":\"{E}\",\"kty\":\"RSA\",\"n\":\"{N}\"}}")));
    }

    public string Kid { get; }

    private string N { get; }

    private string E { get; }

    public object Jwks => new { keys = new[] { new { kty = "RSA", key_ops = new[] { "verify" }, n = N, e = E, use = "sig", kid = Kid, alg = "RS256" } } };

    /// <summary>JWS with detached, unencoded payload, exactly as PyJWT writes it for Saleor (sorted header keys).</summary>
    public string SignDetached(ReadOnlySpan<byte> payload)
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{{\"alg\":\"RS256\",\"b64\":false,\"crit\":[\"b64\"],\"kid\":\"{Kid}\",\"typ\":\"JWT\"}}"));
        var prefix = Encoding.ASCII.GetBytes(header + ".");
        var input = new byte[prefix.Length + payload.Length];
        prefix.CopyTo(input, 0);
        payload.CopyTo(input.AsSpan(prefix.Length));
        return header + ".." + Base64Url.EncodeToString(_rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>An RS256 JWT with Saleor's access-token claims.</summary>
    public string CreateJwt(IDictionary<string, object?> claims)
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"alg\":\"RS256\",\"kid\":\"{Kid}\",\"typ\":\"JWT\"}}"));
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes(header + "." + body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{body}.{Base64Url.EncodeToString(signature)}";
    }
}
