using System.Diagnostics;
using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gsv.Benchmarks;

/// <summary>The instance under load: its id, flow, API key, and the platform's Langflow key for the direct calls.</summary>
public sealed record BenchmarkTarget(Guid InstanceId, Guid WorkspaceId, string FlowId, string ApiKey, string LangflowApiKey, long CreditsGranted, long CreditsPerRun);

/// <summary>
/// The real AppHost in local mode on a throw-away data folder (as the integration tests run it), with the gateway's
/// per-workspace rate limit raised so the load measures overhead, not the limiter's refusals.
/// </summary>
public sealed class BenchmarkPlatform : IAsyncDisposable
{
    private readonly string _dataPath;

    private BenchmarkPlatform(DistributedApplication app, string dataPath) => (App, _dataPath) = (app, dataPath);

    public DistributedApplication App { get; }

    /// <summary>Tokens and parameters of the running platform.</summary>
    public IdentityClient Identity => new(App);

    /// <param name="dataPath">The data folder (a new one by default).</param>
    /// <param name="durable">Durable like <c>./gsv up</c> (no throw-away settings), so a later start can reuse the data.</param>
    public static async Task<BenchmarkPlatform> StartAsync(BenchmarkOptions options, string? dataPath = null, bool durable = false)
    {
        dataPath ??= Path.Combine(Path.GetTempPath(), $"gsv-bench-{Guid.NewGuid():N}");
        Console.WriteLine($"Starting the platform (local mode, data in {dataPath})...");
        // When each resource of the graph turns healthy, counted from the start (as `./gsv up` would, built).
        var clock = Stopwatch.StartNew();
        var cpu = ProcessCpu.Snapshot();
        var healthy = new List<Task<(string Resource, TimeSpan Running, TimeSpan Healthy)>>();
        var started = new List<Task<(string Service, TimeSpan At)>>();
        string[] arguments = ["--Parameters:gateway-runs-per-minute=100000000", .. durable ? ["--Gsv:Ephemeral=false"] : Array.Empty<string>()];
        var app = await PlatformStarter.StartAsync(dataPath, arguments, options.ServiceEnvironment, builder =>
            // Category rules beat the minimum level, and the AppHost's settings say Information: name the chatty ones. The
            // services' own logs (forwarded per resource) would otherwise cost this process CPU during the measurement,
            // and the infrastructure's readiness probes fail by design until each server is up. This program's own
            // clients (tokens) log each request at Information.
            builder.Services.AddLogging(logging => PlatformStarter.QuietLogging(logging)
                .AddFilter("Aspire.Hosting", LogLevel.Warning)
                .AddFilter("Gsv.AppHost.Resources", LogLevel.Warning)
                .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning)),
            startupTimeout: TimeSpan.FromMinutes(5),
            starting: app =>
            {
                healthy.AddRange(PlatformStarter.Resources.Select(async resource =>
                {
                    // Running: its process started (after what it waits for); healthy: its health checks pass.
                    await app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.Running);
                    var running = clock.Elapsed;
                    await app.ResourceNotifications.WaitForResourceHealthyAsync(resource);
                    return (resource, running, clock.Elapsed);
                }));
                // A service's own readiness: its /health answering 200, polled every 100 ms once it runs (Aspire's
                // health checks back off to one every 5 s while a resource is unhealthy).
                started.AddRange(PlatformStarter.Services.Select(async service =>
                {
                    await app.ResourceNotifications.WaitForResourceAsync(service, KnownResourceStates.Running);
                    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
                    while (true)
                    {
                        try
                        {
                            // The snapshot's address: the app refuses GetEndpoint until its start has returned.
                            var url = app.ResourceNotifications.TryGetCurrentState(service, out var current)
                                ? current.Snapshot.Urls.FirstOrDefault(u => u.Name == "http")?.Url : null;
                            using var response = url is null ? null : await http.GetAsync(new Uri(new Uri(url), "/health"));
                            if (response?.IsSuccessStatusCode == true)
                            {
                                return (service, clock.Elapsed);
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                        {
                            // Not listening yet.
                        }

                        await Task.Delay(100);
                    }
                }));
            });
        var times = await Task.WhenAll(healthy);
        var starts = (await Task.WhenAll(started)).ToDictionary(s => s.Service, s => s.At);
        Console.WriteLine($"Platform is up: every resource healthy {times.Max(t => t.Healthy).TotalSeconds:F1} s after the start; each, running → (for the services: /health first answering 200 →) healthy: "
            + string.Join(", ", times.OrderBy(t => t.Healthy).Select(t => $"{t.Resource} {t.Running.TotalSeconds:F1} → "
                + (starts.TryGetValue(t.Resource, out var at) ? $"ready {at.TotalSeconds:F1} → " : "") + $"{t.Healthy.TotalSeconds:F1} s")));
        var spent = ProcessCpu.Snapshot().PerRequestSince(cpu, 1);
        Console.WriteLine($"CPU spent until then: {spent.Sum(kv => kv.Value) / 1000:F1} s on {Environment.ProcessorCount} cores ("
            + string.Join(", ", spent.Where(kv => kv.Value >= 100).Select(kv => $"{kv.Key} {kv.Value / 1000:F1}")) + ")");
        return new BenchmarkPlatform(app, dataPath);
    }

