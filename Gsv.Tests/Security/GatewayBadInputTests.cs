using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gsv.Tests.Gateway;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Security;

/// <summary>
/// Black box: every bad input of issue 15 items 13–17 sent to every public Gateway endpoint (a run, a run record),
/// as an API client would. Each answer must be a 4xx problem+json (never a 500), quote at most ~100 characters of the
/// input, and change nothing (no run, no credit).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class GatewayBadInputTests(PlatformFixture platform)
{
    /// <summary>A long run of one character: an answer that quotes more than 100 of them echoes too much input.</summary>
    private static readonly string Long = new('Z', 5_000);

    private sealed record BadRequest(string Name, HttpMethod Method, string Path, HttpContent? Content, Action<HttpRequestHeaders>? Headers = null);

    private static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    private static HttpContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static IEnumerable<BadRequest> RunRequests(string runs)
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var deepObject = string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000);
        yield return new("malformed JSON", HttpMethod.Post, runs, Json("{\"input\": \"hi\","));
        yield return new("not JSON at all", HttpMethod.Post, runs, Json("input=hi"));
        yield return new("empty body", HttpMethod.Post, runs, Json(""));
        yield return new("null body", HttpMethod.Post, runs, Json("null"));
        yield return new("array body", HttpMethod.Post, runs, Json("[{\"input\":\"hi\"}]"));
        yield return new("string body", HttpMethod.Post, runs, Json("\"hi\""));
        yield return new("input a number", HttpMethod.Post, runs, Json("{\"input\":42}"));
        yield return new("input a boolean", HttpMethod.Post, runs, Json("{\"input\":true}"));
        yield return new("input an object", HttpMethod.Post, runs, Json("{\"input\":{\"text\":\"hi\"}}"));
        yield return new("input an array", HttpMethod.Post, runs, Json("{\"input\":[\"hi\"]}"));
        yield return new("input null", HttpMethod.Post, runs, Json("{\"input\":null}"));
        yield return new("input twice", HttpMethod.Post, runs, Json("{\"input\":\"a\",\"input\":\"b\"}"));
        yield return new("sessionId a number", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"sessionId\":7}"));
        yield return new("tweaks a string", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"tweaks\":\"x\"}"));
        yield return new("tweaks an array", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"tweaks\":[1]}"));
        yield return new("tweak component a number", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"tweaks\":{\"OpenAI\":1}}"));
        yield return new("tweak component null", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"tweaks\":{\"OpenAI\":null}}"));
        yield return new("tweak field twice", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"tweaks\":{\"OpenAI\":{\"a\":1,\"a\":2}}}"));
        yield return new("tweak not allowed", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"tweaks\":{\"OpenAI\":{\"model_name\":\"x\"}}}"));
        yield return new("10,000-deep arrays", HttpMethod.Post, runs, Json("{\"input\":" + deep + "}"));
        yield return new("10,000-deep objects", HttpMethod.Post, runs, Json(deepObject));
        yield return new("invalid UTF-8", HttpMethod.Post, runs, Bytes([.. "{\"input\":\"caf"u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]));
        yield return new("lone surrogate", HttpMethod.Post, runs, Json("{\"input\":\"\\ud800\"}"));
        yield return new("NUL in input", HttpMethod.Post, runs, Json("{\"input\":\"a\\u0000b\"}"));
        yield return new("NUL byte in JSON", HttpMethod.Post, runs, Bytes([.. "{\"input\":\"a"u8, 0x00, .. "b\"}"u8]));
        yield return new("ESC in input", HttpMethod.Post, runs, Json("{\"input\":\"\\u001b[2J\"}"));
        yield return new("NUL in sessionId", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"sessionId\":\"a\\u0000\"}"));
        yield return new("CR/LF in sessionId", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"sessionId\":\"a\\r\\nSet-Cookie: x\"}"));
        yield return new("ESC in sessionId", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"sessionId\":\"\\u001b[31m\"}"));
        yield return new("bidi override in sessionId", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"sessionId\":\"a\\u202egnp.exe\"}"));
        yield return new("long sessionId", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"sessionId\":\"" + Long + "\"}"));
        yield return new("long tweak component", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"tweaks\":{\"" + Long + "\":{\"f\":1}}}"));
        yield return new("long tweak field", HttpMethod.Post, runs, Json("{\"input\":\"hi\",\"tweaks\":{\"OpenAI\":{\"" + Long + "\":1}}}"));
        yield return new("long unknown field, malformed", HttpMethod.Post, runs, Json("{\"" + Long + "\": [ }"));
        yield return new("input too long", HttpMethod.Post, runs, Json("{\"input\":\"" + new string('Z', 100_001) + "\"}"));
        yield return new("body over 1 MiB", HttpMethod.Post, runs, Json("{\"input\":\"" + new string('Z', 1_100_000) + "\"}"), h => h.ExpectContinue = true);
        yield return new("text/plain body", HttpMethod.Post, runs, new StringContent("{\"input\":\"hi\"}", Encoding.UTF8, "text/plain"));
        yield return new("no content type", HttpMethod.Post, runs, new ByteArrayContent("{\"input\":\"hi\"}"u8.ToArray()));
        yield return new("stream=maybe", HttpMethod.Post, runs + "?stream=maybe", Json("{\"input\":\"hi\"}"));
        yield return new("stream=1", HttpMethod.Post, runs + "?stream=1", Json("{\"input\":\"hi\"}"));
        yield return new("stream twice", HttpMethod.Post, runs + "?stream=true&stream=false", Json("{\"input\":\"hi\"}"));
        yield return new("stream long", HttpMethod.Post, runs + "?stream=" + Long, Json("{\"input\":\"hi\"}"));
        yield return new("long Idempotency-Key", HttpMethod.Post, runs, Json("{\"input\":\"hi\"}"), h => h.Add("Idempotency-Key", Long));
        yield return new("instance id not a guid", HttpMethod.Post, "/v1/instances/notaguid/runs", Json("{\"input\":\"hi\"}"));
        yield return new("instance id a big number", HttpMethod.Post, "/v1/instances/2147483648/runs", Json("{\"input\":\"hi\"}"));
        yield return new("instance id long", HttpMethod.Post, $"/v1/instances/{Long}/runs", Json("{\"input\":\"hi\"}"));
        yield return new("another instance", HttpMethod.Post, $"/v1/instances/{Guid.NewGuid()}/runs", Json("{\"input\":\"hi\"}"));
    }

    private static IEnumerable<BadRequest> RunRecordRequests()
    {
        yield return new("run id not a guid", HttpMethod.Get, "/v1/runs/notaguid", null);
        yield return new("run id a number", HttpMethod.Get, "/v1/runs/2147483648", null);
        yield return new("run id 1e3", HttpMethod.Get, "/v1/runs/1e3", null);
        yield return new("run id long", HttpMethod.Get, $"/v1/runs/{Long}", null);
        yield return new("unknown run", HttpMethod.Get, $"/v1/runs/{Guid.NewGuid()}", null);
        yield return new("unknown run, bad query", HttpMethod.Get, $"/v1/runs/{Guid.NewGuid()}?stream=maybe&page=abc", null);
        yield return new("unknown run, malformed body", HttpMethod.Get, $"/v1/runs/{Guid.NewGuid()}", Json("{\"" + Long + "\": [ }"));
        yield return new("runs by POST", HttpMethod.Post, $"/v1/runs/{Guid.NewGuid()}", Json("{\"input\":\"hi\"}"));
    }

    [Fact]
    public async Task Every_bad_input_to_a_run_is_a_4xx_problem_that_quotes_little_and_changes_nothing()
    {
        var scenario = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 5);
        await AssertAllRefusedAsync(scenario, RunRequests(scenario.RunsPath));

        Assert.Equal(5, (await scenario.SettledWalletAsync()).Balance);
        Assert.Empty(await scenario.RunsAsync());
    }

    [Fact]
    public async Task Every_bad_input_to_a_run_record_is_a_4xx_problem_that_quotes_little()
    {
        var scenario = await GatewayScenario.CreateAsync(platform, creditsPerRun: 1, credits: 5);
        await AssertAllRefusedAsync(scenario, RunRecordRequests());
    }

    private static async Task AssertAllRefusedAsync(GatewayScenario scenario, IEnumerable<BadRequest> requests)
    {
        var failures = new List<string>();
        foreach (var bad in requests)
        {
            // Both credentials: the instance's API key and its owner's token.
            foreach (var gateway in new[] { scenario.CreateApiKeyClient(), scenario.CreateGatewayClient(bearer: scenario.User.AccessToken) })
            {
                using (gateway)
                using (var request = new HttpRequestMessage(bad.Method, bad.Path) { Content = bad.Content is null ? null : await CopyAsync(bad.Content) })
                {
                    bad.Headers?.Invoke(request.Headers);
                    using var response = await gateway.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    var status = (int)response.StatusCode;
                    if (status is < 400 or >= 500)
                    {
                        failures.Add($"{bad.Name}: {status}");
                    }
                    else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{bad.Name}: {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");
                    }
                    else if (body.Contains(Long[..101], StringComparison.Ordinal))
                    {
                        failures.Add($"{bad.Name}: {status} quotes more than 100 characters of the input");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, "Not a 4xx problem+json that quotes little:\n" + string.Join("\n", failures));
    }

    /// <summary>A fresh copy of a request body (a content is consumed by one send; each request is sent twice).</summary>
    private static async Task<HttpContent> CopyAsync(HttpContent content)
    {
        var copy = new ByteArrayContent(await content.ReadAsByteArrayAsync());
        copy.Headers.ContentType = content.Headers.ContentType;

        return copy;
    }
}
