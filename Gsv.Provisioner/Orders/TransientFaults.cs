using System.Net;
using System.Net.Sockets;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Ragflow;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gsv.Provisioner.Orders;

/// <summary>
/// Failures that say nothing about the work itself — a system briefly unreachable, overloaded or slow: the network,
/// HTTP 5xx, 429 and 408, timeouts, and PostgreSQL's own transient errors. Work that meets them is retried for as
/// long as it takes (with capped, jittered backoff); only other failures can end it.
/// </summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        HttpRequestException http => http.StatusCode is null || IsTransientStatus(http.StatusCode.Value),
        TimeoutException or TaskCanceledException or OperationCanceledException or IOException or SocketException => true,
        ControlPlaneProblemException problem => IsTransientStatus(problem.Status),
        LangflowException langflow => IsTransientStatus(langflow.StatusCode),
        RagflowException ragflow => ragflow.IsTransient || IsTransientStatus(ragflow.StatusCode),
        NpgsqlException postgres => postgres.IsTransient,
        DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        _ when exception.InnerException is { } inner => IsTransient(inner),
        _ => false,
    };

    public static bool IsTransientStatus(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> + 1: <paramref name="initial"/> doubling per attempt up to
    /// <paramref name="max"/>, spread by ±20 % so that work failed by the same outage does not come back all at once.
    /// </summary>
    public static TimeSpan JitteredBackoff(TimeSpan initial, TimeSpan max, int attempt, Random? random = null)
    {
        var delay = Inbox.InboxOptions.Backoff(initial, max, attempt);
        return delay * (0.8 + (random ?? Random.Shared).NextDouble() * 0.4);
    }
}
