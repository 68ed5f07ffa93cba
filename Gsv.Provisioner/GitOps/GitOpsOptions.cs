namespace Gsv.Provisioner.GitOps;

/// <summary>Section <c>GitOps</c>: where the desired-state repository lives and whom commits are from.</summary>
public sealed class GitOpsOptions
{
    public const string SectionName = "GitOps";

    /// <summary>The working copy. Local mode: a local repository (created with <c>git init</c> when missing).</summary>
    public string? RepositoryPath { get; set; }

    /// <summary>Production: the remote Argo CD watches; cloned into <see cref="RepositoryPath"/>, pushed after each commit.</summary>
    public string? RemoteUrl { get; set; }

    public string Branch { get; set; } = "main";

    public string AuthorName { get; set; } = "GSV Provisioner";

    public string AuthorEmail { get; set; } = "provisioner@gsv.local";

    /// <summary>
    /// Longest a git command may run; then its whole process tree is killed. A hung fetch or push would otherwise hold the
    /// repository's lock, and with it every commit, forever.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Tries of a clone, fetch or push (they talk to the remote) before the error is passed on.</summary>
    public int NetworkAttempts { get; set; } = 3;

    /// <summary>Wait between those tries.</summary>
    public TimeSpan NetworkRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>GIT_SSH_COMMAND for an ssh remote (e.g. <c>ssh -i /keys/deploy -o IdentitiesOnly=yes</c>); unset: git's default.</summary>
    public string? SshCommand { get; set; }

    /// <summary>Copy the build's flow templates into the repository's <c>flows/</c> at start-up (one commit when they changed).</summary>
    public bool SeedFlowTemplates { get; set; } = true;
}
