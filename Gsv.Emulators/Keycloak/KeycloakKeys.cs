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
        : this(realmName, new StoredKeys(
            Convert.ToBase64String(RSA.Create(2048).ExportPkcs8PrivateKey()),
            Convert.ToBase64String(RSA.Create(2048).ExportPkcs8PrivateKey()),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)),
            Guid.NewGuid().ToString()))
    {
    }

    /// <summary>Keys kept from an earlier start: tokens issued then still verify, as with Keycloak's keys in its database.</summary>
    public KeycloakKeys(string realmName, StoredKeys stored)
    {
        Stored = stored;
        (Signing, SigningCertificate) = LoadRsaKey(realmName, stored.Signing);
        (Encryption, EncryptionCertificate) = LoadRsaKey(realmName, stored.Encryption);
        Refresh = new SymmetricSecurityKey(Convert.FromBase64String(stored.Refresh)) { KeyId = stored.RefreshKeyId };
    }

    /// <summary>The private key material (base64 PKCS#8 and the HS512 secret) in the form the data folder keeps.</summary>
    public StoredKeys Stored { get; }

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

    private static (RsaSecurityKey Key, X509Certificate2 Certificate) LoadRsaKey(string realmName, string pkcs8)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        var request = new CertificateRequest($"CN={realmName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        var key = new RsaSecurityKey(rsa);
        // Keycloak's kid is the key's SHA-256 JWK thumbprint (base64url).
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return (key, certificate);
    }
}

/// <summary>A realm's keys as stored: RSA keys as base64 PKCS#8, the refresh-token secret as base64, and its key id.</summary>
public sealed record StoredKeys(string Signing, string Encryption, string Refresh, string RefreshKeyId);
