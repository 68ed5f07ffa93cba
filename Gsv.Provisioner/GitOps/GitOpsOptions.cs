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

    /// <summary>Copy the build's flow templates into the repository's <c>flows/</c> at start-up (one commit when they changed).</summary>
    public bool SeedFlowTemplates { get; set; } = true;
}
