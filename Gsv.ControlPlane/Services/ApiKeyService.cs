using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Services;

/// <summary>API keys: <c>gsv_</c> + 32 random bytes (base64url), shown once; only the SHA-256 is kept.</summary>
public sealed class ApiKeyService(ControlPlaneDbContext db, TimeProvider time)
{
    private const int VisiblePrefixLength = 12;

    public async Task<CreatedApiKeyDto> CreateAsync(Instance instance, string name, CancellationToken cancellationToken = default)
    {
        if (instance.State == InstanceState.Terminated)
        {
            throw ControlPlaneException.Conflict("A terminated instance cannot get new API keys.");
        }

        var key = ApiKeys.Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var apiKey = new ApiKey
        {
            Id = Guid.CreateVersion7(now), InstanceId = instance.Id, WorkspaceId = instance.WorkspaceId, Name = name,
            Prefix = key[..VisiblePrefixLength], Hash = Hash(key), CreatedAt = now,
        };
        db.ApiKeys.Add(apiKey);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKeyDto(apiKey.Id, apiKey.InstanceId, apiKey.Name, apiKey.Prefix, key, apiKey.CreatedAt);
    }

    /// <summary>The key's instance and workspace, marking it used; <c>null</c> when unknown or revoked.</summary>
    public async Task<ResolvedApiKey?> ResolveAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!key.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(key);
        var found = await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash && k.RevokedAt == null)
            .Select(k => new ResolvedApiKey(k.Id, k.InstanceId, k.WorkspaceId)).SingleOrDefaultAsync(cancellationToken);
        if (found is not null)
        {
            var now = time.GetUtcNow();
            await db.ApiKeys.Where(k => k.Id == found.ApiKeyId).ExecuteUpdateAsync(k => k.SetProperty(x => x.LastUsedAt, now), cancellationToken);
        }

        return found;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static ApiKeyDto ToDto(ApiKey k) => new(k.Id, k.InstanceId, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}
