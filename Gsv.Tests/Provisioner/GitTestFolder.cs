namespace Gsv.Tests.Provisioner;

/// <summary>A throw-away folder for GitOps tests, with a way to run plain git in it.</summary>
public sealed class GitTestFolder(string name) : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}");

    /// <summary>Runs git in <paramref name="directory"/> and returns its output; a non-zero exit throws with git's error.</summary>
    public static async Task<string> Git(string directory, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException(await process.StandardError.ReadToEndAsync());
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal); // git objects are read-only
            }

            Directory.Delete(Root, recursive: true);
        }
    }
}
