using Aspire.Hosting;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Resilience;

/// <summary>
/// A second platform, for what the shared one must not have: every service meets injected faults on its calls to Saleor,
/// Langflow, RAGFlow and the Control Plane (the chaos profile: 10 % connection failures, 5 % 503 answers, 200 ms on
/// 10 %), Saleor gives up on a webhook after its five retries within about 6 s (backoff 0.2 s instead of 10 s), the
/// Provisioner pulls paid orders every 5 s — and the demo users have passwords other than the development defaults
/// (<c>--Parameters:demo-buyer-password=…</c>, as the README documents). One platform for both saves a start.
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

    /// <summary>The demo users' passwords on this platform, by username.</summary>
    public static readonly Dictionary<string, string> DemoPasswords = new(StringComparer.Ordinal)
    {
        ["buyer@gsv.local"] = $"buyer-{Guid.NewGuid():N}",
        ["admin@gsv.local"] = $"admin-{Guid.NewGuid():N}",
    };

    public PlatformFixture Platform { get; } = PlatformFixture.On(
        Path.Combine(Path.GetTempPath(), $"gsv-resilience-{Guid.NewGuid():N}"), Chaos,
        builder => builder.CreateResourceBuilder<ExecutableResource>("saleor")
            .WithEnvironment("Saleor__WebhookRetryBackoffSeconds", SaleorRetryBackoffSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        $"--Parameters:demo-buyer-password={DemoPasswords["buyer@gsv.local"]}",
        $"--Parameters:demo-admin-password={DemoPasswords["admin@gsv.local"]}");

    public Task InitializeAsync() => Platform.InitializeAsync();

    public Task DisposeAsync() => Platform.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ResilienceCollection : ICollectionFixture<ResiliencePlatform>
{
    public const string Name = "resilience";
}
