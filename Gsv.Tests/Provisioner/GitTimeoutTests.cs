using Gsv.Provisioner.GitOps;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gsv.Tests.Provisioner;

/// <summary>
/// A remote that never answers: an ssh remote whose ssh command (GIT_SSH_COMMAND) hangs for its first calls and then
/// serves a real bare repository on this machine. git must be killed (its whole process tree) and retried.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GitTimeoutTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2); // fails a hang instead of waiting for it

    private readonly GitTestFolder _folder = new("gsv-git-timeout");

    [Fact]
    public async Task Hung_clone_is_killed_with_its_process_tree_and_retried_and_the_commit_reaches_the_remote()
    {
        var remote = await BareRemoteAsync();
        var repository = Repository(remote, hangingCalls: 1, attempts: 3);

        var commit = await repository.CommitAsync(new Dictionary<string, string?> { ["instances/w/a.yaml"] = "a: 1\n" }, "Add a", CancellationToken.None)
            .WaitAsync(Guard);

        Assert.Equal(commit, (await GitTestFolder.Git(remote, "rev-parse", "main")).Trim());
        var pids = SshPids();
        Assert.True(pids.Count >= 2, "the hung call was not retried");
        Assert.True(await DiesAsync(pids[0]), $"the hung ssh (pid {pids[0]}) was not killed");
    }

    [Fact]
    public async Task Remote_that_never_answers_fails_after_the_tries_and_releases_the_lock()
    {
        var remote = await BareRemoteAsync();
        var repository = Repository(remote, hangingCalls: int.MaxValue, attempts: 2);

        await Assert.ThrowsAsync<GitTimeoutException>(() =>
            repository.CommitAsync(new Dictionary<string, string?> { ["instances/w/a.yaml"] = "a: 1\n" }, "Add a", CancellationToken.None).WaitAsync(Guard));
        Assert.Equal(2, SshPids().Count);

        // The lock is free again: the next write tries (and times out) again rather than waiting behind a hung git.
        await Assert.ThrowsAsync<GitTimeoutException>(() =>
            repository.CommitAsync(new Dictionary<string, string?> { ["instances/w/b.yaml"] = "b: 1\n" }, "Add b", CancellationToken.None).WaitAsync(Guard));
        Assert.Equal(4, SshPids().Count);
        foreach (var pid in SshPids())
        {
            Assert.True(await DiesAsync(pid), $"hung ssh {pid} still runs");
        }
    }

    private GitRepository Repository(string remote, int hangingCalls, int attempts)
    {
        var script = Path.Combine(_folder.Root, "hanging-ssh.sh");
        // git calls: <ssh> [-G host] | [-o SendEnv=GIT_PROTOCOL] host 'git-upload-pack '\''/path'\''' — the command is last.
        File.WriteAllText(script, $$"""
            #!/bin/sh
            [ "$1" = "-G" ] && exit 0
            echo $$ >> '{{Path.Combine(_folder.Root, "ssh-pids")}}'
            if [ "$(wc -l < '{{Path.Combine(_folder.Root, "ssh-pids")}}')" -le {{Math.Min(hangingCalls, 1_000_000)}} ]; then exec sleep 600; fi
            for last; do :; done
            exec sh -c "$last"
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new GitRepository(
            Options.Create(new GitOpsOptions
            {
                RepositoryPath = Path.Combine(_folder.Root, "clone"), RemoteUrl = $"ssh://gitops.test{remote}", SshCommand = script,
                CommandTimeout = TimeSpan.FromSeconds(5), NetworkAttempts = attempts, NetworkRetryDelay = TimeSpan.FromMilliseconds(100),
            }),
            new HostingEnvironment { ContentRootPath = _folder.Root }, NullLogger<GitRepository>.Instance);
    }

    private async Task<string> BareRemoteAsync()
    {
        var remote = Path.Combine(_folder.Root, "remote.git");
        Directory.CreateDirectory(remote);
        await GitTestFolder.Git(remote, "init", "--quiet", "--bare", "--initial-branch", "main");
        return remote;
    }

    private List<int> SshPids()
    {
        var file = Path.Combine(_folder.Root, "ssh-pids");
        return File.Exists(file) ? [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(int.Parse)] : [];
    }

    /// <summary>
    /// Whether the process is gone within a few seconds: a SIGKILL is sent when git times out, and the kernel ends the
    /// process shortly after (a busy machine may take a moment), while an unkilled hung ssh would sleep for 10 minutes.
    /// </summary>
    private static async Task<bool> DiesAsync(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    /// <summary>Running, or stopped but not yet reaped (a zombie is dead: state Z in /proc/pid/stat).</summary>
    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].Split(' ')[0] is not ("Z" or "X");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    public void Dispose() => _folder.Dispose();
}
