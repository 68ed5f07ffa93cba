using System.Text.Json.Nodes;
using Gsv.Langflow;

namespace Gsv.Tests.Langflow;

/// <summary><c>gsv_mcp_input</c>: the MCP Tools field of a template that takes the run's MCP server (the Gateway's tweak).</summary>
public sealed class McpInputTemplateTests
{
    [Theory]
    [InlineData("code-reviewer", "MCPTools-Gh3tW")]
    [InlineData("invoice-extractor", "MCPTools-Ht8Vd")]
    public void Connector_templates_name_the_mcp_server_field_of_the_MCP_Tools_feeding_their_agent(string name, string component)
    {
        var template = LangflowTestSupport.LoadTemplates().Get(name);

        Assert.Equal((component, "mcp_server"), template.McpInput);
        var nodes = template.Data["nodes"]!.AsArray();
        Assert.Equal("MCPTools", (string?)nodes.Single(n => (string?)n!["id"] == component)!["data"]!["type"]);
        var edge = template.Data["edges"]!.AsArray().Single(e => (string?)e!["source"] == component)!;
        Assert.Equal("component_as_tool", (string?)edge["data"]!["sourceHandle"]!["name"]);
        Assert.Equal("tools", (string?)edge["data"]!["targetHandle"]!["fieldName"]);
        Assert.StartsWith("Agent-", (string?)edge["target"]);

        // Only the Gateway sets it: callers cannot (no template allows any tweak).
        Assert.Empty(template.AllowedTweaks);
    }

    [Fact]
    public void Templates_without_connector_tools_declare_no_mcp_input()
    {
        var templates = LangflowTestSupport.LoadTemplates();

        Assert.Equal(["code-reviewer", "invoice-extractor"], templates.Names.Where(n => templates.Get(n).McpInput is not null).Order());
    }

    [Fact]
    public void The_mcp_input_must_name_a_field_of_the_flow()
    {
        var template = JsonNode.Parse("""
            { "name": "x", "data": { "nodes": [ { "id": "MCPTools-1", "data": { "type": "MCPTools", "node": { "template": { "mcp_server": { "value": {} } } } } } ], "edges": [] } }
            """)!.AsObject();
        Assert.Null(new FlowTemplate("x", template).McpInput);

        template["gsv_mcp_input"] = "MCPTools-1.mcp_server";
        Assert.Equal(("MCPTools-1", "mcp_server"), new FlowTemplate("x", template).McpInput);

        foreach (var wrong in new JsonNode[] { "MCPTools-1.headers", "Other-2.mcp_server", "nodot", "MCPTools-1.", 42 })
        {
            template["gsv_mcp_input"] = wrong.DeepClone();
            var error = Assert.Throws<InvalidDataException>(() => new FlowTemplate("x", template));
            Assert.Contains("gsv_mcp_input", error.Message);
        }
    }
}
