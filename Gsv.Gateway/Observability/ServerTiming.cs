using System.Diagnostics;
using System.Globalization;

namespace Gsv.Gateway.Observability;

/// <summary>
/// Splits a run's time for the <c>Server-Timing</c> header: <c>runtime</c> (Langflow), <c>controlplane</c> (key, instance,
/// hold, settle), <c>retrieval</c> (RAGFlow, for knowledge instances only) and <c>gateway</c> (the rest: the gateway's own
/// work, Redis included), plus <c>total</c>.
/// </summary>
public sealed class ServerTiming
{
    private readonly long _start;
    private long _runtime;
    private long _controlPlane;
    private long _retrieval;
    private bool _retrieved;

    private ServerTiming(long start) => _start = start;

    public static ServerTiming Start() => new(Stopwatch.GetTimestamp());

    public long Begin() => Stopwatch.GetTimestamp();

    public void AddRuntime(long since) => _runtime += Stopwatch.GetTimestamp() - since;

    public void AddControlPlane(long since) => _controlPlane += Stopwatch.GetTimestamp() - since;

    public void AddRetrieval(long since)
    {
        _retrieval += Stopwatch.GetTimestamp() - since;
        _retrieved = true;
    }

    public double ElapsedMilliseconds => Stopwatch.GetElapsedTime(_start).TotalMilliseconds;

    public double RuntimeMilliseconds => Ms(_runtime);

    public string Header()
    {
        var total = Stopwatch.GetTimestamp() - _start;
        var gateway = Math.Max(0, total - _runtime - _controlPlane - _retrieval);
        var retrieval = _retrieved ? string.Create(CultureInfo.InvariantCulture, $", retrieval;dur={Ms(_retrieval):0.###}") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"gateway;dur={Ms(gateway):0.###}, controlplane;dur={Ms(_controlPlane):0.###}{retrieval}, runtime;dur={Ms(_runtime):0.###}, total;dur={Ms(total):0.###}");
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
