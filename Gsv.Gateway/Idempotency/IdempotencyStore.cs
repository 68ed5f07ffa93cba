using System.Text;
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

    /// <summary>The key was used for another request (another body or route): it is not replayed nor run.</summary>
    public sealed record Reused : IdempotencyClaim;
}

/// <summary>
/// <c>Idempotency-Key</c> records in Redis, per instance: <c>P|fingerprint|runId</c> while the first run goes on (expires
/// after the runtime timeout, so a crashed gateway does not block the key forever), then <c>D|fingerprint|result</c> for
/// <see cref="GatewayOptions.IdempotencyRetention"/>. The fingerprint (<see cref="Runs.RunRequestBody.Fingerprint"/>, 64
/// hex digits) is the request's: the same key with another request is <see cref="IdempotencyClaim.Reused"/>, as Stripe
/// does. A failed run frees the key (nothing was charged; a retry runs again).
/// </summary>
public sealed class IdempotencyStore(IConnectionMultiplexer redis, IOptions<GatewayOptions> options)
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 255;

    /// <summary>Hex digits of a fingerprint (SHA-256).</summary>
    private const int FingerprintLength = 64;

    /// <summary>Length of <c>X|fingerprint|</c>.</summary>
    private const int HeaderLength = FingerprintLength + 3;

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
    public async Task<IdempotencyClaim> BeginAsync(IdempotentRequest request, Guid runId, CancellationToken cancellationToken)
    {
        var (key, fingerprint) = request;
        var database = redis.GetDatabase();
        var pendingFor = _options.RuntimeTimeout + TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + _options.RuntimeTimeout + TimeSpan.FromSeconds(5);
        while (true)
        {
            if (await database.StringSetAsync(key, Pending(fingerprint, runId), pendingFor, When.NotExists))
            {
                return new IdempotencyClaim.Started(runId);
            }

            var existing = (byte[]?)await database.StringGetAsync(key);
            if (existing is not null && !SameRequest(existing, fingerprint))
            {
                return new IdempotencyClaim.Reused();
            }

            if (existing is { Length: > HeaderLength } && existing[0] == (byte)'D')
            {
                return new IdempotencyClaim.Completed(existing[HeaderLength..]);
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

    public Task CompleteAsync(IdempotentRequest request, ReadOnlyMemory<byte> result)
    {
        var value = new byte[result.Length + HeaderLength];
        Encoding.ASCII.GetBytes("D|" + request.Fingerprint + "|", value);
        result.Span.CopyTo(value.AsSpan(HeaderLength));
        return redis.GetDatabase().StringSetAsync(request.Key, value, _options.IdempotencyRetention);
    }

    /// <summary>Frees the key after a run that did not succeed, unless someone else holds it by now.</summary>
    public Task AbandonAsync(IdempotentRequest request, Guid runId) =>
        redis.GetDatabase().ScriptEvaluateAsync(DeleteIfPending, new { key = request.Key, value = (RedisValue)Pending(request.Fingerprint, runId) });

    private static string Pending(string fingerprint, Guid runId) => "P|" + fingerprint + "|" + runId.ToString("N");

    /// <summary>Whether a stored record (<c>P|fingerprint|…</c> or <c>D|fingerprint|…</c>) is of the request with this fingerprint.</summary>
    private static bool SameRequest(byte[] record, string fingerprint) =>
        record.Length >= HeaderLength && record[HeaderLength - 1] == (byte)'|'
        && Encoding.ASCII.GetString(record, 2, FingerprintLength) == fingerprint;
}
