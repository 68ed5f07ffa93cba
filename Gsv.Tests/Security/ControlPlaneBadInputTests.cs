using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.Tests.Infrastructure;
using Xunit.Abstractions;
using static Gsv.Tests.ControlPlane.ControlPlaneHttp;

namespace Gsv.Tests.Security;

/// <summary>
/// Black-box: every bad input of issue 15 items 13–17 sent to every public Control Plane endpoint that reads it, by a
/// buyer whose display name is 300 characters of text with control characters (item 15). Each answer is a 4xx
/// problem+json (never a 5xx) that quotes at most about 100 characters of the input.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ControlPlaneBadInputTests(PlatformFixture platform, ITestOutputHelper output)
{
    /// <summary>Input long enough that an error quoting it whole would show; no answer may contain 101 of them in a row.</summary>
    private static readonly string Long = new('Z', 1500);

    private static readonly string Echoed = new('Z', 101);

    /// <summary>Bodies for the two JSON commands, with the field each must be refused on (null: any 4xx).</summary>
    private static IEnumerable<(string Name, byte[] Body, string? ContentType, HttpStatusCode Status)> Bodies(string field)
    {
        static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
        var other = field == "offering" ? "name" : "offering";
        yield return ("malformed JSON", Utf8($$"""{"{{field}}": "a"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("empty body", [], "application/json", HttpStatusCode.BadRequest);
        yield return ("number instead of string", Utf8($$"""{"{{field}}": 5}"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("object instead of string", Utf8($"{{\"{field}\": {{\"{Long}\": 1}} }}"), "application/json", HttpStatusCode.BadRequest);
        yield return ("boolean instead of string", Utf8($$"""{"{{field}}": true}"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("null field", Utf8($$"""{"{{field}}": null}"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("missing field", Utf8($$"""{"{{other}}": "x"}"""), "application/json", HttpStatusCode.BadRequest);
        if (field == "offering")
        {
            yield return ("workspaceId not a UUID", Utf8("""{"offering": "x", "workspaceId": "abc"}"""), "application/json", HttpStatusCode.BadRequest);
            yield return ("workspaceId a number", Utf8("""{"offering": "x", "workspaceId": 7}"""), "application/json", HttpStatusCode.BadRequest);
        }

        yield return ("array instead of object", Utf8("[]"), "application/json", HttpStatusCode.BadRequest);
        yield return ("array of objects", Utf8($$"""[{"{{field}}": "x"}]"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("null instead of object", Utf8("null"), "application/json", HttpStatusCode.BadRequest);
        yield return ("string instead of object", Utf8("\"text\""), "application/json", HttpStatusCode.BadRequest);
        yield return ("10,000-deep arrays", Utf8(new string('[', 10_000) + new string(']', 10_000)), "application/json", HttpStatusCode.BadRequest);
        yield return ("10,000-deep objects", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)), "application/json", HttpStatusCode.BadRequest);
        yield return ("invalid UTF-8", [.. Utf8($$"""{"{{field}}": "a"""), 0xFF, 0xFE, 0xC3, .. Utf8("\"}")], "application/json", HttpStatusCode.BadRequest);
        yield return ("raw NUL byte", [.. Utf8($$"""{"{{field}}": "a"""), 0x00, .. Utf8("b\"}")], "application/json", HttpStatusCode.BadRequest);
        yield return ("escaped NUL", Utf8($$"""{"{{field}}": "a\u0000b"}"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("ESC sequence", Utf8($$"""{"{{field}}": "\u001b[31mred\u001b[0m"}"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("CR/LF", Utf8($$"""{"{{field}}": "a\r\nInjected: yes"}"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("bidi override", Utf8($$"""{"{{field}}": "abc\u202Egpj.exe"}"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("1,500 characters", Utf8($$"""{"{{field}}": "{{Long}}"}"""), "application/json", HttpStatusCode.BadRequest);
        yield return ("body over the limit (100 KB)", Utf8($$"""{"{{field}}": "{{new string('a', 100_000)}}"}"""), "application/json", HttpStatusCode.RequestEntityTooLarge);
        yield return ("not JSON content", Utf8($$"""{"{{field}}": "x"}"""), "text/plain", HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Every_bad_body_on_the_two_json_commands_is_a_4xx_problem_naming_the_field()
    {
        var (http, instanceId) = await BuyerWithInstanceAsync();
        var failures = new List<string>();
        foreach (var (url, field) in new[] { ("/api/v1/instances/trial", "offering"), ($"/api/v1/instances/{instanceId}/api-keys", "name") })
        {
            foreach (var (name, body, contentType, status) in Bodies(field))
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
                using var response = await http.PostAsync(url, content);
                var problem = await CheckAsync(response, $"POST {url} with {name}", status, failures);
                var named = name.StartsWith("workspaceId", StringComparison.Ordinal) ? "workspaceId" : field;
                if (problem is { } p && status == HttpStatusCode.BadRequest && name is not ("empty body" or "array instead of object" or "array of objects"
                        or "null instead of object" or "string instead of object" or "10,000-deep arrays" or "10,000-deep objects" or "invalid UTF-8" or "raw NUL byte"))
                {
                    // Refusals of a value name its field.
                    if (!p.TryGetProperty("errors", out var errors) || !errors.TryGetProperty(named, out _))
                    {
                        failures.Add($"POST {url} with {name}: the problem does not name '{named}': {p}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        // Nothing was created by any of them.
        Assert.Single(await ReadAsync<List<InstanceDto>>(await http.GetAsync("/api/v1/instances"), HttpStatusCode.OK));
        Assert.Empty(await ReadAsync<List<ApiKeyDto>>(await http.GetAsync($"/api/v1/instances/{instanceId}/api-keys"), HttpStatusCode.OK));
    }

    [Fact]
    public async Task Every_bad_query_value_and_id_is_a_4xx_problem_and_no_endpoint_answers_500()
    {
        var (http, instanceId) = await BuyerWithInstanceAsync();
        var failures = new List<string>();
        var bad = new[]
        {
            "/api/v1/runs?instanceId=notaguid", $"/api/v1/runs?instanceId={Long}", "/api/v1/runs?instanceId=%00",
            "/api/v1/wallet?workspaceId=abc", $"/api/v1/wallet?workspaceId={Long}", "/api/v1/wallet?workspaceId=%1B%5B31m",
            "/api/v1/wallet/ledger?workspaceId=abc", "/api/v1/wallet/events?workspaceId=abc",
            "/api/v1/wallet/ledger?page=abc", "/api/v1/wallet/ledger?page=1e3", "/api/v1/wallet/ledger?page=2147483648",
            "/api/v1/wallet/ledger?page=-1", "/api/v1/wallet/ledger?page=0", "/api/v1/wallet/ledger?pageSize=abc",
            "/api/v1/wallet/ledger?pageSize=201", "/api/v1/wallet/ledger?pageSize=0", "/api/v1/wallet/ledger?page=1&pageSize=99999999999",
            "/api/v1/wallet/ledger?page=%E2%80%AE1",
            $"/api/v1/instances/{Guid.NewGuid()}", $"/api/v1/runs/{Guid.NewGuid()}", $"/api/v1/wallet/ledger/{Guid.NewGuid()}",
            "/api/v1/instances/notaguid", $"/api/v1/instances/{Long}", "/api/v1/runs/notaguid", "/api/v1/wallet/ledger/notaguid",
            "/api/v1/instances/notaguid/api-keys",
        };
        foreach (var url in bad)
        {
            using var response = await http.GetAsync(url);
            await CheckAsync(response, $"GET {url}", null, failures);
        }

        foreach (var url in new[] { $"/api/v1/instances/{instanceId}/api-keys/notaguid", $"/api/v1/instances/{instanceId}/api-keys/{Guid.NewGuid()}" })
        {
            using var response = await http.DeleteAsync(url);
            await CheckAsync(response, $"DELETE {url}", null, failures);
        }

        // 32-bit overflow of the offset: a 400 or an empty page, never a wrapped offset.
        using (var overflow = await http.GetAsync("/api/v1/wallet/ledger?page=42949674&pageSize=50"))
        {
            if (overflow.StatusCode != HttpStatusCode.OK)
            {
                await CheckAsync(overflow, "GET ledger page 42949674 × 50", HttpStatusCode.BadRequest, failures);
            }
            else
            {
                Assert.Empty(JsonSerializer.Deserialize<LedgerPageDto>(await overflow.Content.ReadAsStringAsync(), Json)!.Items);
            }
        }

        // Every GET endpoint with every bad query value at once: whatever it reads or ignores, never a 5xx.
        var everything = $"?instanceId=notaguid&workspaceId=abc&page=2147483648&pageSize=1e3&state=%00&x={Long}";
        foreach (var path in new[]
        {
            "/api/v1/me", "/api/v1/workspaces", "/api/v1/instances", $"/api/v1/instances/{instanceId}", "/api/v1/wallet", "/api/v1/wallet/ledger",
            "/api/v1/wallet/events", $"/api/v1/instances/{instanceId}/api-keys", "/api/v1/runs",
        })
        {
            using var response = await http.GetAsync(path + everything);
            output.WriteLine($"GET {path}{everything[..40]}… → {(int)response.StatusCode}");
            Assert.True((int)response.StatusCode < 500, $"GET {path} with bad query values answered {(int)response.StatusCode}");
            Assert.DoesNotContain(Echoed, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>A buyer whose name is long and full of control characters (item 15), with a trial instance.</summary>
    private async Task<(HttpClient Http, Guid InstanceId)> BuyerWithInstanceAsync()
    {
        var email = $"bad-input-{Guid.NewGuid():N}@test.gsv.local";
        var (_, token) = await platform.Identity.CreateUserWithProfileAsync(email, emailVerified: true, firstName: "\u001b[2J\r\n\u202e" + new string('N', 300));
        var http = platform.Identity.CreateClient("controlplane", token);
        var offering = await NewOfferingAsync(await ServiceClientAsync(platform));
        var instance = await ReadAsync<InstanceDto>(await http.PostJsonAsync("/api/v1/instances/trial", new CreateTrialRequest(offering.Slug)), HttpStatusCode.Created);
        return (http, instance.Id);
    }

    /// <summary>Checks a refusal: 4xx (the given status when there is one), problem+json with a code, no long echo of input.</summary>
    private async Task<JsonElement?> CheckAsync(HttpResponseMessage response, string what, HttpStatusCode? status, List<string> failures)
    {
        var body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{what[..Math.Min(what.Length, 120)]} → {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
        var code = (int)response.StatusCode;
        if (code is < 400 or >= 500 || (status is { } expected && response.StatusCode != expected))
        {
            failures.Add($"{what}: expected {(status is null ? "4xx" : (int)status)}, got {code}: {body[..Math.Min(body.Length, 300)]}");
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            failures.Add($"{what}: {code} is {response.Content.Headers.ContentType?.MediaType ?? "no content"}, not problem+json");
            return null;
        }

        if (body.Contains(Echoed, StringComparison.Ordinal))
        {
            failures.Add($"{what}: the answer quotes more than 100 characters of the input");
        }

        var problem = JsonDocument.Parse(body).RootElement.Clone();
        if (code != 404 && !problem.TryGetProperty("code", out _))
        {
            failures.Add($"{what}: the problem has no stable code: {body}");
        }

        return problem;
    }
}
