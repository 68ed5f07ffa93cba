using System.Text.Json;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Provisioner.GitOps;

namespace Gsv.Provisioner.Sellers;

/// <summary>The outcome of an upload: the flow template as kept, or each refused field with its message.</summary>
public sealed record FlowUploadResult(SellerFlowDto? Flow, Dictionary<string, string[]>? Errors);

/// <summary>
/// Sellers' flow templates. An upload that passes <see cref="FlowUploadRules"/> is deployed to Langflow (completed from
/// its component catalog, as an instance's flow is) and deleted again; only then is it committed to the GitOps
/// repository's <c>flows/</c>, where the reconciler deploys instances from and the Gateway reads it
/// (<c>/internal/v1/flow-templates/{name}</c>). A kept template is never replaced: instances already run it.
/// </summary>
public sealed partial class FlowUploads(DesiredState desiredState, FlowTemplates shipped, LangflowClient langflow, ILogger<FlowUploads> logger)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>One upload at a time: the name is free when it is checked and still free when it is committed.</summary>
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Every flow template offerings may run, by name.</summary>
    public List<SellerFlowDto> List()
    {
        var templates = desiredState.CurrentFlowTemplates();
        return [.. templates.Names.Order(StringComparer.Ordinal).Select(name => ToDto(templates.Get(name)))];
    }

    public async Task<FlowUploadResult> UploadAsync(SellerFlowUpload upload, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            var current = desiredState.CurrentFlowTemplates();
            var (template, errors) = FlowUploadRules.Check(upload, name => current.Contains(name) || shipped.Contains(name));
            if (errors is not null)
            {
                return new FlowUploadResult(null, errors);
            }

            if (await LangflowRefusalAsync(template!, cancellationToken) is { } refusal)
            {
                LogRefusedByLangflow(logger, template!.Name, refusal);
                return new FlowUploadResult(null, new() { ["flow"] = [refusal] });
            }

            var commit = await desiredState.AddFlowTemplateAsync(template!.Name, template.Document.ToJsonString(Indented), cancellationToken);
            LogUploaded(logger, template.Name, template.Document["data"]!["nodes"]!.AsArray().Count, commit);
            return new FlowUploadResult(ToDto(template), null);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Deploys the template to Langflow as an instance's flow would be, then deletes it: null when Langflow took it,
    /// else why not. Langflow being unreachable or failing is not a refusal: it is thrown.
    /// </summary>
    private async Task<string?> LangflowRefusalAsync(FlowTemplate template, CancellationToken cancellationToken)
    {
        var catalog = await langflow.GetComponentCatalogAsync(cancellationToken);
        FlowCreate create;
        try
        {
            create = template.ToFlowCreate(
                catalog, $"GSV upload check · {template.Name}", $"gsv-check-{Guid.NewGuid():N}", "A seller's upload being checked; deleted at once.");
        }
        catch (MissingComponentException e)
        {
            return $"Langflow has no component '{e.Type}'. Use the components of this Langflow version, or install the custom component first.";
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }

        FlowRead created;
        try
        {
            created = await langflow.CreateFlowAsync(create, cancellationToken);
        }
        catch (LangflowException e) when ((int)e.StatusCode is >= 400 and < 500)
        {
            return $"Langflow refused the flow: {e.Detail}";
        }

        try
        {
            await langflow.DeleteFlowAsync(created.Id, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or LangflowException or TaskCanceledException)
        {
            // The check passed; the leftover flow is named for what it is and harms nothing.
            LogCheckFlowLeft(logger, created.Id, template.Name, e.Message);
        }

        return null;
    }

    private SellerFlowDto ToDto(FlowTemplate template) => new(
        template.Name, template.DisplayName, template.Description, template.ContextInput is not null, template.McpInput is not null,
        Uploaded: !shipped.Contains(template.Name));

    [LoggerMessage(LogLevel.Information, "Seller uploaded the flow template {Name} ({Nodes} nodes), checked with Langflow, commit {Commit}")]
    private static partial void LogUploaded(ILogger logger, string name, int nodes, string? commit);

    [LoggerMessage(LogLevel.Information, "Langflow refused the uploaded flow template {Name}: {Reason}")]
    private static partial void LogRefusedByLangflow(ILogger logger, string name, string reason);

    [LoggerMessage(LogLevel.Warning, "The check flow {FlowId} of the uploaded template {Name} could not be deleted from Langflow: {Error}")]
    private static partial void LogCheckFlowLeft(ILogger logger, Guid flowId, string name, string error);
}
