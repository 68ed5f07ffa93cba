namespace Gsv.Saleor;

/// <summary>Supplies the bearer token for Saleor requests (none for anonymous storefront calls).</summary>
public interface ISaleorTokenSource
{
    ValueTask<string?> GetTokenAsync(SaleorClient client, CancellationToken cancellationToken);
}

/// <summary>An app token: opaque, 30 characters, never expires.</summary>
public sealed class AppTokenSource(string token) : ISaleorTokenSource
{
    public ValueTask<string?> GetTokenAsync(SaleorClient client, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(token);
}

/// <summary>A staff user's JWT from <c>tokenCreate</c>; access tokens live 5 minutes, so it is renewed before that.</summary>
public sealed class StaffTokenSource(string email, string password, TimeProvider? time = null) : ISaleorTokenSource
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(4);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    public async ValueTask<string?> GetTokenAsync(SaleorClient client, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is null || _time.GetUtcNow() >= _renewAt)
            {
                var result = await client.TokenCreateAsync(email, password, cancellationToken);
                _token = result.Token;
                _renewAt = _time.GetUtcNow() + Lifetime;
            }

            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
