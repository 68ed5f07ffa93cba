using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Gsv.Benchmarks;

/// <summary>Latencies and errors of one series of requests.</summary>
public sealed record SeriesResult(string Name, int Requests, int Errors, TimeSpan Elapsed, double[] LatenciesMs, IReadOnlyDictionary<string, double> ServerTiming)
{
    /// <summary>CPU milliseconds per request by process name (client, services and infrastructure alike), largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> CpuPerRequestMs { get; init; } = [];

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    private double[]? _sorted;

    public double Percentile(double p)
    {
        // Sorted once: the report asks for several percentiles of each series.
        var sorted = _sorted ??= LatenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// The same load, at the same concurrency, straight at the Langflow emulator's run endpoint (a) and through the
/// gateway (b), in alternating rounds so drift on a shared machine hits both alike; then the overspend checks.
/// </summary>
public sealed class GatewayBenchmark(BenchmarkPlatform platform, BenchmarkTarget target, BenchmarkOptions options)
{
    private const string Input = "What are your opening hours?";

    public async Task<BenchmarkReport> RunAsync()
    {
        using var direct = Client(platform.Endpoint("langflow"));
        direct.DefaultRequestHeaders.Add("x-api-key", target.LangflowApiKey);
        using var gateway = Client(platform.Endpoint("gateway"));
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", target.ApiKey);

        var directPath = $"api/v1/run/{target.FlowId}?stream=false";
        var directBody = Encoding.UTF8.GetBytes($$"""{"input_value":"{{Input}}","input_type":"chat","output_type":"chat"}""");
        var gatewayPath = $"v1/instances/{target.InstanceId}/runs";
        var gatewayBody = Encoding.UTF8.GetBytes($$"""{"input":"{{Input}}"}""");

        Console.WriteLine($"Warm-up: {options.Warmup} requests each...");
        var warmDirect = await RunSeriesAsync("warmup-direct", direct, directPath, directBody, options.Warmup);
        var warmGateway = await RunSeriesAsync("warmup-gateway", gateway, gatewayPath, gatewayBody, options.Warmup);
        // Each gateway series leaves work behind (settlements, then the release of unused holds made ahead, but the two
        // runs' worth kept warm): let it finish, so that neither it nor its CPU lands in the next direct series. The
        // last wait gives the wallet the overspend check reads.
        var keptWarm = BenchmarkReport.KeptWarmFor(target.CreditsPerRun);
        var wallet = await platform.SettledWalletAsync(target.WorkspaceId, keptWarm);

        var directRounds = new List<SeriesResult>();
        var gatewayRounds = new List<SeriesResult>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            Console.WriteLine($"Round {round}/{options.Rounds}: {options.Requests} requests each at concurrency {options.Concurrency}...");
            directRounds.Add(await RunSeriesAsync("direct", direct, directPath, directBody, options.Requests));
            gatewayRounds.Add(await RunSeriesAsync("gateway", gateway, gatewayPath, gatewayBody, options.Requests));
            wallet = await platform.SettledWalletAsync(target.WorkspaceId, keptWarm);
        }

        var gatewaySucceeded = gatewayRounds.Sum(r => r.Requests - r.Errors) + (warmGateway.Requests - warmGateway.Errors);
        return new BenchmarkReport(options, Merge("direct", directRounds), Merge("gateway", gatewayRounds),
            warmDirect.Errors + warmGateway.Errors, target.CreditsGranted, target.CreditsPerRun, gatewaySucceeded, wallet);
    }

    private static SeriesResult Merge(string name, List<SeriesResult> rounds)
    {
        var timing = rounds.SelectMany(r => r.ServerTiming).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Average(kv => kv.Value));
        var requests = rounds.Sum(r => r.Requests);
        var cpu = rounds.SelectMany(r => r.CpuPerRequestMs.Select(kv => KeyValuePair.Create(kv.Key, kv.Value * r.Requests)))
            .GroupBy(kv => kv.Key).Select(g => KeyValuePair.Create(g.Key, g.Sum(kv => kv.Value) / requests)).OrderByDescending(kv => kv.Value).ToList();
        return new SeriesResult(name, requests, rounds.Sum(r => r.Errors),
            TimeSpan.FromTicks(rounds.Sum(r => r.Elapsed.Ticks)), [.. rounds.SelectMany(r => r.LatenciesMs)], timing)
        {
            CpuPerRequestMs = cpu,
        };
    }

    private async Task<SeriesResult> RunSeriesAsync(string name, HttpClient http, string path, byte[] body, int requests)
    {
        if (requests == 0)
        {
            return new SeriesResult(name, 0, 0, TimeSpan.Zero, [], new Dictionary<string, double>());
        }

        var latencies = new double[requests];
        // Each response's Server-Timing header as it came, read once the series is over: parsing it here would put
        // this program's CPU on the gateway's side of the comparison (the direct series has no such header).
        var serverTimings = new string?[requests];
        var next = -1;
        var errors = 0;
        string? firstError = null;
        var cpuBefore = ProcessCpu.Snapshot();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsync(path, content);
                    await response.Content.LoadIntoBufferAsync();
                    latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                        firstError ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    }
                    else if (response.Headers.NonValidated.TryGetValues("Server-Timing", out var values))
                    {
                        serverTimings[index] = values.ToString();
                    }
                }
                catch (Exception exception)
                {
                    latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    Interlocked.Increment(ref errors);
                    firstError ??= exception.Message;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        clock.Stop();
        var cpu = ProcessCpu.Snapshot().PerRequestSince(cpuBefore, requests);

        if (firstError is not null)
        {
            Console.WriteLine($"  {name}: {errors} errors, first: {firstError}");
        }

        var sums = new Dictionary<string, double>();
        foreach (var header in serverTimings.OfType<string>())
        {
            AddServerTiming(sums, header);
        }

        var serverTiming = sums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, requests - errors));
        return new SeriesResult(name, requests, errors, clock.Elapsed, latencies, serverTiming) { CpuPerRequestMs = cpu };
    }

    /// <summary>Sums each <c>name;dur=x</c> metric of the gateway's Server-Timing header (averaged per series later).</summary>
    private static void AddServerTiming(Dictionary<string, double> sums, string header)
    {
        foreach (var metric in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = metric.Split(';', StringSplitOptions.TrimEntries);
            var duration = parts.Skip(1).FirstOrDefault(p => p.StartsWith("dur=", StringComparison.Ordinal));
            if (duration is not null && double.TryParse(duration[4..], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            {
                sums[parts[0]] = sums.GetValueOrDefault(parts[0]) + ms;
            }
        }
    }

    private HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = options.Concurrency * 2,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
