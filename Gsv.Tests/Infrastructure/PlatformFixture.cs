using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gsv.Tests.Infrastructure;

/// <summary>
/// One running GSV platform (the real AppHost, local mode) shared by a test collection. Its PostgreSQL and Redis
/// keep their data in a fresh temporary folder that is deleted when the collection ends.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    /// <summary>Every resource of the local-mode graph that has a health check or a process.</summary>
    public static readonly string[] Resources =
    [
        "postgres", "controlplane-db", "provisioner-db", "saleor-db", "langflow-db", "redis", "keycloak", "saleor", "langflow", "ragflow",
        "controlplane", "gateway", "provisioner", "web",
    ];

    public static readonly string[] Services = ["controlplane", "gateway", "provisioner", "web"];

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Test users and tokens from the platform's Keycloak (see <see cref="IdentityClient"/>).</summary>
    public IdentityClient Identity { get; private set; } = null!;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), $"gsv-test-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        App = await StartPlatformAsync(DataPath);
        Identity = new IdentityClient(App);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        DeleteDataFolder(DataPath);
    }

    public HttpClient CreateHttpClient(string resource) => App.CreateHttpClient(resource, "http");

    public ValueTask<string?> GetConnectionStringAsync(string resource) => App.GetConnectionStringAsync(resource);

    /// <summary>Starts the AppHost in local mode on a throw-away data folder and waits until every resource is healthy.</summary>
    public static async Task<DistributedApplication> StartPlatformAsync(string dataPath, CancellationToken cancellationToken = default)
    {
        // Created with the default mode (not 0700 like CreateTempSubdirectory) so the 'postgres' OS user can reach it.
        Directory.CreateDirectory(dataPath);

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gsv_AppHost>(
            ["--Gsv:Infrastructure=local", $"--Gsv:DataPath={dataPath}", "--Gsv:Ephemeral=true"],
            cancellationToken);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error));
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());

        var app = await builder.BuildAsync(cancellationToken);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(TimeSpan.FromMinutes(8));
        await app.StartAsync(startup.Token);
        foreach (var service in Services)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
        }

        return app;
    }

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
