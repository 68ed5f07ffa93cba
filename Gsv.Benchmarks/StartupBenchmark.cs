namespace Gsv.Benchmarks;

/// <summary>
/// <c>--startup</c>: the time from <c>./gsv up</c> (built) to every resource healthy, twice on one durable data folder:
/// first on fresh data (PostgreSQL's <c>initdb</c>, the migrations, the seeding), then on that data, as every start
/// after the first one.
/// </summary>
public static class StartupBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"gsv-bench-{Guid.NewGuid():N}");
        try
        {
            Console.WriteLine("First start, on fresh data:");
            await (await BenchmarkPlatform.StartAsync(options, dataPath, durable: true)).StopKeepingDataAsync();
            Console.WriteLine("Second start, on the data of the first:");
            await (await BenchmarkPlatform.StartAsync(options, dataPath, durable: true)).DisposeAsync();
        }
        finally
        {
            if (Directory.Exists(dataPath))
            {
                Directory.Delete(dataPath, recursive: true);
            }
        }
    }
}
