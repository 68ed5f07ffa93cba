using Gsv.Gateway.Caching;

namespace Gsv.Tests.Gateway;

public sealed class BoundedLruTests
{
    [Fact]
    public async Task GetOrAdd_gives_concurrent_callers_of_one_key_the_same_value_made_once()
    {
        var lru = new BoundedLru<string, object>(capacity: 10);
        var made = 0;
        using var start = new Barrier(8);

        // Own threads (LongRunning): eight callers blocked at the barrier would starve a small thread pool.
        var values = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return lru.GetOrAdd("client", 0, (_, _) =>
            {
                Interlocked.Increment(ref made);
                Thread.Sleep(20); // a slow maker widens the window a check-then-set would lose in
                return new object();
            });
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Equal(1, made);
        Assert.All(values, value => Assert.Same(values[0], value));
        Assert.True(lru.TryGet("client", out var stored));
        Assert.Same(values[0], stored);
        Assert.Same(values[0], lru.GetOrAdd("client", 0, (_, _) => throw new InvalidOperationException("already there")));
    }

    [Fact]
    public void GetOrAdd_stays_within_capacity_and_evicts_the_least_recently_used()
    {
        var lru = new BoundedLru<string, string>(capacity: 3);
        foreach (var key in new[] { "a", "b", "c" })
        {
            lru.GetOrAdd(key, 0, (k, _) => "v-" + k);
        }

        // "a" is used again (through GetOrAdd), so "b" is the least recently used: the fourth key replaces it.
        Assert.Equal("v-a", lru.GetOrAdd("a", 0, (_, _) => "new a"));
        Assert.Equal("v-d", lru.GetOrAdd("d", 0, (k, _) => "v-" + k));
        Assert.Equal(3, lru.Count);
        Assert.False(lru.TryGet("b", out _));
        Assert.True(lru.TryGet("a", out _));

        Parallel.For(0, 1000, i => lru.GetOrAdd("flood-" + i, 0, (k, _) => k));
        Assert.Equal(3, lru.Count);
    }
}