    /// <summary>
    /// An ACTIVE instance as the Provisioner would leave it (offering, instance, flow deployed, transitions, credits),
    /// in the demo buyer's workspace, and an API key for it. Credits cover every run of the benchmark and then some.
    /// </summary>
    public async Task<BenchmarkTarget> PrepareInstanceAsync(BenchmarkOptions options)
    {
        const long creditsPerRun = 1;
        var controlPlane = await ServiceControlPlaneAsync();
        var buyerToken = await BuyerTokenAsync();
        var userControlPlane = UserControlPlane();
        var workspaceId = (await userControlPlane.GetMeAsync(buyerToken)).Workspaces[0].Id;

        const string slug = "bench-agent";
        await controlPlane.UpsertOfferingAsync(slug, new UpsertOfferingRequest(
            null, "Benchmark agent", "agent", "support-agent", creditsPerRun, 0, 0, [], false));
        var instance = await controlPlane.CreateInstanceAsync(new CreateInstanceRequest(workspaceId, slug, null, null, $"bench-{Guid.NewGuid():N}", "line-1"));

        var langflowKey = await Identity.GetParameterAsync("langflow-api-key");
        var langflow = await App.CreateLangflowClientAsync(langflowKey);
        var templates = new FlowTemplates(FlowTemplates.FindDirectory(AppContext.BaseDirectory)
            ?? throw new DirectoryNotFoundException("flows/ not found above the benchmark's output folder."));
        var flow = await langflow.CreateFlowAsync(templates.Get("support-agent").ToFlowCreate(
            await langflow.GetComponentCatalogAsync(), "benchmark support agent", $"bench-{Guid.NewGuid():N}"));

        await controlPlane.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Provisioning, "benchmark"));
        await controlPlane.TransitionInstanceAsync(instance.Id, new TransitionRequest(InstanceState.Active, "benchmark", LangflowFlowId: flow.Id.ToString()));

        var credits = (long)(options.Requests + options.Warmup) * options.Rounds * creditsPerRun * 2;
        await controlPlane.GrantAsync(workspaceId, new GrantRequest(credits, GrantKind.Adjustment, $"bench-{Guid.NewGuid():N}", "benchmark"));
        var key = await userControlPlane.CreateApiKeyAsync(buyerToken, instance.Id, "benchmark");

        Console.WriteLine($"Instance {instance.Id} ACTIVE with flow {flow.Id}, {credits} credits, API key {key.Prefix}….");
        return new BenchmarkTarget(instance.Id, workspaceId, flow.Id.ToString(), key.Key, langflowKey, credits, creditsPerRun);
    }


    public Uri Endpoint(string resource) => App.GetEndpoint(resource, "http");

    /// <summary>An access token of the demo buyer (<c>buyer@gsv.local</c>), as the CLI client gets one.</summary>
    public async Task<string> BuyerTokenAsync() =>
        await Identity.GetUserTokenAsync("buyer@gsv.local", await Identity.GetParameterAsync("demo-buyer-password"));

    /// <summary>The Control Plane's public API (a user's token goes with each call).</summary>
    public ControlPlaneUserClient UserControlPlane() => new(Client("controlplane", null));

    /// <summary>
    /// The wallet once no more than <paramref name="heldAtMost"/> is held (waiting at most 30 s): the gateway settles
    /// runs in the background, releases the shares it held ahead for a burst after <c>Gateway:CreditPrefetchIdle</c>,
    /// and keeps two runs' worth warm for the next run (<c>Gateway:CreditKeepWarm</c>).
    /// </summary>
    public async Task<WalletDto> SettledWalletAsync(Guid workspaceId, long heldAtMost)
    {
        var controlPlane = await ServiceControlPlaneAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var wallet = await controlPlane.GetWalletAsync(workspaceId) ?? throw new InvalidOperationException("No wallet.");
            if (wallet.Held <= heldAtMost || DateTime.UtcNow > deadline)
            {
                return wallet;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The Control Plane's internal API with the Provisioner's client-credentials token.</summary>
    private async Task<ControlPlaneClient> ServiceControlPlaneAsync() => new(Client("controlplane", await Identity.GetServiceTokenAsync("gsv-provisioner")));

    /// <summary>Stops the platform and waits until its PostgreSQL and Redis have left the data folder, which stays.</summary>
    public async Task StopKeepingDataAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (await ServerProcesses.WaitUntilNoneAsync(_dataPath) is { Count: > 0 } left)
        {
            throw new InvalidOperationException($"Still running in {_dataPath}: {string.Join(", ", left.Select(p => p.Command))}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }

    private HttpClient Client(string resource, string? bearer)
    {
        var http = new HttpClient { BaseAddress = Endpoint(resource) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

}
