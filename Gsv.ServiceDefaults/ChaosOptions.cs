namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Section <c>Gsv:Chaos</c>: faults injected into the HTTP clients a service uses to reach other systems, to prove the
/// platform's invariants hold when they misbehave. Off by default; never enable it in production. Each rate is the share
/// of requests (0 to 1) affected; injected faults happen inside the standard resilience handler, so its retries and
/// timeouts see them as they would see real ones.
/// </summary>
public sealed class ChaosOptions
{
    public const string SectionName = "Gsv:Chaos";

    /// <summary>The typed clients affected by default: Saleor, Langflow, RAGFlow and the Control Plane.</summary>
    public static readonly IReadOnlyList<string> DefaultClients =
        ["SaleorClient", "LangflowClient", "RagflowClient", "ControlPlaneClient", "ControlPlaneUserClient"];

    public bool Enabled { get; set; }

    /// <summary>Requests that fail before reaching the server (an <see cref="HttpRequestException"/>, like a refused connection).</summary>
    public double FaultRate { get; set; }

    /// <summary>Requests delayed by <see cref="Latency"/> before they are sent.</summary>
    public double LatencyRate { get; set; }

    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Requests answered 503 Service Unavailable without reaching the server.</summary>
    public double OutcomeRate { get; set; }

    /// <summary>Names of the HTTP clients affected (<see cref="DefaultClients"/> when empty).</summary>
    public string[] Clients { get; set; } = [];

    public bool Applies(string? clientName) =>
        Enabled && clientName is not null && (Clients.Length == 0 ? DefaultClients : Clients).Contains(clientName, StringComparer.Ordinal);
}
