using Gsv.ControlPlane.Client;
using Gsv.Ragflow;

namespace Gsv.Provisioner.Reconciliation;

/// <summary>
/// The knowledge base of an instance whose offering answers from documents: one RAGFlow dataset named after the
/// instance (<c>gsv-instance-&lt;id&gt;</c>), so a creation interrupted before it was recorded is found, not repeated.
/// </summary>
public sealed class KnowledgeBaseDeployer(RagflowClient ragflow)
{
    public static string DatasetName(Guid instanceId) => InstanceDeployer.EndpointName(instanceId);

    /// <summary>Creates the instance's dataset (or finds the one already there) and returns its id.</summary>
    public async Task<string> DeployAsync(InstanceDto instance, CancellationToken cancellationToken)
    {
        var existing = (await ragflow.FindDatasetsByNameAsync(DatasetName(instance.Id), cancellationToken))
            .OrderBy(d => d.CreateTime).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        if (existing.Count > 0)
        {
            if (existing.Count > 1)
            {
                await ragflow.DeleteDatasetsAsync(existing.Skip(1).Select(d => d.Id).ToList(), cancellationToken);
            }

            return existing[0].Id;
        }

        var dataset = await ragflow.CreateDatasetAsync(
            new CreateDatasetRequest(DatasetName(instance.Id), $"Documents of GSV instance {instance.Id} ({instance.OfferingSlug}, workspace {instance.WorkspaceId})",
                ParserConfig: new DatasetParserConfig(ChunkTokenNum: 256)),
            cancellationToken);
        return dataset.Id;
    }

    /// <summary>Deletes the instance's dataset (the recorded one and any found by name) with its documents; harmless when none is left.</summary>
    public async Task DeleteAsync(InstanceDto instance, CancellationToken cancellationToken)
    {
        var ids = (await ragflow.FindDatasetsByNameAsync(DatasetName(instance.Id), cancellationToken)).Select(d => d.Id).ToHashSet();
        if (instance.KnowledgeBaseId is { Length: > 0 } recorded)
        {
            ids.Add(recorded);
        }

        foreach (var id in ids)
        {
            try
            {
                await ragflow.DeleteDatasetsAsync([id], cancellationToken);
            }
            catch (RagflowException e) when (e.IsNotFound)
            {
                // Already gone.
            }
        }
    }
}
