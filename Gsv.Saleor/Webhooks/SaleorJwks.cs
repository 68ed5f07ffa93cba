using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Gsv.Saleor.Webhooks;

/// <summary>
/// The RSA keys Saleor publishes at <c>/.well-known/jwks.json</c>, cached; an unknown <c>kid</c> triggers one refetch
/// (Saleor rotates by publishing a new key), throttled so forged kids cannot make us hammer Saleor.
/// </summary>
public sealed class SaleorJwks(HttpClient http, Uri jwksUrl, TimeProvider? time = null)
{
    private static readonly TimeSpan MinRefetchInterval = TimeSpan.FromSeconds(10);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, RSAParameters> _keys = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public Uri JwksUrl { get; } = jwksUrl;

    public async Task<RSAParameters?> FindKeyAsync(string kid, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(kid, out var key))
        {
            return key;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_keys.TryGetValue(kid, out key) && _time.GetUtcNow() - _fetchedAt >= MinRefetchInterval)
            {
                _keys = await FetchAsync(cancellationToken);
                _fetchedAt = _time.GetUtcNow();
            }

            return _keys.TryGetValue(kid, out key) ? key : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Dictionary<string, RSAParameters>> FetchAsync(CancellationToken cancellationToken)
    {
        var set = await http.GetFromJsonAsync<JsonWebKeySet>(JwksUrl, cancellationToken) ?? new([]);
        return set.Keys
            .Where(k => k.Kty == "RSA" && k.Kid is not null && k.N is not null && k.E is not null && k.Use is null or "sig")
            .ToDictionary(k => k.Kid!, k => new RSAParameters { Modulus = Base64Url.DecodeFromChars(k.N!), Exponent = Base64Url.DecodeFromChars(k.E!) });
    }

    private sealed record JsonWebKeySet([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKey> Keys);

    private sealed record JsonWebKey(
        [property: JsonPropertyName("kty")] string? Kty,
        [property: JsonPropertyName("kid")] string? Kid,
        [property: JsonPropertyName("use")] string? Use,
        [property: JsonPropertyName("n")] string? N,
        [property: JsonPropertyName("e")] string? E);
}
