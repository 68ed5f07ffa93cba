using System.Net;
using Gsv.Gateway.Runs;
using Gsv.Langflow;
using Gsv.Tests.Langflow;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gsv.Tests.Gateway;

/// <summary>The gateway's flow templates: shipped ones at once, uploaded ones read once from a scripted Provisioner.</summary>
public sealed class FlowTemplateCatalogTests
{
    private static readonly FlowTemplates Shipped = LangflowTestSupport.LoadTemplates();

    [Fact]
    public async Task Shipped_templates_need_no_call_and_an_uploaded_one_is_read_once_and_kept()
    {
        var provisioner = new ScriptedProvisioner();
        provisioner.Templates["contract-reviewer"] = Shipped.Get("support-agent").Document.ToJsonString();
        var catalog = new FlowTemplateCatalog(Shipped, provisioner, TimeProvider.System, NullLogger<FlowTemplateCatalog>.Instance);

        Assert.True(await catalog.LoadAsync("support-agent", CancellationToken.None));
        Assert.True(await catalog.LoadAsync(null, CancellationToken.None));
        Assert.Empty(provisioner.Asked);
        Assert.Null(catalog.Find("contract-reviewer"));

        Assert.True(await catalog.LoadAsync("contract-reviewer", CancellationToken.None));
        Assert.True(await catalog.LoadAsync("contract-reviewer", CancellationToken.None));
        Assert.Equal(["/internal/v1/flow-templates/contract-reviewer"], provisioner.Asked);
        Assert.Equal("contract-reviewer", catalog.Find("contract-reviewer")!.Name);
        Assert.Equal(Shipped.Get("support-agent").AllowedTweaks, catalog.Find("contract-reviewer")!.AllowedTweaks);
    }

    [Fact]
    public async Task An_unknown_name_is_settled_and_asked_again_only_after_a_while_and_an_unreachable_provisioner_is_not_settled()
    {
        var provisioner = new ScriptedProvisioner();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var catalog = new FlowTemplateCatalog(Shipped, provisioner, time, NullLogger<FlowTemplateCatalog>.Instance);

        Assert.True(await catalog.LoadAsync("nobody-knows", CancellationToken.None));
        Assert.True(await catalog.LoadAsync("nobody-knows", CancellationToken.None));
        Assert.Single(provisioner.Asked);
        Assert.Null(catalog.Find("nobody-knows"));

        time.Advance(FlowTemplateCatalog.MissRetry);
        provisioner.Templates["nobody-knows"] = Shipped.Get("support-agent").Document.ToJsonString();
        Assert.True(await catalog.LoadAsync("nobody-knows", CancellationToken.None));
        Assert.NotNull(catalog.Find("nobody-knows"));

        provisioner.Down = true;
        Assert.False(await catalog.LoadAsync("new-upload", CancellationToken.None));
        provisioner.Down = false;
        provisioner.Templates["new-upload"] = "{\"data\": {}}";
        Assert.False(await catalog.LoadAsync("new-upload", CancellationToken.None));
        Assert.Null(catalog.Find("new-upload"));
    }

    /// <summary>Answers <c>GET internal/v1/flow-templates/{name}</c> from <see cref="Templates"/>; 404 otherwise, 503 while down.</summary>
    private sealed class ScriptedProvisioner : HttpMessageHandler, IHttpClientFactory
    {
        public Dictionary<string, string> Templates { get; } = [];

        public List<string> Asked { get; } = [];

        public bool Down { get; set; }

        public HttpClient CreateClient(string name)
        {
            Assert.Equal(FlowTemplateCatalog.ProvisionerClient, name);
            return new HttpClient(this, disposeHandler: false) { BaseAddress = new Uri("http://provisioner/") };
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            Asked.Add(path);
            return Task.FromResult(
                Down ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                : Templates.TryGetValue(path[(path.LastIndexOf('/') + 1)..], out var json)
                    ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") }
                    : new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
