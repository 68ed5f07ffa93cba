using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.ServiceDefaults.Text;

namespace Gsv.Provisioner.Sellers;

/// <summary>
/// What an uploaded flow must be before Langflow is asked: a free, well-formed template name, and a Langflow export
/// whose graph holds together (node ids unique, edges between its nodes, a Chat Input the buyer's message goes to and a
/// Chat Output the answer comes from) with valid GSV declarations.
/// </summary>
public static class FlowUploadRules
{
    /// <summary>Either the template to check with Langflow, or the refused fields (<c>name</c>, <c>flow</c>) with their messages.</summary>
    public static (FlowTemplate? Template, Dictionary<string, string[]>? Errors) Check(SellerFlowUpload upload, Func<string, bool> taken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = upload.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors["name"] = ["Give the flow template a name, like contract-reviewer."];
        }
        else if (!OfferingRules.IsSlug(name))
        {
            errors["name"] = ["Use 3 to 60 lowercase letters, digits and single hyphens, like contract-reviewer."];
        }
        else if (taken(name))
        {
            errors["name"] = [$"There is already a flow template '{name}'; choose another name."];
        }

        FlowTemplate? template = null;
        if (upload.Flow is null)
        {
            errors["flow"] = ["Choose the Langflow export (a .json file) of the flow."];
        }
        else if (Encoding.UTF8.GetByteCount(upload.Flow.ToJsonString()) > SellerFlowUpload.MaxBytes)
        {
            errors["flow"] = [$"The export is larger than {SellerFlowUpload.MaxMegabytes} MB."];
        }
        else if (GraphProblem(upload.Flow) is { } problem)
        {
            errors["flow"] = [problem];
        }
        else
        {
            try
            {
                template = FlowTemplate.FromDocument(name.Length > 0 ? name : "upload", upload.Flow);
            }
            catch (InvalidDataException e)
            {
                errors["flow"] = [e.Message];
            }
        }

        return errors.Count > 0 ? (null, errors) : (template, null);
    }

    /// <summary>What makes the export's graph unusable, or null.</summary>
    private static string? GraphProblem(JsonObject flow)
    {
        if (flow["data"] is not JsonObject data || data["nodes"] is not JsonArray nodes || data["edges"] is not JsonArray edges)
        {
            return "This is not a Langflow export: it has no data.nodes and data.edges. Export the flow from Langflow's menu (Export).";
        }

        foreach (var key in new[] { "name", "description" })
        {
            if (flow[key] is { } value && Text(value) is null)
            {
                return $"The export's {key} must be text.";
            }
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (node is not JsonObject n || Text(n["id"]) is not { Length: > 0 } id)
            {
                return "Every node of the flow needs an id.";
            }

            if (Text(n["type"]) == "noteNode")
            {
                continue;
            }

            if (Text(n["data"]?["type"]) is not { Length: > 0 } type || n["data"]?["node"] is not JsonObject)
            {
                return $"The node '{FreeText.Excerpt(id)}' has no component (data.type and data.node).";
            }

            if (!types.TryAdd(id, type))
            {
                return $"Two nodes have the id '{FreeText.Excerpt(id)}'.";
            }
        }

        foreach (var edge in edges)
        {
            var (source, target) = (Text(edge?["source"]), Text(edge?["target"]));
            if (source is null || target is null || !types.ContainsKey(source) || !types.ContainsKey(target))
            {
                return $"An edge joins '{FreeText.Excerpt(source ?? "?")}' to '{FreeText.Excerpt(target ?? "?")}', which are not both nodes of the flow.";
            }
        }

        return !types.ContainsValue("ChatInput") ? "The flow has no Chat Input: a run's message has nowhere to go."
            : !types.ContainsValue("ChatOutput") ? "The flow has no Chat Output: a run would answer nothing."
            : null;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
