using System.Globalization;

namespace Gsv.Benchmarks;

/// <summary>Command line: <c>--concurrency 16 --requests 2000 --warmup 200 --rounds 2</c> (all optional).</summary>
public sealed record BenchmarkOptions(int Concurrency, int Requests, int Warmup, int Rounds)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var index = Array.IndexOf(args, "--" + name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        var options = new BenchmarkOptions(Get("concurrency", 16), Get("requests", 2000), Get("warmup", 200), Get("rounds", 2));
        if (options.Concurrency < 1 || options.Requests < options.Concurrency || options.Warmup < 0 || options.Rounds < 1)
        {
            throw new ArgumentException("concurrency ≥ 1, requests ≥ concurrency, warmup ≥ 0, rounds ≥ 1.");
        }

        return options;
    }
}
