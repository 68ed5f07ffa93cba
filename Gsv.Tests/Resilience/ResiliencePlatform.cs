using Aspire.Hosting;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Resilience;

/// <summary>
/// A platform of its own for the resilience tests: every service meets injected faults on its calls to Saleor,
/// Langflow, RAGFlow and the Control Plane (the chaos profile: 10 % connection failures, 5 % 503 answers, 200 ms on
/// 10 %), Saleor gives up on a webhook after its five retries within about 6 s (backoff 0.2 s instead of 10 s), and the
/// Provisioner pulls paid orders every 5 s.
/// </summary>
public sealed class ResiliencePlatform : IAsyncLifetime
{
    public static readonly Dictionary<string, string> Chaos = new()
    {
        ["Gsv__Chaos__Enabled"] = "true",
        ["Gsv__Chaos__FaultRate"] = "0.1",
        ["Gsv__Chaos__OutcomeRate"] = "0.05",
        ["Gsv__Chaos__LatencyRate"] = "0.1",
        ["Gsv__Chaos__Latency"] = "00:00:00.200",
    };

    public const double SaleorRetryBackoffSeconds = 0.2;

    public PlatformFixture Platform { get; } = PlatformFixture.On(
        Path.Combine(Path.GetTempPath(), $"gsv-resilience-{Guid.NewGuid():N}"), Chaos,
        builder => builder.CreateResourceBuilder<ProjectResource>("saleor")
            .WithEnvironment("Saleor__WebhookRetryBackoffSeconds", SaleorRetryBackoffSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public Task InitializeAsync() => Platform.InitializeAsync();

    public Task DisposeAsync() => Platform.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ResilienceCollection : ICollectionFixture<ResiliencePlatform>
{
    public const string Name = "resilience";
}
