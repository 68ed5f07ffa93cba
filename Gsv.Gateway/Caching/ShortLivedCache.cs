using System.Collections.Concurrent;

namespace Gsv.Gateway.Caching;

/// <summary>
/// A small in-process cache of lookups that may be stale for a few seconds (API keys, instance records). Concurrent
/// misses for one key share the same lookup; failed lookups are not kept. Expired entries are swept when it grows.
/// </summary>
public sealed class ShortLivedCache<TKey, TValue>(TimeProvider time, int sweepAbove = 10_000) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    /// <summary>The cached value of <paramref name="key"/>, else <paramref name="lookup"/>'s, kept for <paramref name="lifetime"/>.</summary>
    public Task<TValue> GetOrAddAsync<TState>(
        TKey key, TState state, Func<TKey, TState, Task<TValue>> lookup, Func<TValue, TimeSpan> lifetime)
    {
        var now = time.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry) && (entry.ExpiresAt == 0 || entry.ExpiresAt > now) && !entry.Value.IsFaulted && !entry.Value.IsCanceled)
        {
            return entry.Value;
        }

        if (_entries.Count >= sweepAbove)
        {
            Sweep(now);
        }

        var fresh = new Entry(lookup(key, state));
        _entries[key] = fresh;
        return CompleteAsync(key, fresh, lifetime);
    }

    private async Task<TValue> CompleteAsync(TKey key, Entry entry, Func<TValue, TimeSpan> lifetime)
    {
        try
        {
            var value = await entry.Value;
            // The lifetime starts when the answer arrives; until then (ExpiresAt 0) concurrent callers share the lookup.
            entry.ExpiresAt = time.GetTimestamp() + (long)(lifetime(value).TotalSeconds * time.TimestampFrequency);
            return value;
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            throw;
        }
    }

    private void Sweep(long now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt != 0 && entry.ExpiresAt <= now)
            {
                _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            }
        }
    }

    private sealed class Entry(Task<TValue> value)
    {
        public Task<TValue> Value { get; } = value;

        public long ExpiresAt { get; set; }
    }
}
