using System.Net;
using Gsv.Langflow;
using Gsv.Ragflow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gsv.Tests.Foundation;

/// <summary>
/// The standard resilience handler of the service defaults retries 5xx answers, but never a request marked send-once
/// (<see cref="Microsoft.Extensions.Hosting.SendOnceRequests"/>): the Langflow and RAGFlow clients mark creates, uploads
/// and runs (a first attempt that reached the server would leave a duplicate); reads — GETs and RAGFlow's retrieval —
/// are still retried.
/// </summary>
public sealed class UnsafeRetryTests
{
    private sealed class AlwaysUnavailable : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                RequestMessage = request,
                Content = new StringContent("""{"code":100,"message":"down"}"""),
            });
        }
    }

    /// <summary>A container like a service's: HttpClient defaults with the standard resilience handler (fast retries), then the client.</summary>
    private static (T Client, AlwaysUnavailable Server) Build<T>(Func<IServiceCollection, IHttpClientBuilder> add) where T : class
    {
        var server = new AlwaysUnavailable();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Langflow:BaseAddress"] = "http://langflow.test/",
            ["Ragflow:BaseAddress"] = "http://ragflow.test/",
        }).Build());
        services.ConfigureHttpClientDefaults(http => http.AddGsvStandardResilienceHandler(o =>
        {
            o.Retry.Delay = TimeSpan.FromMilliseconds(1);
            o.Retry.UseJitter = false;
        }));
        add(services).ConfigurePrimaryHttpMessageHandler(() => server);
        return (services.BuildServiceProvider().GetRequiredService<T>(), server);
    }

    [Fact]
    public async Task Langflow_creates_are_sent_once_and_reads_are_retried()
    {
        var (langflow, server) = Build<LangflowClient>(s => s.AddLangflowClient());
        await Assert.ThrowsAsync<LangflowException>(() => langflow.CreateFlowAsync(new FlowCreate("x", new(), EndpointName: "x")));
        Assert.Equal(1, server.Calls);

        server.Calls = 0;
        await Assert.ThrowsAsync<LangflowException>(() => langflow.RunAsync("flow", new RunRequest("hi")));
        Assert.Equal(1, server.Calls);

        server.Calls = 0;
        await Assert.ThrowsAsync<LangflowException>(() => langflow.ListFlowsAsync());
        Assert.True(server.Calls > 1, $"a GET was sent {server.Calls} time(s)");
    }

    [Fact]
    public async Task RAGFlow_uploads_and_creates_are_sent_once_and_retrieval_is_retried()
    {
        var (ragflow, server) = Build<RagflowClient>(s => s.AddRagflowClient());
        await Assert.ThrowsAsync<RagflowException>(() => ragflow.CreateDatasetAsync(new CreateDatasetRequest("kb")));
        Assert.Equal(1, server.Calls);

        server.Calls = 0;
        await Assert.ThrowsAsync<RagflowException>(() => ragflow.UploadDocumentsAsync("9c0e5a44c1d211f0b8d20242ac120006", [new RagflowUpload("a.txt", new MemoryStream([1]))]));
        Assert.Equal(1, server.Calls);

        server.Calls = 0;
        await Assert.ThrowsAsync<RagflowException>(() => ragflow.RetrieveAsync(new RetrievalRequest("q", ["9c0e5a44c1d211f0b8d20242ac120006"])));
        Assert.True(server.Calls > 1, $"retrieval was sent {server.Calls} time(s)");
    }
}
