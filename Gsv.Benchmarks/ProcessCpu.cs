using System.Globalization;

namespace Gsv.Benchmarks;

/// <summary>
/// CPU time of every process on the machine, by process name, from <c>/proc/[pid]/stat</c> (Linux only): two snapshots
/// around a series give each process's CPU milliseconds per request — where the cores went, which on a saturated
/// machine is what the latency is made of.
/// </summary>
public sealed class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the platform runs on

    private readonly Dictionary<int, (string Name, long Ticks)> _ticks;

    private ProcessCpu(Dictionary<int, (string Name, long Ticks)> ticks) => _ticks = ticks;

    public static ProcessCpu Snapshot()
    {
        var ticks = new Dictionary<int, (string, long)>();
        if (!OperatingSystem.IsLinux())
        {
            return new ProcessCpu(ticks);
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ..." — comm may hold spaces and parentheses, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after comm.
                ticks[pid] = (stat[(open + 1)..close], long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended between listing and reading, or /proc hides it (hidepid).
            }
        }

        return new ProcessCpu(ticks);
    }

    /// <summary>
    /// CPU milliseconds per request of each process name since <paramref name="before"/>, largest first. A process
    /// started meanwhile counts in full; one that ended meanwhile is not seen. Names are the latest (a kernel worker
    /// renames itself after its current work).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, double>> PerRequestSince(ProcessCpu before, int requests) => _ticks
        .GroupBy(kv => kv.Value.Name, kv => before._ticks.TryGetValue(kv.Key, out var earlier) && earlier.Ticks <= kv.Value.Ticks
            ? kv.Value.Ticks - earlier.Ticks
            : kv.Value.Ticks)
        .Select(g => KeyValuePair.Create(g.Key, g.Sum() * 1000 / TicksPerSecond / requests))
        .Where(kv => kv.Value > 0)
        .OrderByDescending(kv => kv.Value)
        .ToList();
}
