using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;

namespace Gsv.Provisioner.GitOps;

/// <summary>
/// A small wrapper over the <c>git</c> command line for the desired-state repository. Writes are serialized (one
/// commit per change); in remote mode each write starts from the remote's branch and is pushed after the commit. Every
/// git command has a timeout after which its process tree is killed; clone, fetch and push are retried.
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
                    // A killed clone leaves a partial folder that the next try would refuse.
                    await RunRemoteAsync(System.IO.Path.GetDirectoryName(Path)!, DeletePartialClone, cancellationToken, "clone", Options.RemoteUrl!, Path);
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
            await RunRemoteAsync(Path, null, cancellationToken, "fetch", "--quiet", "origin", Options.Branch);
            await RunAsync(Path, cancellationToken, "reset", "--quiet", "--hard", $"origin/{Options.Branch}");
        }
    }

    private async Task PushAsync(CancellationToken cancellationToken)
    {
        if (HasRemote)
        {
            await RunRemoteAsync(Path, null, cancellationToken, "push", "--quiet", "origin", $"HEAD:{Options.Branch}");
        }
    }

    /// <summary>A command that talks to the remote: tried <see cref="GitOpsOptions.NetworkAttempts"/> times.</summary>
    private async Task<string> RunRemoteAsync(string workingDirectory, Action? beforeRetry, CancellationToken cancellationToken, params string[] arguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunAsync(workingDirectory, cancellationToken, arguments);
            }
            catch (GitException e) when (attempt < Math.Max(1, Options.NetworkAttempts))
            {
                LogRemoteRetry(logger, arguments[0], attempt, e.Message);
                await Task.Delay(Options.NetworkRetryDelay, cancellationToken);
                beforeRetry?.Invoke();
            }
        }
    }

    private void DeletePartialClone()
    {
        if (Directory.Exists(Path))
        {
            foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal); // git objects are read-only
            }

            Directory.Delete(Path, recursive: true);
        }
    }

    private async Task<string> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var (exitCode, output, error) = await TryRunAsync(workingDirectory, cancellationToken, arguments);
        return exitCode == 0
            ? output
            : throw new GitException($"git {string.Join(' ', arguments)} exited with {exitCode}: {error.Trim()}");
    }

    /// <summary>Runs git; past <see cref="GitOpsOptions.CommandTimeout"/> (or when cancelled) its process tree is killed.</summary>
    private async Task<(int ExitCode, string Output, string Error)> TryRunAsync(
        string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        if (!string.IsNullOrWhiteSpace(Options.SshCommand))
        {
            start.Environment["GIT_SSH_COMMAND"] = Options.SshCommand;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new GitException("git could not be started.");
        process.StandardInput.Close(); // nothing to read: a prompt fails at once instead of waiting
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.CommandTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            cancellationToken.ThrowIfCancellationRequested();
            LogKilled(logger, arguments[0], Options.CommandTimeout);
            throw new GitTimeoutException($"git {string.Join(' ', arguments)} did not finish within {Options.CommandTimeout}; its processes were killed.");
        }

        return (process.ExitCode, await output, await error);
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    [LoggerMessage(LogLevel.Warning, "git {Command} timed out after {Timeout}; killed it and its child processes")]
    private static partial void LogKilled(ILogger logger, string command, TimeSpan timeout);

    [LoggerMessage(LogLevel.Warning, "git {Command} failed (attempt {Attempt}), retrying: {Error}")]
    private static partial void LogRemoteRetry(ILogger logger, string command, int attempt, string error);

    [LoggerMessage(LogLevel.Information, "GitOps repository ready at {Path} (remote {Remote})")]
    private static partial void LogInitialized(ILogger logger, string path, string? remote);

    [LoggerMessage(LogLevel.Information, "GitOps commit {Commit}: {Message}")]
    private static partial void LogCommitted(ILogger logger, string commit, string message);
}

public class GitException(string message) : Exception(message);

/// <summary>A git command that ran past its timeout (and was killed).</summary>
public sealed class GitTimeoutException(string message) : GitException(message);
