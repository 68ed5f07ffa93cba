using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Microsoft.Extensions.Options;

namespace Gsv.Provisioner.GitOps;

/// <summary>The desired state, as committed in the GitOps repository: instance manifests and flow templates.</summary>
public sealed partial class DesiredState(GitRepository repository, IServiceProvider services, IOptions<GitOpsOptions> options, ILogger<DesiredState> logger)
{
    public const string FlowsFolder = "flows";

    public GitRepository Repository => repository;

    /// <summary>Commits the instance's manifest (no commit when it is already there as is); returns the commit id or null.</summary>
    public Task<string?> DeclareAsync(InstanceDto instance, CancellationToken cancellationToken)
    {
        var manifest = InstanceManifest.For(instance);
        var message = $"Add {manifest.Spec.Offering} instance {instance.Id} to workspace {instance.WorkspaceId}"
            + (instance.OrderId is null ? (instance.IsTrial ? " (trial)" : "") : $" (order {instance.OrderId})");
        return repository.CommitAsync(new Dictionary<string, string?> { [manifest.RelativePath] = manifest.ToYaml() }, message, cancellationToken);
    }

    /// <summary>Removes the instance's manifest (the reconciler then deletes its flow and terminates it).</summary>
    public Task<string?> RemoveAsync(Guid workspaceId, Guid instanceId, string reason, CancellationToken cancellationToken) =>
        repository.CommitAsync(
            new Dictionary<string, string?> { [InstanceManifest.PathFor(workspaceId.ToString(), instanceId)] = null },
            $"Remove instance {instanceId} from workspace {workspaceId}: {reason}", cancellationToken);

    /// <summary>Every committed manifest by instance id; files that are not valid manifests are logged and skipped.</summary>
    public async Task<IReadOnlyDictionary<Guid, InstanceManifest>> ReadManifestsAsync(CancellationToken cancellationToken)
    {
        var manifests = new Dictionary<Guid, InstanceManifest>();
        foreach (var (path, yaml) in await repository.ReadCommittedAsync(InstanceManifest.Folder, ".yaml", cancellationToken))
        {
            try
            {
                var manifest = InstanceManifest.Parse(yaml, path);
                manifests[manifest.InstanceId] = manifest;
            }
            catch (InvalidDataException e)
            {
                LogInvalidManifest(logger, path, e.Message);
            }
        }

        return manifests;
    }

    /// <summary>Instances whose manifest was committed once and later removed from the repository.</summary>
    public async Task<IReadOnlySet<Guid>> ReadRemovedAsync(CancellationToken cancellationToken) =>
        (await repository.ReadDeletedAsync(InstanceManifest.Folder, cancellationToken))
            .Select(path => Guid.TryParse(Path.GetFileNameWithoutExtension(path), out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty)
            .ToHashSet();

    /// <summary>The flow templates committed in the repository's <c>flows/</c> folder.</summary>
    public FlowTemplates ReadFlowTemplates() => new(repository.FullPath(FlowsFolder));

    /// <summary>
    /// The flow templates offerings may run: the repository's <c>flows/</c> (the build's, seeded at start, and those
    /// sellers uploaded); the build's own until the repository has them.
    /// </summary>
    public FlowTemplates CurrentFlowTemplates() =>
        Directory.Exists(repository.FullPath(FlowsFolder)) ? ReadFlowTemplates() : services.GetRequiredService<FlowTemplates>();

    /// <summary>Commits a new flow template (a seller's upload, already checked); returns the commit id.</summary>
    public Task<string?> AddFlowTemplateAsync(string name, string json, CancellationToken cancellationToken) =>
        repository.CommitAsync(
            new Dictionary<string, string?> { [$"{FlowsFolder}/{name}.json"] = json }, $"Add flow template {name} (uploaded in the seller console)", cancellationToken);

    /// <summary>Copies the build's flow templates into the repository (one commit when any changed).</summary>
    public async Task SeedFlowTemplatesAsync(CancellationToken cancellationToken)
    {
        await repository.EnsureInitializedAsync(cancellationToken);
        if (!options.Value.SeedFlowTemplates)
        {
            return;
        }

        var source = services.GetRequiredService<FlowTemplates>();
        var files = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in source.Names.Order(StringComparer.Ordinal))
        {
            files[$"{FlowsFolder}/{name}.json"] = await File.ReadAllTextAsync(Path.Combine(source.Directory, name + ".json"), cancellationToken);
        }

        if (await repository.CommitAsync(files, $"Update flow templates ({string.Join(", ", source.Names.Order(StringComparer.Ordinal))})", cancellationToken) is { } commit)
        {
            LogSeeded(logger, files.Count, commit);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Ignoring {Path} in the GitOps repository: {Error}")]
    private static partial void LogInvalidManifest(ILogger logger, string path, string error);

    [LoggerMessage(LogLevel.Information, "Seeded {Count} flow templates into the GitOps repository ({Commit})")]
    private static partial void LogSeeded(ILogger logger, int count, string commit);
}
