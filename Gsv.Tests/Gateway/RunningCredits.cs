using System.Diagnostics.Metrics;
using Gsv.ControlPlane.Client;
using Gsv.Gateway;
using Gsv.Gateway.Credits;
using Gsv.Gateway.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gsv.Tests.Gateway;

/// <summary>
/// A started <see cref="CreditBatcher"/> and <see cref="CreditReserve"/> whose Control Plane is the given handler (a
/// scripted <c>POST /internal/v1/credits/batch</c>), for unit tests of the gateway's credit path.
/// </summary>
public sealed class RunningCredits : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private RunningCredits(ServiceProvider provider, CreditBatcher batcher, CreditReserve reserve) =>
        (_provider, Batcher, Reserve) = (provider, batcher, reserve);

    public CreditBatcher Batcher { get; }

    public CreditReserve Reserve { get; }

    /// <summary>The meter factory of this harness alone (its meters' scope), to listen to its measurements only.</summary>
    public IMeterFactory Meters => _provider.GetRequiredService<IMeterFactory>();

    public static async Task<RunningCredits> StartAsync(HttpMessageHandler controlPlane, GatewayOptions options, TimeProvider? reserveTime = null)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddTransient(_ => new ControlPlaneClient(new HttpClient(controlPlane, disposeHandler: false) { BaseAddress = new Uri("http://controlplane/") }));
        var provider = services.BuildServiceProvider();
        var metrics = new GatewayMetrics(provider.GetRequiredService<IMeterFactory>());
        var batcher = new CreditBatcher(provider, Options.Create(options), metrics, NullLogger<CreditBatcher>.Instance);
        var reserve = new CreditReserve(batcher, Options.Create(options), metrics, reserveTime ?? TimeProvider.System, NullLogger<CreditReserve>.Instance);
        await batcher.StartAsync(CancellationToken.None);
        await reserve.StartAsync(CancellationToken.None);
        return new RunningCredits(provider, batcher, reserve);
    }

    public async ValueTask DisposeAsync()
    {
        await Reserve.StopAsync(CancellationToken.None);
        await Batcher.StopAsync(CancellationToken.None);
        Reserve.Dispose();
        Batcher.Dispose();
        await _provider.DisposeAsync();
    }
}
