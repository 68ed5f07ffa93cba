using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Gateway;
using Gsv.Gateway.Authentication;
using Gsv.Gateway.Caching;
using Gsv.Gateway.Runs;
using Gsv.Langflow;
using Gsv.Tests.Langflow;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gsv.Tests.Gateway;

/// <summary>The gateway's defences that need no platform: run bodies, tweak allow-lists, bounded caches, key lookup budgets.</summary>
public sealed class GatewayTrustUnitTests
{
    /// <summary>The problem a read refused with: a 400 naming fields (<see cref="ValidationProblem"/>) or another status.</summary>
    private static (int? StatusCode, ProblemDetails ProblemDetails) ProblemOf(RunRequestRead read) => read.Problem switch
    {
        ProblemHttpResult problem => (problem.StatusCode, problem.ProblemDetails),
        ValidationProblem validation => (validation.StatusCode, validation.ProblemDetails),
        var other => throw new Xunit.Sdk.XunitException($"Not a problem: {other}"),
    };

    private static RunRequestRead Parse(string json) => RunRequestReader.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_run_body_is_read_field_by_field_and_every_bad_body_is_a_400_naming_the_field()
    {
        var good = Parse("""{"input":"hello","sessionId":"s-1","tweaks":{"Prompt-1":{"x":1}},"extra":[1,2]}""");
        Assert.Null(good.Problem);
        Assert.Equal(("hello", "s-1"), (good.Body!.Input, good.Body.SessionId));
        Assert.Equal(1, (int)good.Body.Tweaks!["Prompt-1"]!["x"]!);

        var deep = new string('[', 10_000) + new string(']', 10_000);
        var cases = new (byte[] Body, string Field)[]
        {
            (Encoding.UTF8.GetBytes("{\"input\": \"unterminated"), "body"),
            (Encoding.UTF8.GetBytes("[1,2,3]"), "body"),
            (Encoding.UTF8.GetBytes("null"), "body"),
            (Encoding.UTF8.GetBytes("\"just a string\""), "body"),
            (Encoding.UTF8.GetBytes(""), "body"),
            (Encoding.UTF8.GetBytes("{\"input\":" + deep + "}"), "body"),
            ([.. "{\"input\":\""u8, 0xC3, 0x28, .. "\"}"u8], "body"),
            (Encoding.UTF8.GetBytes("{\"input\":\"\\ud800\"}"), "input"),
            (Encoding.UTF8.GetBytes("{\"\\ud800\":1}"), "body"),
            (Encoding.UTF8.GetBytes("{\"input\":42}"), "input"),
            (Encoding.UTF8.GetBytes("{\"input\":{\"text\":\"hi\"}}"), "input"),
            (Encoding.UTF8.GetBytes("{\"input\":\"a\",\"INPUT\":\"b\"}"), "input"),
            (Encoding.UTF8.GetBytes("{\"input\":\"hi\",\"sessionId\":[\"s\"]}"), "sessionId"),
            (Encoding.UTF8.GetBytes("{\"input\":\"hi\",\"tweaks\":[]}"), "tweaks"),
            (Encoding.UTF8.GetBytes("{\"input\":\"hi\",\"tweaks\":\"model=gpt-5\"}"), "tweaks"),
            (Encoding.UTF8.GetBytes("{\"input\":\"hi\",\"tweaks\":{\"OpenAI\":3}}"), "tweaks.OpenAI"),
            (Encoding.UTF8.GetBytes("{\"input\":\"hi\",\"tweaks\":{\"OpenAI\":{\"a\":1,\"a\":2}}}"), "tweaks.OpenAI"),
            (Encoding.UTF8.GetBytes("{\"input\":\"hi\",\"tweaks\":{\"OpenAI\":{\"a\":\"" + new string('x', RunRequestReader.MaxTweaksBytes) + "\"}}}"), "tweaks"),
        };
        foreach (var (body, field) in cases)
        {
            var problem = ProblemOf(RunRequestReader.Parse(body));
            Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
            var errors = Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails).Errors;
            Assert.True(errors.ContainsKey(field), $"{Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 60)]} → {string.Join(", ", errors.Keys)}, expected {field}");
        }

