namespace Gsv.Gateway.Caching;

/// <summary>
/// A small in-process cache of lookups that may be stale for a few seconds (API keys, instance records). Concurrent
/// misses for one key share the same lookup; failed lookups are not kept. An entry used in the last quarter of its
/// lifetime is looked up again in the background while it is still served, so a busy key never makes its callers
/// wait; no value is ever served past its lifetime. It holds at most <c>capacity</c> entries (the least recently used
/// goes first, so a flood of new keys cannot grow it), and expired entries are swept on a timer once per lifetime
/// (<see cref="SweepInterval"/>), never on a caller's request.
/// </summary>
public sealed class ShortLivedCache<TKey, TValue> : IDisposable where TKey : notnull
{
    public const int DefaultCapacity = 10_000;

    private readonly TimeProvider _time;
    private readonly BoundedLru<TKey, Entry> _entries;
    private readonly ITimer _sweeper;

    /// <summary>The fewest seconds between two sweeps, however short the lifetime.</summary>
    private static readonly TimeSpan MinSweepInterval = TimeSpan.FromSeconds(1);

    public ShortLivedCache(TimeProvider time, TimeSpan lifetime, int capacity = DefaultCapacity)
    {
        _time = time;
        _entries = new BoundedLru<TKey, Entry>(capacity);
        Lifetime = lifetime;
        SweepInterval = lifetime > MinSweepInterval ? lifetime : MinSweepInterval;
        _sweeper = time.CreateTimer(static cache => ((ShortLivedCache<TKey, TValue>)cache!).Sweep(), this, SweepInterval, SweepInterval);
    }

    /// <summary>How long an entry is kept, unless <see cref="GetOrAddAsync"/> gives it a shorter one.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Expired entries are swept once per lifetime, at least a second apart (no busy timer for tiny lifetimes).</summary>
    public TimeSpan SweepInterval { get; }

    /// <summary>Entries held (expired ones included until the next sweep).</summary>
    public int Count => _entries.Count;

    public int Capacity => _entries.Capacity;

    /// <summary>
    /// The cached value of <paramref name="key"/>, else <paramref name="lookup"/>'s, kept for <paramref name="lifetime"/>
    /// of it (at most <see cref="Lifetime"/>, e.g. shorter for a negative answer), else for <see cref="Lifetime"/>.
    /// </summary>
    public Task<TValue> GetOrAddAsync<TState>(
        TKey key, TState state, Func<TKey, TState, Task<TValue>> lookup, Func<TValue, TimeSpan>? lifetime = null)
    {
        var now = _time.GetTimestamp();
        if (_entries.TryGet(key, out var entry) && (entry.ExpiresAt == 0 || entry.ExpiresAt > now) && !entry.Value.IsFaulted && !entry.Value.IsCanceled)
        {
            if (entry.RefreshAt != 0 && entry.RefreshAt <= now && Interlocked.Exchange(ref entry.Refreshing, 1) == 0)
            {
                _ = RefreshAsync(key, entry, lookup, state, lifetime);
            }

            return entry.Value;
        }

        var fresh = new Entry(lookup(key, state));
        _entries.Set(key, fresh);
        return CompleteAsync(key, fresh, lifetime);
    }

    /// <summary>Removes the expired entries (the timer calls it; public for tests).</summary>
    public int Sweep()
    {
        var now = _time.GetTimestamp();
        return _entries.RemoveWhere(entry => entry.ExpiresAt != 0 && entry.ExpiresAt <= now);
    }

    public void Dispose() => _sweeper.Dispose();

    private async Task<TValue> CompleteAsync(TKey key, Entry entry, Func<TValue, TimeSpan>? lifetime)
    {
        try
        {
            var value = await entry.Value;
            Stamp(entry, value, lifetime);
            return value;
        }
        catch
        {
            _entries.TryRemove(key, entry);
            throw;
        }
    }

    /// <summary>The background lookup of a busy entry: it replaces the entry when it answers; a failure leaves it as it is.</summary>
    private async Task RefreshAsync<TState>(TKey key, Entry current, Func<TKey, TState, Task<TValue>> lookup, TState state, Func<TValue, TimeSpan>? lifetime)
    {
        try
        {
            var fresh = new Entry(lookup(key, state));
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
    private void Stamp(Entry entry, TValue value, Func<TValue, TimeSpan>? lifetime)
    {
        var now = _time.GetTimestamp();
        var ticks = (long)((lifetime?.Invoke(value) ?? Lifetime).TotalSeconds * _time.TimestampFrequency);
        entry.RefreshAt = now + ticks * 3 / 4;
        entry.ExpiresAt = now + ticks;
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
