using StackExchange.Redis;

namespace Gsv.Gateway.Idempotency;

/// <summary>
/// A request sent with an <c>Idempotency-Key</c>: its record's key (<see cref="IdempotencyStore.KeyOf"/>) and the
/// request's fingerprint (<see cref="Runs.RunRequestBody.Fingerprint"/>), which always go together.
/// </summary>
public sealed record IdempotentRequest(RedisKey Key, string Fingerprint);