        // Parsed, but refused by the body's own rules: NUL and other control characters in the input.
        Assert.Contains("input", Parse("{\"input\":\"a\\u0000b\"}").Body!.Validate()!.Keys);
        Assert.Contains("input", Parse("{\"input\":\"a\\u001b[31mred\"}").Body!.Validate()!.Keys);
        Assert.Null(Parse("{\"input\":\"line 1\\nline 2\\ttab\"}").Body!.Validate());
    }

    [Fact]
    public async Task A_run_body_over_the_limit_is_the_shared_413_problem_naming_the_limit_whether_its_length_is_given_or_not()
    {
        var oversized = new byte[RunRequestReader.MaxBodyBytes + 1];
        foreach (var declaredLength in new long?[] { oversized.Length, null })
        {
            var context = new DefaultHttpContext();
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = declaredLength;
            context.Request.Body = new MemoryStream(oversized);

            var problem = ProblemOf(await RunRequestReader.ReadAsync(context.Request, CancellationToken.None));
            Assert.Equal(StatusCodes.Status413PayloadTooLarge, problem.StatusCode);
            Assert.Equal("https://gsv.dev/problems/payload_too_large", problem.ProblemDetails.Type);
            Assert.Equal("payload_too_large", problem.ProblemDetails.Extensions["code"]);
            Assert.Equal("Request body too large", problem.ProblemDetails.Title);
            Assert.Equal($"The body of this request may have at most {RunRequestReader.MaxBodyBytes} bytes.", problem.ProblemDetails.Detail);
            Assert.Equal((long)RunRequestReader.MaxBodyBytes, problem.ProblemDetails.Extensions["limit"]);
        }
    }

    [Fact]
    public void Tweaks_are_refused_unless_the_flow_template_allows_that_component_field_within_its_size()
    {
        var folder = Directory.CreateTempSubdirectory("gsv-flows-");
        try
        {
            var document = LangflowTestSupport.LoadTemplates().Get("support-agent").Document.DeepClone().AsObject();
            document[FlowTemplate.AllowedTweaksKey] = new JsonObject { ["ChatOutput-1.sender_name"] = 10 };
            File.WriteAllText(Path.Combine(folder.FullName, "allows-one.json"), document.ToJsonString());
            document.Remove(FlowTemplate.AllowedTweaksKey);
            File.WriteAllText(Path.Combine(folder.FullName, "allows-none.json"), document.ToJsonString());
            var policy = new TweakPolicy(new FlowTemplateCatalog(new FlowTemplates(folder.FullName), null, TimeProvider.System, NullLogger<FlowTemplateCatalog>.Instance));

            Assert.Null(policy.Check("allows-none", null));
            Assert.Null(policy.Check("allows-none", []));
            Assert.Null(policy.Check("allows-one", Tweaks("ChatOutput-1", "sender_name", "Ada")));

            AssertRefused(policy.Check("allows-none", Tweaks("ChatOutput-1", "sender_name", "Ada")), "tweaks.ChatOutput-1.sender_name");
            AssertRefused(policy.Check("allows-one", Tweaks("OpenAIModel-1", "model_name", "gpt-5")), "tweaks.OpenAIModel-1.model_name");
            AssertRefused(policy.Check("allows-one", Tweaks("OpenAIModel-1", "openai_api_base", "https://evil.example")), "tweaks.OpenAIModel-1.openai_api_base");
            AssertRefused(policy.Check("allows-one", Tweaks("ChatOutput-1", "sender_name", "Ada Lovelace!")), "tweaks.ChatOutput-1.sender_name");
            AssertRefused(policy.Check("allows-one", Tweaks("ChatOutput-1", "sender_name", new JsonObject { ["a"] = 1 })), "tweaks.ChatOutput-1.sender_name");
            AssertRefused(policy.Check("unknown-template", Tweaks("ChatOutput-1", "sender_name", "Ada")), "tweaks.ChatOutput-1.sender_name");
            AssertRefused(new TweakPolicy(new FlowTemplateCatalog(null, null, TimeProvider.System, NullLogger<FlowTemplateCatalog>.Instance)).Check("allows-one", Tweaks("ChatOutput-1", "sender_name", "Ada")), "tweaks.ChatOutput-1.sender_name");

            // A tweak value is multi-line text: tabs and line breaks pass, other control characters (NUL, ESC, DEL, C1) do not.
            Assert.Null(policy.Check("allows-one", Tweaks("ChatOutput-1", "sender_name", "A\tB\r\nC")));
            foreach (var control in new[] { "A\0", "\u001b[2J", "A\u007f", "A\u0085" })
            {
                AssertRefused(policy.Check("allows-one", Tweaks("ChatOutput-1", "sender_name", control)), "tweaks.ChatOutput-1.sender_name");
            }

            // A long name is quoted short (at most ~100 characters of the caller's input).
            var refused = Assert.IsType<ProblemHttpResult>(policy.Check("allows-one", Tweaks(new string('C', 5000), "f", 1)));
            Assert.DoesNotContain(new string('C', 101), refused.ProblemDetails.Detail);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        // The offerings' templates declare none: every tweak is refused by default.
        var shipped = LangflowTestSupport.LoadTemplates();
        Assert.All(shipped.Names, name => Assert.Empty(shipped.Get(name).AllowedTweaks));
    }

    private static JsonObject Tweaks(string component, string field, JsonNode value) =>
        new() { [component] = new JsonObject { [field] = value } };

    private static void AssertRefused(IResult? result, string field)
    {
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        Assert.Equal("tweak_not_allowed", problem.ProblemDetails.Extensions["code"]);
        Assert.Equal(field, problem.ProblemDetails.Extensions["field"]);
    }

    [Fact]
    public async Task The_short_lived_cache_is_a_bounded_lru_whose_expired_entries_a_timer_sweeps()
    {
        var clock = new FakeTimeProvider();
        var lifetime = TimeSpan.FromSeconds(4);
        using var cache = new ShortLivedCache<string, string>(clock, lifetime, capacity: 3);
        Task<string> Lookup(string key, int _) => Task.FromResult("v-" + key);

        foreach (var key in new[] { "a", "b", "c" })
        {
            await cache.GetOrAddAsync(key, 0, Lookup, _ => lifetime);
        }

        // "a" is used again, so "b" is the least recently used: the fourth key replaces it.
        await cache.GetOrAddAsync("a", 0, (_, _) => throw new InvalidOperationException("cached"), _ => lifetime);
        await cache.GetOrAddAsync("d", 0, Lookup, _ => lifetime);
        Assert.Equal(3, cache.Count);
        await cache.GetOrAddAsync("a", 0, (_, _) => throw new InvalidOperationException("still cached"), _ => lifetime);
        var lookedUpAgain = false;
        await cache.GetOrAddAsync("b", 0, (k, _) => { lookedUpAgain = true; return Task.FromResult("v-b"); }, _ => lifetime);
        Assert.True(lookedUpAgain);

        // A flood of new keys never grows it past its capacity.
        for (var i = 0; i < 1000; i++)
        {
            await cache.GetOrAddAsync("flood-" + i, 0, Lookup, _ => lifetime);
        }

        Assert.Equal(3, cache.Count);

        // Expired entries go with the timer's next sweep, without any request.
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task The_short_lived_cache_sweeps_once_per_lifetime_and_never_more_than_once_a_second()
    {
        var clock = new FakeTimeProvider();
        using var minutely = new ShortLivedCache<string, string>(clock, TimeSpan.FromMinutes(1));
        using var brief = new ShortLivedCache<string, string>(clock, TimeSpan.FromMilliseconds(100));
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1)), (minutely.SweepInterval, brief.SweepInterval));

        await minutely.GetOrAddAsync("k", 0, (_, _) => Task.FromResult("v"));
        await brief.GetOrAddAsync("k", 0, (_, _) => Task.FromResult("v"));

        // Expired after 100 ms, the brief entry waits for the one-second sweep; the other lives its whole minute.
        clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal((1, 1), (minutely.Count, brief.Count));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal((1, 0), (minutely.Count, brief.Count));
        clock.Advance(TimeSpan.FromSeconds(58));
        Assert.Equal(1, minutely.Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, minutely.Count);
    }

    [Fact]
    public async Task Unknown_api_keys_from_one_address_reach_the_control_plane_only_within_its_budget_then_429()
    {
        var clock = new FakeTimeProvider();
        var options = Options.Create(new GatewayOptions { ApiKeyLookupBurst = 5, ApiKeyLookupsPerSecond = 1 });
        using var controlPlane = new CountingControlPlane();
        using var cache = new ApiKeyResolver.Cache(options, clock);
        using var throttle = new ApiKeyLookupThrottle(options, clock);
        var resolver = new ApiKeyResolver(new ControlPlaneClient(new HttpClient(controlPlane) { BaseAddress = new Uri("http://controlplane/") }), cache, throttle);
        var attacker = IPAddress.Parse("203.0.113.7");

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await resolver.ResolveAsync($"gsv_guess{i}", attacker));
        }

        var refused = await Assert.ThrowsAsync<ApiKeyLookupThrottledException>(() => resolver.ResolveAsync("gsv_guess5", attacker));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(5, controlPlane.Calls);

        // A key already looked up costs nothing; another address has its own budget; IPv6 counts per /64.
        Assert.Null(await resolver.ResolveAsync("gsv_guess0", attacker));
        Assert.Null(await resolver.ResolveAsync("gsv_guess5", IPAddress.Parse("198.51.100.1")));
        Assert.Equal(6, controlPlane.Calls);
        Assert.Equal(ApiKeyLookupThrottle.ClientOf(IPAddress.Parse("2001:db8:1:2::1")), ApiKeyLookupThrottle.ClientOf(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Equal("203.0.113.7", ApiKeyLookupThrottle.ClientOf(IPAddress.Parse("::ffff:203.0.113.7")));

        // The budget refills with time; idle clients are swept.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await resolver.ResolveAsync("gsv_guess6", attacker));
        Assert.Equal(7, controlPlane.Calls);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, throttle.Count);
    }

    /// <summary>The Control Plane's <c>POST /internal/v1/api-keys/resolve</c> for keys it does not know (404), counted.</summary>
    private sealed class CountingControlPlane : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.EndsWith("/api-keys/resolve", request.RequestUri!.AbsolutePath);
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
