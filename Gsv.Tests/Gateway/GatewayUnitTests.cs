using System.Text.Json.Nodes;
using Gsv.Gateway.Caching;
using Gsv.Gateway.Observability;
using Gsv.Gateway.Runs;

namespace Gsv.Tests.Gateway;

public sealed class GatewayUnitTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;

        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    [Fact]
    public async Task The_short_lived_cache_shares_a_lookup_keeps_it_for_its_lifetime_and_forgets_failures()
    {
        var clock = new ManualClock();
        var cache = new ShortLivedCache<string, string?>(clock, TimeSpan.FromSeconds(5));
        var calls = 0;
        var gate = new TaskCompletionSource<string?>();
        Task<string?> Lookup(string key, int _) { calls++; return gate.Task; }

        var first = cache.GetOrAddAsync("k", 0, Lookup, _ => TimeSpan.FromSeconds(5));
        var concurrent = cache.GetOrAddAsync("k", 0, Lookup, _ => TimeSpan.FromSeconds(5));
        gate.SetResult("v1");
        Assert.Equal(("v1", "v1"), (await first, await concurrent));
        Assert.Equal(1, calls);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("v1", await cache.GetOrAddAsync("k", 0, (_, _) => Task.FromResult<string?>("v2"), _ => TimeSpan.FromSeconds(5)));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v2", await cache.GetOrAddAsync("k", 0, (_, _) => Task.FromResult<string?>("v2"), _ => TimeSpan.FromSeconds(5)));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.GetOrAddAsync("bad", 0, (_, _) => Task.FromException<string?>(new InvalidOperationException()), _ => TimeSpan.FromSeconds(5)));
        Assert.Equal("ok", await cache.GetOrAddAsync("bad", 0, (_, _) => Task.FromResult<string?>("ok"), _ => TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_busy_cache_entry_is_looked_up_again_in_the_background_and_never_served_past_its_lifetime()
    {
        var clock = new ManualClock();
        var lifetime = TimeSpan.FromSeconds(4);
        var cache = new ShortLivedCache<string, string>(clock, lifetime);
        Assert.Equal("v1", await cache.GetOrAddAsync("k", 0, (_, _) => Task.FromResult("v1"), _ => lifetime));

        // Before the last quarter of its lifetime: served, no lookup.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v1", await cache.GetOrAddAsync("k", 0, (_, _) => throw new InvalidOperationException("no lookup expected"), _ => lifetime));

        // In the last quarter: still served at once while one background lookup runs; a failed one changes nothing.
        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal("v1", await cache.GetOrAddAsync("k", 0, (_, _) => Task.FromException<string>(new InvalidOperationException()), _ => lifetime));
        var refresh = new TaskCompletionSource<string>();
        var lookups = 0;
        Task<string> Slow(string key, int state) { lookups++; return refresh.Task; }
        Assert.Equal("v1", await cache.GetOrAddAsync("k", 0, Slow, _ => lifetime));
        Assert.Equal("v1", await cache.GetOrAddAsync("k", 0, Slow, _ => lifetime));
        Assert.Equal(1, lookups);
        refresh.SetResult("v2");
        Assert.Equal("v2", await cache.GetOrAddAsync("k", 0, Slow, _ => lifetime));

        // Unused past its lifetime, the refreshed value is not served either.
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("v3", await cache.GetOrAddAsync("k", 0, (_, _) => Task.FromResult("v3"), _ => lifetime));
    }

    [Fact]
    public void A_run_body_needs_an_input_a_sane_session_id_and_object_tweaks()
    {
        Assert.Null(new RunRequestBody("hello", "s-1", new JsonObject { ["Prompt-1"] = new JsonObject { ["x"] = 1 } }).Validate());
        Assert.Contains("input", new RunRequestBody(" ", null, null).Validate()!.Keys);
        Assert.Contains("input", new RunRequestBody(new string('a', RunRequestBody.MaxInputLength + 1), null, null).Validate()!.Keys);
        Assert.Contains("sessionId", new RunRequestBody("hi", "", null).Validate()!.Keys);
        Assert.Contains("sessionId", new RunRequestBody("hi", "a\nb", null).Validate()!.Keys);
        Assert.Contains("sessionId", new RunRequestBody("hi", "a\u202egnp.exe", null).Validate()!.Keys);
        Assert.Contains("tweaks", new RunRequestBody("hi", null, new JsonObject { ["Prompt-1"] = 3 }).Validate()!.Keys);
    }

    [Fact]
    public void A_session_id_is_one_line_text_without_invisible_formatting_and_an_input_keeps_its_line_breaks()
    {
        foreach (var sessionId in new[] { "a\0b", "a\u001b[31m", "a\r\nb", "a\tb", "a\u0085b", "a\u202egnp.exe", "a\u2066b", "a\u200bb", "\ufeffa", "a\u00adb" })
        {
            Assert.True(new RunRequestBody("hi", sessionId, null).Validate()?.ContainsKey("sessionId") == true, $"session id {sessionId.Length} chars accepted: {Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(sessionId))}");
        }

        Assert.Null(new RunRequestBody("line 1\r\nline 2\ttab \u202e é 中 👍", "session-é-中-👍", null).Validate());
        Assert.Contains("input", new RunRequestBody("a\u0085b", null, null).Validate()!.Keys);
        Assert.Contains("input", new RunRequestBody("a\u007fb", null, null).Validate()!.Keys);
    }

    [Fact]
    public void Server_timing_splits_gateway_control_plane_and_runtime_time()
    {
        var timing = ServerTiming.Start();
        var since = timing.Begin();
        Thread.Sleep(5);
        timing.AddRuntime(since);

        var header = timing.Header();
        Assert.Matches(@"^gateway;dur=[\d.]+, controlplane;dur=[\d.]+, runtime;dur=[\d.]+, total;dur=[\d.]+$", header);
        Assert.True(timing.RuntimeMilliseconds >= 4);
    }
}
