using Gsv.AppHost.Infrastructure;
using Gsv.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gsv.Tests.Foundation;

/// <summary>
/// The AppHost's readiness health check against a small HTTP server whose <c>/health</c> answers what the test says:
/// while the resource is not healthy one check keeps asking until it is; once healthy, one check asks once.
/// </summary>
public sealed class ReadinessHealthCheckTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private volatile int _notReadyAnswersLeft;
    private int _requests;

    public async Task InitializeAsync() => _server = await LoopbackHttpServer.StartAsync(app => app.MapGet("/health", () =>
    {
        Interlocked.Increment(ref _requests);
        return Interlocked.Decrement(ref _notReadyAnswersLeft) >= 0 ? Results.StatusCode(503) : Results.Ok("Healthy");
    }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri Health => _server.Url("/health");

    private static Task<HealthCheckResult> CheckAsync(ReadinessHealthCheck check) => check.CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task A_resource_not_started_yet_is_unhealthy_at_once() =>
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(new ReadinessHealthCheck("web"))).Status);

    [Fact]
    public async Task A_starting_resource_is_healthy_in_the_check_during_which_it_becomes_ready()
    {
        var check = new ReadinessHealthCheck("web") { Uri = Health };
        _notReadyAnswersLeft = 3;

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);
        Assert.Equal(4, _requests); // three 503s, then the 200, all in one check
    }

    [Fact]
    public async Task A_healthy_resource_that_fails_is_reported_at_the_first_failure_then_watched_until_it_is_back()
    {
        var check = new ReadinessHealthCheck("web") { Uri = Health };
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);

        _notReadyAnswersLeft = 3;
        var failed = await CheckAsync(check);
        Assert.Equal(HealthStatus.Unhealthy, failed.Status);
        Assert.Contains("503", failed.Description);
        Assert.Equal(2, _requests); // one request per check while it was healthy

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);
        Assert.Equal(5, _requests); // the two 503s left, then the 200, in one check
    }
}
