using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Gsv.Emulators.Keycloak;

/// <summary>
/// A realm's keys, as Keycloak generates them: RSA-2048 for RS256 signatures (published with <c>kid</c> and a
/// self-signed certificate), RSA for encryption (published, unused), and an HS512 secret for refresh tokens (never published).
/// </summary>
public sealed class KeycloakKeys
{
    public KeycloakKeys(string realmName)
    {
        (Signing, SigningCertificate) = CreateRsaKey(realmName);
        (Encryption, EncryptionCertificate) = CreateRsaKey(realmName);
        Refresh = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64)) { KeyId = Guid.NewGuid().ToString() };
    }

    public RsaSecurityKey Signing { get; }
    public RsaSecurityKey Encryption { get; }
    public SymmetricSecurityKey Refresh { get; }
    private X509Certificate2 SigningCertificate { get; }
    private X509Certificate2 EncryptionCertificate { get; }

    public SigningCredentials SigningCredentials => new(Signing, SecurityAlgorithms.RsaSha256);

    public SigningCredentials RefreshCredentials => new(Refresh, SecurityAlgorithms.HmacSha512);

    public object Jwks() => new
    {
        keys = new[] { Jwk(Signing, SigningCertificate, "sig", "RS256"), Jwk(Encryption, EncryptionCertificate, "enc", "RSA-OAEP") },
    };

    private static Dictionary<string, object> Jwk(RsaSecurityKey key, X509Certificate2 certificate, string use, string alg)
    {
        var parameters = key.Rsa.ExportParameters(false);
        return new Dictionary<string, object>
        {
            ["kid"] = key.KeyId,
            ["kty"] = "RSA",
            ["alg"] = alg,
            ["use"] = use,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["x5c"] = new[] { Convert.ToBase64String(certificate.RawData) },
            ["x5t"] = Base64UrlEncoder.Encode(certificate.GetCertHash()), // SHA-1 by definition (RFC 7517 §4.8)
            ["x5t#S256"] = Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData)),
        };
    }

    private static (RsaSecurityKey Key, X509Certificate2 Certificate) CreateRsaKey(string realmName)
    {
        var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={realmName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        var key = new RsaSecurityKey(rsa);
        // Keycloak's kid is the key's SHA-256 JWK thumbprint (base64url).
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return (key, certificate);
    }
}
