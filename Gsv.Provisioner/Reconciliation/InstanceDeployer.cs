using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Provisioner.GitOps;

namespace Gsv.Provisioner.Reconciliation;

/// <summary>
/// What "deployed" means for an instance: one Langflow flow, created from the manifest's flow template (hydrated against
/// the target Langflow's component catalog) and named after
/// the instance (<c>gsv-instance-&lt;id&gt;</c>), so a deployment interrupted before it was recorded is found, not repeated.
/// </summary>
public sealed class InstanceDeployer(LangflowClient langflow)
{
    public const string EndpointPrefix = "gsv-instance-";

    public static string EndpointName(Guid instanceId) => EndpointPrefix + instanceId.ToString("N");

    /// <summary>The flows that belong to an instance (normally one; a retried create may have left a renamed twin).</summary>
    public static IEnumerable<FlowRead> FlowsOf(IEnumerable<FlowRead> flows, Guid instanceId) =>
        flows.Where(f => f.EndpointName is { } name && (name == EndpointName(instanceId) || name.StartsWith(EndpointName(instanceId) + "-", StringComparison.Ordinal)));

    /// <summary>Deploys the instance's flow (or finds the one already there) and returns its id.</summary>
    public async Task<Guid> DeployAsync(InstanceManifest manifest, FlowTemplates templates, CancellationToken cancellationToken)
    {
        var template = manifest.Spec.FlowTemplate is { Length: > 0 } name
            ? templates.Contains(name) ? templates.Get(name) : throw new MissingFlowTemplateException(name)
            : throw new MissingFlowTemplateException("(none)");

        var existing = FlowsOf(await langflow.ListFlowsAsync(cancellationToken), manifest.InstanceId).OrderBy(f => f.EndpointName, StringComparer.Ordinal).ToList();
        if (existing.Count > 0)
        {
            foreach (var twin in existing.Skip(1))
            {
                await langflow.DeleteFlowAsync(twin.Id, cancellationToken);
            }

            return existing[0].Id;
        }

        // The compact template, completed from this Langflow's own components (their code included).
        var catalog = await langflow.GetComponentCatalogAsync(cancellationToken);
        var flow = await langflow.CreateFlowAsync(
            template.ToFlowCreate(
                catalog,
                $"{template.DisplayName} · {manifest.InstanceId}",
                EndpointName(manifest.InstanceId),
                $"GSV instance {manifest.InstanceId} of {manifest.Spec.Offering} (workspace {manifest.Spec.Workspace})"),
            cancellationToken);
        return flow.Id;
    }

    /// <summary>Deletes every flow of the instance (the recorded one and any found by name); harmless when none is left.</summary>
    public async Task DeleteAsync(InstanceDto instance, CancellationToken cancellationToken)
    {
        var ids = FlowsOf(await langflow.ListFlowsAsync(cancellationToken), instance.Id).Select(f => f.Id).ToHashSet();
        if (Guid.TryParse(instance.LangflowFlowId, out var recorded))
        {
            ids.Add(recorded);
        }

        foreach (var id in ids)
        {
            await langflow.DeleteFlowAsync(id, cancellationToken);
        }
    }
}

/// <summary>The manifest names a flow template the repository does not have: retrying cannot help.</summary>
public sealed class MissingFlowTemplateException(string name) : Exception($"No flow template '{name}' in the GitOps repository's flows/ folder.");
