using Gsv.Provisioner.Data;
using Microsoft.EntityFrameworkCore;

namespace Gsv.Provisioner.Catalog;

/// <summary>The stored token of the Provisioner's Saleor app (one row per app).</summary>
public sealed class SaleorAppTokenStore(ProvisionerDbContext db)
{
    public Task<SaleorAppToken?> FindAsync(string appId, CancellationToken cancellationToken) =>
        db.SaleorAppTokens.AsNoTracking().SingleOrDefaultAsync(t => t.AppId == appId, cancellationToken);

    /// <summary>Keeps <paramref name="token"/> as the app's token, replacing any other.</summary>
    public async Task SaveAsync(SaleorAppToken token, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO saleor_app_tokens (app_id, token_id, token, created_at) VALUES ({token.AppId}, {token.TokenId}, {token.Token}, {token.CreatedAt})
            ON CONFLICT (app_id) DO UPDATE SET token_id = EXCLUDED.token_id, token = EXCLUDED.token, created_at = EXCLUDED.created_at
            """, cancellationToken);
    }
}
