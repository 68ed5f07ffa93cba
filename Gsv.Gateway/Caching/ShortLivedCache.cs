using System.Collections.Concurrent;

namespace Gsv.Gateway.Caching;

/// <summary>
/// A small in-process cache of lookups that may be stale for a few seconds (API keys, instance records). Concurrent
/// misses for one key share the same lookup; failed lookups are not kept. An entry used in the last quarter of its
/// lifetime is looked up again in the background while it is still served, so a busy key never makes its callers
/// wait; no value is ever served past its lifetime. Expired entries are swept when it grows.
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
            if (entry.RefreshAt != 0 && entry.RefreshAt <= now && Interlocked.Exchange(ref entry.Refreshing, 1) == 0)
            {
                _ = RefreshAsync(key, entry, new Entry(lookup(key, state)), lifetime);
            }

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
            Stamp(entry, value, lifetime);
            return value;
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            throw;
        }
    }

    /// <summary>The background lookup of a busy entry: it replaces the entry when it answers; a failure leaves it as it is.</summary>
    private async Task RefreshAsync(TKey key, Entry current, Entry fresh, Func<TValue, TimeSpan> lifetime)
    {
        try
        {
            Stamp(fresh, await fresh.Value, lifetime);
            _entries.TryUpdate(key, fresh, current);
        }
        catch
        {
            // The current value stays until it expires; the next use past its refresh point tries again.
            Volatile.Write(ref current.Refreshing, 0);
        }
    }

    /// <summary>The lifetime starts when the answer arrives; until then (ExpiresAt 0) concurrent callers share the lookup.</summary>
    private void Stamp(Entry entry, TValue value, Func<TValue, TimeSpan> lifetime)
    {
        var now = time.GetTimestamp();
        var ticks = (long)(lifetime(value).TotalSeconds * time.TimestampFrequency);
        entry.RefreshAt = now + ticks * 3 / 4;
        entry.ExpiresAt = now + ticks;
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

        public long RefreshAt { get; set; }

        /// <summary>1 while a background lookup runs (a field, for <see cref="Interlocked"/>).</summary>
        public int Refreshing;
    }
}
