using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gsv.Tests.Infrastructure;

/// <summary>
/// One running GSV platform (the real AppHost, local mode) shared by a test collection. Its PostgreSQL and Redis
/// keep their data in a fresh temporary folder that is deleted when the collection ends.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    /// <summary>Every resource of the local-mode graph that has a health check or a process.</summary>
    public static readonly string[] Resources = PlatformStarter.Resources;

    public static readonly string[] Services = PlatformStarter.Services;

    /// <summary>
    /// The gateway's run-token key in test platforms (AppHost parameter <c>gateway-run-token-key</c>), so tests can mint
    /// the tokens Langflow is given — for another instance, or already expired — as only the platform's operator could.
    /// </summary>
    public const string RunTokenKey = "test-only-run-token-key-5c1f0e9a8b7d6c4e3f2a";

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Test users and tokens from the platform's Keycloak (see <see cref="IdentityClient"/>).</summary>
    public IdentityClient Identity { get; private set; } = null!;

    public string DataPath { get; private init; } = Path.Combine(Path.GetTempPath(), $"gsv-test-{Guid.NewGuid():N}");

    /// <summary>Extra AppHost arguments (later ones win: <c>--Parameters:x=y</c>, <c>--Gsv:Ephemeral=false</c>).</summary>
    private string[] Arguments { get; init; } = [];

    /// <summary>Environment for every GSV service (controlplane, gateway, provisioner, web), e.g. <c>Gsv__Chaos__Enabled</c>.</summary>
    private IReadOnlyDictionary<string, string> ServiceEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>A platform of a test's own, on the given data folder and with extra AppHost arguments (call <see cref="InitializeAsync"/>).</summary>
    public static PlatformFixture On(string dataPath, params string[] arguments) => new() { DataPath = dataPath, Arguments = arguments };

    /// <summary>The same, with environment variables for every GSV service and other changes to the resource graph.</summary>
    public static PlatformFixture On(
        string dataPath, IReadOnlyDictionary<string, string> serviceEnvironment, Action<IDistributedApplicationTestingBuilder>? configure = null,
        params string[] arguments) =>
        new() { DataPath = dataPath, Arguments = arguments, ServiceEnvironment = serviceEnvironment, Configure = configure };

    private Action<IDistributedApplicationTestingBuilder>? Configure { get; init; }

    public async Task InitializeAsync()
    {
        App = await StartPlatformAsync(DataPath, Arguments, ServiceEnvironment, Configure);
        Identity = new IdentityClient(App);
    }

    /// <summary>Stops the platform and leaves its data folder in place (for a restart on the same folder).</summary>
    public async Task StopKeepingDataAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        DeleteDataFolder(DataPath);
    }

    public HttpClient CreateHttpClient(string resource) => App.CreateHttpClient(resource, "http");

    public ValueTask<string?> GetConnectionStringAsync(string resource) => App.GetConnectionStringAsync(resource);

    /// <summary>
    /// Stops a resource through Aspire's lifecycle command and waits until its process is gone (a loaded machine may
    /// exceed DCP's own stop timeout, which the command then reports as a failure although the process does end).
    /// </summary>
    public async Task StopResourceAsync(string resource)
    {
        await App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand);
        // When DCP's stop times out it reports the state "Unknown" although the process has ended.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.ResourceNotifications.WaitForResourceAsync(resource, [.. KnownResourceStates.TerminalStates, "Unknown"], timeout.Token);
    }

    /// <summary>Starts a stopped resource (retrying the command briefly) and waits until it is healthy again.</summary>
    public async Task StartResourceAsync(string resource)
    {
        var commands = App.Services.GetRequiredService<ResourceCommandService>();
        ExecuteCommandResult? result = null;
        for (var attempt = 0; attempt < 12 && result?.Success != true; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand);
        }

        Assert.True(result?.Success, $"start of {resource} failed: {result?.Message}");
        // Without the dashboard Aspire's default wait stops at the first terminal state it sees, and a restarted
        // resource can still report the stopped process's "Exited" just after the command: that is no failure to start,
        // so this wait goes on until the new process is healthy (or the timeout, which says what was last seen).
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"Not healthy 5 minutes after its start: {PlatformStarter.Describe(App, resource)}.");
        }
    }

    /// <summary>Starts the AppHost in local mode on a throw-away data folder and waits until every resource is healthy.</summary>
    public static Task<DistributedApplication> StartPlatformAsync(string dataPath, CancellationToken cancellationToken = default) =>
        StartPlatformAsync(dataPath, [], null, null, cancellationToken);

    /// <summary>The same with extra AppHost arguments, which override the defaults above, environment for the GSV services and other changes.</summary>
    public static Task<DistributedApplication> StartPlatformAsync(
        string dataPath, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? serviceEnvironment = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null, CancellationToken cancellationToken = default) =>
        PlatformStarter.StartAsync(dataPath, [$"--Parameters:gateway-run-token-key={RunTokenKey}", .. arguments],
            serviceEnvironment?.Select(variable => new ServiceVariable(null, variable.Key, variable.Value)), builder =>
        {
            // Small pages for the reconciler: every provisioning in the suite goes through several pages of the instance list.
            builder.CreateResourceBuilder<ProjectResource>("provisioner").WithEnvironment("Reconciler__PageSize", "2")
                // The paid-order pull every 5 s instead of every minute, so a test sees a missed webhook recovered quickly.
                .WithEnvironment("Provisioner__PaidOrderPull__Interval", "00:00:05");
            // The suite proves exactly-once charging on wallets with nothing held once runs settle; credits kept warm
            // after a run would stay held for two minutes. Keeping warm is tested on the state machine and the reserve
            // (WorkspaceCreditsTests, CreditReserveTests) and runs, with its default, in Gsv.Benchmarks.
            builder.CreateResourceBuilder<ProjectResource>("gateway").WithEnvironment("Gateway__CreditKeepWarm", "00:00:00")
                // Langflow gets 10 s instead of 30 (no emulated run comes near it), so the timeout test waits 10 s.
                .WithEnvironment("Gateway__RuntimeTimeout", "00:00:10");
            builder.Services.AddLogging(logging => PlatformStarter.QuietLogging(logging));
            builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
            configure?.Invoke(builder);
        }, cancellationToken: cancellationToken);

    public static void DeleteDataFolder(string dataPath)
    {
        if (Directory.Exists(dataPath))
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
