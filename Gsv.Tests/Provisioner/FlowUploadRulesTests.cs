using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.Langflow;
using Gsv.Provisioner.Sellers;
using Gsv.Tests.Langflow;

namespace Gsv.Tests.Provisioner;

/// <summary>What an uploaded flow must be before Langflow is asked (the Langflow check itself: <see cref="SellerFlowApiTests"/>).</summary>
public sealed class FlowUploadRulesTests
{
    private static JsonObject Export() => LangflowTestSupport.LoadTemplates().Get("support-agent").Document.DeepClone().AsObject();

    private static Dictionary<string, string[]>? Errors(string? name, JsonObject? flow, params string[] taken) =>
        FlowUploadRules.Check(new SellerFlowUpload(name, flow), taken.Contains).Errors;

    [Fact]
    public void A_free_well_formed_name_and_a_langflow_export_pass_and_keep_the_export_as_is()
    {
        var export = Export();
        var (template, errors) = FlowUploadRules.Check(new SellerFlowUpload(" contract-reviewer ", export), _ => false);
        Assert.Null(errors);
        Assert.Equal("contract-reviewer", template!.Name);
        Assert.Equal(export.ToJsonString(), template.Document.ToJsonString());
    }

    [Theory]
    [InlineData(null, "Give the flow template a name")]
    [InlineData("", "Give the flow template a name")]
    [InlineData("ab", "Use 3 to 60")]
    [InlineData("Contract reviewer", "Use 3 to 60")]
    [InlineData("../flows/x", "Use 3 to 60")]
    [InlineData("double--hyphen", "Use 3 to 60")]
    [InlineData("support-agent", "already a flow template 'support-agent'")]
    public void A_missing_malformed_or_taken_name_is_refused_at_the_name(string? name, string message)
    {
        var errors = Errors(name, Export(), "support-agent");
        Assert.Contains(message, Assert.Single(errors!["name"]));
        Assert.False(errors.ContainsKey("flow"));
    }

    [Fact]
    public void An_export_whose_graph_does_not_hold_together_is_refused_at_the_flow()
    {
        Assert.Contains("Choose the Langflow export", Errors("my-flow", null)!["flow"][0]);
        Assert.Contains("not a Langflow export", Errors("my-flow", new JsonObject { ["name"] = "x" })!["flow"][0]);

        var noChatOutput = Export();
        var nodes = noChatOutput["data"]!["nodes"]!.AsArray();
        var output = nodes.First(n => (string?)n!["data"]!["type"] == "ChatOutput")!;
        var outputId = (string)output["id"]!;
        nodes.Remove(output);
        var edges = noChatOutput["data"]!["edges"]!.AsArray();
        foreach (var edge in edges.Where(e => (string?)e!["target"] == outputId).ToList())
        {
            edges.Remove(edge);
        }

        Assert.Contains("no Chat Output", Errors("my-flow", noChatOutput)!["flow"][0]);

        var dangling = Export();
        dangling["data"]!["edges"]!.AsArray().Add(new JsonObject { ["source"] = "Ghost-1", ["target"] = outputId });
        Assert.Contains("'Ghost-1'", Errors("my-flow", dangling)!["flow"][0]);

        var twin = Export();
        var twinNodes = twin["data"]!["nodes"]!.AsArray();
        twinNodes.Add(twinNodes[0]!.DeepClone());
        Assert.Contains("Two nodes have the id", Errors("my-flow", twin)!["flow"][0]);

        var untyped = Export();
        untyped["data"]!["nodes"]![0]!["data"]!.AsObject().Remove("type");
        Assert.Contains("has no component", Errors("my-flow", untyped)!["flow"][0]);

        var numberName = Export();
        numberName["name"] = 42;
        Assert.Contains("name must be text", Errors("my-flow", numberName)!["flow"][0]);

        var badDeclaration = Export();
        badDeclaration[FlowTemplate.ContextInputKey] = "Prompt-missing.context";
        Assert.Contains(FlowTemplate.ContextInputKey, Errors("my-flow", badDeclaration)!["flow"][0]);
    }

    [Fact]
    public void Both_fields_are_reported_at_once()
    {
        var errors = Errors("X", new JsonObject())!;
        Assert.Equal(["flow", "name"], errors.Keys.Order(StringComparer.Ordinal));
    }
}
