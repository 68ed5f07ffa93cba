namespace Gsv.Testing;

/// <summary>The database servers (PostgreSQL, Redis) a local platform runs in its data folder.</summary>
public static class ServerProcesses
{
    /// <summary>
    /// Live postgres/redis-server processes working in the data folder (both chdir into it; redis-server rewrites
    /// its command line, so the working directory is what identifies it).
    /// </summary>
    public static List<(int Pid, string Command)> Using(string dataPath)
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

    /// <summary>Waits (at most 2 minutes: DCP stops process trees asynchronously) until none is left in the folder.</summary>
    public static async Task<List<(int Pid, string Command)>> WaitUntilNoneAsync(string dataPath)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        var left = Using(dataPath);
        while (left.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            left = Using(dataPath);
        }

        return left;
    }
}
