using System.Net;
using Gsv.Langflow;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Langflow;

/// <summary>API-key auth as Langflow with AUTO_LOGIN=false and an env key: failures are 403 with Langflow's texts.</summary>
[Collection(PlatformCollection.Name)]
public sealed class LangflowAuthTests(PlatformFixture platform)
{
    [Theory]
    [InlineData("/api/v1/flows/", "GET")]
    [InlineData("/api/v1/run/anything", "POST")]
    public async Task Missing_key_is_403_asking_for_a_key(string path, string method)
    {
        using var http = platform.CreateHttpClient("langflow");
        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"detail":"An API key must be passed as query or header"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_key_in_header_or_query_is_403_invalid_key()
    {
        using var http = platform.CreateHttpClient("langflow");
        using var header = new HttpRequestMessage(HttpMethod.Get, "/api/v1/flows/");
        header.Headers.Add("x-api-key", "sk-not-the-key");

        using var byHeader = await http.SendAsync(header);
        using var byQuery = await http.GetAsync("/api/v1/flows/?x-api-key=sk-not-the-key");

        foreach (var response in new[] { byHeader, byQuery })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("""{"detail":"Invalid or missing API key"}""", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_apphost_key_is_accepted_in_header_and_query()
    {
        var key = await platform.GetApiKeyAsync();
        using var http = platform.CreateHttpClient("langflow");
        using var header = new HttpRequestMessage(HttpMethod.Get, "/api/v1/flows/");
        header.Headers.Add("x-api-key", key);

        using var byHeader = await http.SendAsync(header);
        using var byQuery = await http.GetAsync($"/api/v1/flows/?x-api-key={Uri.EscapeDataString(key)}");

        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
    }

    [Fact]
    public async Task A_bearer_token_that_is_not_a_langflow_jwt_is_401()
    {
        using var http = platform.CreateHttpClient("langflow");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/flows/");
        request.Headers.Authorization = new("Bearer", "not-a-jwt");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"detail":"Could not validate credentials"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Typed_client_with_a_wrong_key_throws_a_403_LangflowException()
    {
        var client = await platform.CreateLangflowClientAsync(apiKey: "sk-wrong");

        var error = await Assert.ThrowsAsync<LangflowException>(() => client.ListFlowsAsync());

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("Invalid or missing API key", error.Detail);
    }

    [Fact]
    public async Task Health_endpoints_need_no_key()
    {
        using var http = platform.CreateHttpClient("langflow");

        Assert.Equal("""{"status":"ok"}""", await http.GetStringAsync("/health"));
        Assert.Equal("""{"status":"ok","chat":"ok","db":"ok"}""", await http.GetStringAsync("/health_check"));
    }
}
