namespace Gsv.Gateway.Caching;

/// <summary>
/// A map of at most <c>capacity</c> entries that forgets the least recently used one to make room: every operation is
/// O(1) under one short lock, except <see cref="RemoveWhere"/> (a sweep, run on a timer, never per request).
/// </summary>
public sealed class BoundedLru<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _index = [];

    // Most recently used first.
    private readonly LinkedList<KeyValuePair<TKey, TValue>> _recency = new();
    private readonly Lock _lock = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>The value of <paramref name="key"/>, which becomes the most recently used.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                MarkUsed(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Sets <paramref name="key"/> (the most recently used now); the least recently used entry goes when full.</summary>
    public void Set(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                node.Value = KeyValuePair.Create(key, value);
                MarkUsed(node);
                return;
            }

            Add(key, value);
        }
    }

    /// <summary>
    /// The value of <paramref name="key"/>, else the one <paramref name="create"/> makes and adds, as one step: concurrent
    /// callers all get the same value. <paramref name="create"/> runs under the lock, so it must be quick and not call back.
    /// </summary>
    public TValue GetOrAdd<TState>(TKey key, TState state, Func<TKey, TState, TValue> create)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                MarkUsed(node);
                return node.Value.Value;
            }

            var value = create(key, state);
            Add(key, value);
            return value;
        }
    }

    /// <summary>Replaces the value of <paramref name="key"/> only while it is still <paramref name="expected"/> (its recency unchanged).</summary>
    public bool TryUpdate(TKey key, TValue value, TValue expected)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(key, out var node) || !EqualityComparer<TValue>.Default.Equals(node.Value.Value, expected))
            {
                return false;
            }

            node.Value = KeyValuePair.Create(key, value);
            return true;
        }
    }

    /// <summary>Removes <paramref name="key"/> only while its value is still <paramref name="expected"/>.</summary>
    public bool TryRemove(TKey key, TValue expected)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(key, out var node) || !EqualityComparer<TValue>.Default.Equals(node.Value.Value, expected))
            {
                return false;
            }

            _recency.Remove(node);
            _index.Remove(key);
            return true;
        }
    }

    /// <summary>Removes every entry the predicate picks; returns how many.</summary>
    public int RemoveWhere(Func<TValue, bool> predicate)
    {
        var removed = 0;
        lock (_lock)
        {
            for (var node = _recency.Last; node is not null;)
            {
                var previous = node.Previous;
                if (predicate(node.Value.Value))
                {
                    _recency.Remove(node);
                    _index.Remove(node.Value.Key);
                    removed++;
                }

                node = previous;
            }
        }

        return removed;
    }

    // Both under the lock.
    private void MarkUsed(LinkedListNode<KeyValuePair<TKey, TValue>> node)
    {
        if (node != _recency.First)
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
        }
    }

    private void Add(TKey key, TValue value)
    {
        if (_index.Count >= Capacity && _recency.Last is { } oldest)
        {
            _recency.RemoveLast();
            _index.Remove(oldest.Value.Key);
        }

        _index[key] = _recency.AddFirst(KeyValuePair.Create(key, value));
    }
}
