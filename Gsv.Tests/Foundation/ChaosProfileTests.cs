using System.Net;
using Gsv.Langflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gsv.Tests.Foundation;

/// <summary>The chaos profile (<c>Gsv:Chaos</c>): off by default; on, it fails, delays or answers 503 for the named clients only.</summary>
public sealed class ChaosProfileTests
{
    private sealed class Server : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StringContent("[]") });
        }
    }

    private static (IServiceProvider Services, Server Server) Build(Dictionary<string, string?> chaos)
    {
        var server = new Server();
        var services = new ServiceCollection();
        services.AddLogging();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(chaos) { ["Langflow:BaseAddress"] = "http://langflow.test/" }).Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.ConfigureHttpClientDefaults(http =>
        {
            http.AddGsvStandardResilienceHandler(o => (o.Retry.Delay, o.Retry.UseJitter) = (TimeSpan.FromMilliseconds(1), false));
            http.ConfigurePrimaryHttpMessageHandler(() => server);
        });
        services.AddChaosProfile(configuration);
        services.AddLangflowClient();
        services.AddHttpClient("other").ConfigureHttpClient(h => h.BaseAddress = new Uri("http://other.test/"));
        return (services.BuildServiceProvider(), server);
    }

    [Fact]
    public async Task Off_by_default_every_request_reaches_the_server()
    {
        var (services, server) = Build([]);
        await services.GetRequiredService<LangflowClient>().ListFlowsAsync();
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Faults_fail_the_named_clients_requests_before_they_are_sent_even_after_the_retries()
    {
        var (services, server) = Build(new() { ["Gsv:Chaos:Enabled"] = "true", ["Gsv:Chaos:FaultRate"] = "1" });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => services.GetRequiredService<LangflowClient>().ListFlowsAsync());

        Assert.Contains("Chaos", error.Message);
        Assert.Equal(0, server.Calls);
        using var other = services.GetRequiredService<IHttpClientFactory>().CreateClient("other");
        using var response = await other.GetAsync("/x");       // not a client of the chaos profile
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Outcomes_answer_503_and_latency_delays_without_changing_the_answer()
    {
        var (failing, failingServer) = Build(new() { ["Gsv:Chaos:Enabled"] = "true", ["Gsv:Chaos:OutcomeRate"] = "1" });
        var refused = await Assert.ThrowsAsync<LangflowException>(() => failing.GetRequiredService<LangflowClient>().ListFlowsAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(0, failingServer.Calls);

        var (slow, slowServer) = Build(new()
        {
            ["Gsv:Chaos:Enabled"] = "true", ["Gsv:Chaos:LatencyRate"] = "1", ["Gsv:Chaos:Latency"] = "00:00:00.300", ["Gsv:Chaos:Clients:0"] = "LangflowClient",
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Empty(await slow.GetRequiredService<LangflowClient>().ListFlowsAsync());
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {watch.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(1, slowServer.Calls);
    }
}
