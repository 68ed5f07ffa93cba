using System.Net;
using Gsv.ControlPlane.Client;
using Gsv.Provisioner.Inbox;

namespace Gsv.Provisioner.Orders;

/// <summary>Which failures retrying cannot fix (bad data, unknown offering) as opposed to outages and timeouts.</summary>
public static class OrderFailures
{
    public static bool IsPermanent(Exception exception) => exception switch
    {
        MalformedEventException or UnprovisionableLineException => true,
        ControlPlaneProblemException problem => problem.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound
            or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity or HttpStatusCode.PaymentRequired,
        _ => false,
    };
}

/// <summary>An order line the platform cannot turn into an instance or credits (e.g. an unknown <c>gsv-kind</c>).</summary>
public sealed class UnprovisionableLineException(string message) : Exception(message);
