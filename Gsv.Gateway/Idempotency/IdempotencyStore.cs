using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gsv.Gateway.Idempotency;

/// <summary>What <see cref="IdempotencyStore.BeginAsync"/> found for a key.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>First use: this request runs, as run <paramref name="RunId"/> (the id it claimed the key for).</summary>
    public sealed record Started(Guid RunId) : IdempotencyClaim;

    /// <summary>A run with this key already succeeded: answer with its result (JSON, UTF-8).</summary>
    public sealed record Completed(byte[] Result) : IdempotencyClaim;

    /// <summary>A run with this key is still going on and did not finish within the wait.</summary>
    public sealed record InProgress : IdempotencyClaim;
}

/// <summary>
/// <c>Idempotency-Key</c> records in Redis, per instance: <c>P|runId</c> while the first run goes on (expires after the
/// runtime timeout, so a crashed gateway does not block the key forever), then <c>D|result</c> for
/// <see cref="GatewayOptions.IdempotencyRetention"/>. A failed run frees the key (nothing was charged; a retry runs again).
/// </summary>
public sealed class IdempotencyStore(IConnectionMultiplexer redis, IOptions<GatewayOptions> options)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 255;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    // Deletes the key only while it still holds this run's pending marker.
    private static readonly LuaScript DeleteIfPending = LuaScript.Prepare(
        "if redis.call('GET', @key) == @value then return redis.call('DEL', @key) end return 0");

    private readonly GatewayOptions _options = options.Value;

    public static RedisKey KeyOf(Guid instanceId, string idempotencyKey) => $"gsv:idempotency:{instanceId:N}:{idempotencyKey}";

    /// <summary>
    /// Claims the key for run <paramref name="runId"/>, or returns the stored result; while another request holds the key, waits for it to
    /// finish (at most the runtime timeout).
    /// </summary>
    public async Task<IdempotencyClaim> BeginAsync(RedisKey key, Guid runId, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var pendingFor = _options.RuntimeTimeout + TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + _options.RuntimeTimeout + TimeSpan.FromSeconds(5);
        while (true)
        {
            if (await database.StringSetAsync(key, Pending(runId), pendingFor, When.NotExists))
            {
                return new IdempotencyClaim.Started(runId);
            }

            var existing = (byte[]?)await database.StringGetAsync(key);
            if (existing is { Length: > 2 } && existing[0] == (byte)'D')
            {
                return new IdempotencyClaim.Completed(existing[2..]);
            }

            if (existing is not null && DateTime.UtcNow >= deadline)
            {
                return new IdempotencyClaim.InProgress();
            }

            // Pending (or just deleted by a failed first run): wait and look again.
            if (existing is not null)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
    }

    public Task CompleteAsync(RedisKey key, ReadOnlyMemory<byte> result)
    {
        var value = new byte[result.Length + 2];
        value[0] = (byte)'D';
        value[1] = (byte)'|';
        result.Span.CopyTo(value.AsSpan(2));
        return redis.GetDatabase().StringSetAsync(key, value, _options.IdempotencyRetention);
    }

    /// <summary>Frees the key after a run that did not succeed, unless someone else holds it by now.</summary>
    public Task AbandonAsync(RedisKey key, Guid runId) =>
        redis.GetDatabase().ScriptEvaluateAsync(DeleteIfPending, new { key, value = (RedisValue)Pending(runId) });

    private static string Pending(Guid runId) => "P|" + runId.ToString("N");
}
