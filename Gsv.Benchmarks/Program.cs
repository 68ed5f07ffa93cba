using Gsv.Benchmarks;

// Gateway overhead benchmark (README, "Benchmarks"): brings the platform up, prepares an ACTIVE instance with credits
// and an API key, then runs the same load straight at the Langflow emulator and through the gateway. With --knowledge:
// knowledge retrieval latency through the Control Plane instead. With --startup: only the time to a healthy platform,
// on fresh data and on existing data.
var options = BenchmarkOptions.Parse(args);
if (args.Contains("--startup"))
{
    await StartupBenchmark.RunAsync(options);
    return 0;
}

await using var platform = await BenchmarkPlatform.StartAsync(options);

if (args.Contains("--knowledge"))
{
    // Retrieval latency through the Control Plane instead (README, "Benchmarks").
    return await new KnowledgeBenchmark(platform).RunAsync(Console.Out) ? 0 : 1;
}

var target = await platform.PrepareInstanceAsync(options);
var report = await new GatewayBenchmark(platform, target, options).RunAsync();
report.Print(Console.Out);
return report.Passed ? 0 : 1;
