using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Foundation;

/// <summary>Starts a platform of its own: stopping it must leave no server process behind.</summary>
public sealed class PlatformLifecycleTests
{
    [Fact]
    public async Task Stopping_the_app_leaves_no_postgres_or_redis_process()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"gsv-lifecycle-{Guid.NewGuid():N}");
        try
        {
            var app = await PlatformFixture.StartPlatformAsync(dataPath);
            var running = ProcessesUsing(dataPath);
            Assert.Contains(running, p => p.Command.Contains("postgres", StringComparison.Ordinal));
            Assert.Contains(running, p => p.Command.Contains("redis-server", StringComparison.Ordinal));

            await app.StopAsync();
            await app.DisposeAsync();

            // DCP stops the process trees asynchronously; give it a bounded moment.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (ProcessesUsing(dataPath).Count > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            Assert.Empty(ProcessesUsing(dataPath));
        }
        finally
        {
            PlatformFixture.DeleteDataFolder(dataPath);
        }
    }

    /// <summary>
    /// Live postgres/redis-server processes working in the data folder (both chdir into it; redis-server rewrites
    /// its command line, so the working directory is what identifies it).
    /// </summary>
    private static List<(int Pid, string Command)> ProcessesUsing(string dataPath)
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var status = File.ReadAllText(Path.Combine(dir, "status"));
                var zombie = status.Contains("State:\tZ", StringComparison.Ordinal);
                var workingDirectory = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget ?? string.Empty;
                if (!zombie && workingDirectory.StartsWith(dataPath, StringComparison.Ordinal)
                    && (command.Contains("postgres", StringComparison.Ordinal) || command.Contains("redis-server", StringComparison.Ordinal)))
                {
                    found.Add((pid, command));
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
