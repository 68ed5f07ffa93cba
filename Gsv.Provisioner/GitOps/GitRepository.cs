using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;

namespace Gsv.Provisioner.GitOps;

/// <summary>
/// A small wrapper over the <c>git</c> command line for the desired-state repository. Writes are serialized (one
/// commit per change); in remote mode each write starts from the remote's branch and is pushed after the commit.
/// </summary>
public sealed partial class GitRepository(IOptions<GitOpsOptions> options, IHostEnvironment environment, ILogger<GitRepository> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _initialized;

    private GitOpsOptions Options => options.Value;

    public string Path { get; } = System.IO.Path.GetFullPath(
        options.Value.RepositoryPath is { Length: > 0 } configured ? configured : System.IO.Path.Combine(environment.ContentRootPath, ".gitops"),
        environment.ContentRootPath);

    private bool HasRemote => !string.IsNullOrWhiteSpace(Options.RemoteUrl);

    /// <summary>Creates (<c>git init</c>) or clones the repository when missing.</summary>
    public async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            if (!Directory.Exists(System.IO.Path.Combine(Path, ".git")))
            {
                if (HasRemote)
                {
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                    await RunAsync(System.IO.Path.GetDirectoryName(Path)!, cancellationToken, "clone", Options.RemoteUrl!, Path);
                }
                else
                {
                    Directory.CreateDirectory(Path);
                    await RunAsync(Path, cancellationToken, "init", "--initial-branch", Options.Branch);
                }

                LogInitialized(logger, Path, Options.RemoteUrl);
            }

            await RunAsync(Path, cancellationToken, "config", "user.name", Options.AuthorName);
            await RunAsync(Path, cancellationToken, "config", "user.email", Options.AuthorEmail);
            if ((await TryRunAsync(Path, cancellationToken, "rev-parse", "--verify", "HEAD")).ExitCode != 0)
            {
                await RunAsync(Path, cancellationToken, "commit", "--allow-empty", "-m", "Initialize GSV desired state");
                await PushAsync(cancellationToken);
            }

            _initialized = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes the files (relative path → content; null deletes) and commits them as one change; returns the commit id,
    /// or null when the repository already had exactly this content (so repeating a change is harmless).
    /// </summary>
    public async Task<string?> CommitAsync(IReadOnlyDictionary<string, string?> files, string message, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await PullAsync(cancellationToken);
            foreach (var (relative, content) in files)
            {
                var full = FullPath(relative);
                if (content is null)
                {
                    if (File.Exists(full))
                    {
                        await RunAsync(Path, cancellationToken, "rm", "--quiet", "--", relative);
                    }

                    continue;
                }

                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, content, new UTF8Encoding(false), cancellationToken);
                await RunAsync(Path, cancellationToken, "add", "--", relative);
            }

            if ((await TryRunAsync(Path, cancellationToken, "diff", "--cached", "--quiet")).ExitCode == 0)
            {
                return null;
            }

            await RunAsync(Path, cancellationToken, "commit", "--quiet", "-m", message);
            var commit = (await RunAsync(Path, cancellationToken, "rev-parse", "HEAD")).Trim();
            await PushAsync(cancellationToken);
            LogCommitted(logger, commit, message);
            return commit;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The committed files under a folder (relative path → content), read from <c>HEAD</c>, not the working tree.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadCommittedAsync(string folder, string extension, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await PullAsync(cancellationToken);
            var listing = await RunAsync(Path, cancellationToken, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", folder);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var relative in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(p => p.EndsWith(extension, StringComparison.Ordinal)))
            {
                result[relative] = await RunAsync(Path, cancellationToken, "show", $"HEAD:{relative}");
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The commit id of <c>HEAD</c>.</summary>
    public async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return (await RunAsync(Path, cancellationToken, "rev-parse", "HEAD")).Trim();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Files under a folder that some commit of <c>HEAD</c>'s history deleted (they may have come back since).</summary>
    public async Task<IReadOnlySet<string>> ReadDeletedAsync(string folder, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var output = await RunAsync(Path, cancellationToken, "log", "--format=", "--name-only", "--diff-filter=D", "-z", "HEAD", "--", folder);
            return output.Split(['\0', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        }
        finally
        {
            _gate.Release();
        }
    }

    public string FullPath(string relative) => System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    private async Task PullAsync(CancellationToken cancellationToken)
    {
        if (HasRemote)
        {
            await RunAsync(Path, cancellationToken, "fetch", "--quiet", "origin", Options.Branch);
            await RunAsync(Path, cancellationToken, "reset", "--quiet", "--hard", $"origin/{Options.Branch}");
        }
    }

    private async Task PushAsync(CancellationToken cancellationToken)
    {
        if (HasRemote)
        {
            await RunAsync(Path, cancellationToken, "push", "--quiet", "origin", $"HEAD:{Options.Branch}");
        }
    }

    private static async Task<string> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var (exitCode, output, error) = await TryRunAsync(workingDirectory, cancellationToken, arguments);
        return exitCode == 0
            ? output
            : throw new GitException($"git {string.Join(' ', arguments)} exited with {exitCode}: {error.Trim()}");
    }

    private static async Task<(int ExitCode, string Output, string Error)> TryRunAsync(
        string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new GitException("git could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    [LoggerMessage(LogLevel.Information, "GitOps repository ready at {Path} (remote {Remote})")]
    private static partial void LogInitialized(ILogger logger, string path, string? remote);

    [LoggerMessage(LogLevel.Information, "GitOps commit {Commit}: {Message}")]
    private static partial void LogCommitted(ILogger logger, string commit, string message);
}

public sealed class GitException(string message) : Exception(message);
