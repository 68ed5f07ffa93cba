using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Provisioner.Orders;
using Gsv.Ragflow;

namespace Gsv.Tests.Provisioner;

/// <summary>Which failures are outages (retried for as long as they last) and the jittered backoff between attempts.</summary>
public sealed class TransientFaultTests
{
    public static TheoryData<Exception, bool> Faults() => new()
    {
        { new HttpRequestException("Connection refused"), true },
        { new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway), true },
        { new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests), true },
        { new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden), false },
        { new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"), true },
        { new TimeoutException(), true },
        { new ControlPlaneProblemException(HttpStatusCode.ServiceUnavailable, "unavailable", "Unavailable", "down", null), true },
        { new ControlPlaneProblemException(HttpStatusCode.UnprocessableEntity, "offering_not_sellable", "Not sellable", "no price", null), false },
        { new LangflowException(HttpStatusCode.InternalServerError, "boom", null), true },
        { new LangflowException(HttpStatusCode.UnprocessableEntity, "invalid flow", null), false },
        { new RagflowException(100, "exception", HttpStatusCode.OK), true },
        { new RagflowException(102, "You don't own the dataset x.", HttpStatusCode.OK), false },
        { new InvalidOperationException("wrapped", new HttpRequestException("Connection reset")), true },
        { new InvalidOperationException("a bug"), false },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Outages_are_transient_and_refusals_are_not(Exception fault, bool transient) =>
        Assert.Equal(transient, TransientFaults.IsTransient(fault));

    [Fact]
    public void The_backoff_doubles_up_to_its_cap_spread_by_twenty_percent_either_way()
    {
        var random = new Random(42);
        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var expected = Math.Min(Math.Pow(2, attempt - 1), 60);
            for (var i = 0; i < 50; i++)
            {
                var delay = TransientFaults.JitteredBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), attempt, random).TotalSeconds;
                Assert.InRange(delay, expected * 0.8, expected * 1.2);
            }
        }

        var spread = Enumerable.Range(0, 100).Select(_ => TransientFaults.JitteredBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), 3, random)).Distinct().Count();
        Assert.True(spread > 50, "jitter spreads the retries of one outage");
    }
}
