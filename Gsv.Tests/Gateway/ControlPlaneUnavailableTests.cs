using System.Net;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Gateway.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.Timeout;

namespace Gsv.Tests.Gateway;

/// <summary>Found by the chaos journey: an API key that cannot be resolved because the Control Plane is down was a 500.</summary>
public sealed class ControlPlaneUnavailableTests
{
    [Fact]
    public void Unreachable_timing_out_or_failing_control_planes_are_unavailable_and_refusals_or_a_gone_caller_are_not()
    {
        Assert.True(ControlPlaneUnavailableHandler.IsUnavailable(new HttpRequestException("Connection refused"), CancellationToken.None));
        Assert.True(ControlPlaneUnavailableHandler.IsUnavailable(new TimeoutRejectedException(), CancellationToken.None));
        Assert.True(ControlPlaneUnavailableHandler.IsUnavailable(new TaskCanceledException(), CancellationToken.None));
        Assert.True(ControlPlaneUnavailableHandler.IsUnavailable(
            new ControlPlaneProblemException(HttpStatusCode.BadGateway, "http_502", "Bad gateway", null, null), CancellationToken.None));
        Assert.False(ControlPlaneUnavailableHandler.IsUnavailable(
            new ControlPlaneProblemException(HttpStatusCode.Conflict, "conflict", "Conflict", null, null), CancellationToken.None));
        Assert.False(ControlPlaneUnavailableHandler.IsUnavailable(new TaskCanceledException(), new CancellationToken(canceled: true)));
        Assert.False(ControlPlaneUnavailableHandler.IsUnavailable(new InvalidOperationException("a bug"), CancellationToken.None));
    }

    [Fact]
    public async Task The_caller_gets_a_503_problem_with_retry_after()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        var handler = new ControlPlaneUnavailableHandler(NullLogger<ControlPlaneUnavailableHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, new HttpRequestException("Connection refused"), CancellationToken.None));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        var problem = JsonNode.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync())!;
        Assert.Equal("control_plane_unavailable", (string?)problem["code"]);
        Assert.False(await handler.TryHandleAsync(new DefaultHttpContext(), new InvalidOperationException("a bug"), CancellationToken.None));
    }
}
