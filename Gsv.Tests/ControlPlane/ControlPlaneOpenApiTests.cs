using System.Net;
using System.Text.Json;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.ControlPlane;

/// <summary>
/// Issue 22, item 5: the Control Plane's OpenAPI document (<c>/openapi/v1.json</c>, what Scalar shows) says what each
/// endpoint answers — its success with a schema, and its problems as <c>application/problem+json</c>.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ControlPlaneOpenApiTests(PlatformFixture platform)
{
    private const string ProblemJson = "application/problem+json";

    /// <summary>Paths with a parameter that names nothing that must already exist (an upsert creates it).</summary>
    private static readonly HashSet<string> Creates = ["PUT /internal/v1/offerings/{slug}"];

    [Fact]
    public async Task Every_operation_documents_its_success_and_its_problems()
    {
        var paths = (await ReadDocumentAsync()).GetProperty("paths");
        var gaps = new List<string>();
        var operations = 0;
        foreach (var path in paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "delete" or "patch"))
            {
                operations++;
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var responses = operation.Value.GetProperty("responses");
                var codes = responses.EnumerateObject().Select(r => r.Name).ToList();

                var success = codes.Where(c => c.StartsWith('2')).ToList();
                if (success.Count == 0)
                {
                    gaps.Add($"{name}: no 2xx response");
                }

                foreach (var code in success.Where(c => c != "204"))
                {
                    if (!responses.GetProperty(code).TryGetProperty("content", out var content) || !content.TryGetProperty("application/json", out var json)
                        || !json.TryGetProperty("schema", out _))
                    {
                        gaps.Add($"{name}: {code} has no JSON schema");
                    }
                }

                if (!codes.Contains("default") && !codes.Contains("200") && !codes.Contains("201") && !codes.Contains("204"))
                {
                    gaps.Add($"{name}: no success documented");
                }

                // Every endpoint needs a token: 401 without one, 403 with the wrong role or client.
                Expect(responses, name, "401", gaps);
                Expect(responses, name, "403", gaps);
                // A body or a query can be wrong: 400 with the fields named.
                var parameters = operation.Value.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
                if (operation.Value.TryGetProperty("requestBody", out _) || parameters.Any(p => p.GetProperty("in").GetString() == "query"))
                {
                    Expect(responses, name, "400", gaps);
                }

                // A path names something that may not exist, or not in the caller's workspace: 404.
                if (parameters.Any(p => p.GetProperty("in").GetString() == "path") && !Creates.Contains(name))
                {
                    Expect(responses, name, "404", gaps);
                }
            }
        }

        Assert.True(operations >= 40, $"Only {operations} operations documented.");
        Assert.True(gaps.Count == 0, string.Join('\n', gaps));
    }

    [Fact]
    public async Task Responses_name_the_contract_types_a_client_reads()
    {
        var paths = (await ReadDocumentAsync()).GetProperty("paths");

        Assert.EndsWith("/WalletDto", SchemaRef(paths, "/api/v1/wallet", "get", "200"));
        Assert.EndsWith("/CreditBatchResult", SchemaRef(paths, "/internal/v1/credits/batch", "post", "200"));
        Assert.EndsWith("/InstanceDto", SchemaRef(paths, "/api/v1/instances/trial", "post", "201"));
        Assert.EndsWith("/HttpValidationProblemDetails", SchemaRef(paths, "/internal/v1/credits/batch", "post", "400", ProblemJson));
        Assert.EndsWith("/ProblemDetails", SchemaRef(paths, "/api/v1/instances/{id}", "get", "404", ProblemJson));
    }

    private async Task<JsonElement> ReadDocumentAsync()
    {
        using var http = platform.CreateHttpClient("controlplane");
        using var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static void Expect(JsonElement responses, string operation, string status, List<string> gaps)
    {
        if (!responses.TryGetProperty(status, out var response))
        {
            gaps.Add($"{operation}: no {status} response");
        }
        else if (!response.TryGetProperty("content", out var content) || !content.TryGetProperty(ProblemJson, out _))
        {
            gaps.Add($"{operation}: {status} is not {ProblemJson}");
        }
    }

    private static string SchemaRef(JsonElement paths, string path, string method, string status, string contentType = "application/json") =>
        paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status).GetProperty("content")
            .GetProperty(contentType).GetProperty("schema").GetProperty("$ref").GetString()!;
}
