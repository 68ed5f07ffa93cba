using Gsv.Langflow;
using Microsoft.Extensions.Configuration;

namespace Gsv.Tests.Langflow;

/// <summary>Where a service finds its flow templates (the gateway and the provisioner share the rule).</summary>
public sealed class FlowTemplatesDirectoryTests
{
    private static IConfiguration Configured(string? path) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Langflow:FlowTemplatesPath"] = path }).Build();

    [Fact]
    public void The_configured_folder_wins_else_the_nearest_flows_folder_above_the_content_root_else_none()
    {
        var root = Directory.CreateTempSubdirectory("gsv-flows-root-");
        try
        {
            var contentRoot = Directory.CreateDirectory(Path.Combine(root.FullName, "service", "bin"));

            // Nothing configured, nothing found: null (the gateway then allows no tweaks, the provisioner refuses to start).
            Assert.Null(FlowTemplates.ResolveDirectory(Configured(null), contentRoot.FullName));

            // An empty flows/ does not count; one with a template does.
            var flows = Directory.CreateDirectory(Path.Combine(root.FullName, "flows"));
            Assert.Null(FlowTemplates.ResolveDirectory(Configured(""), contentRoot.FullName));
            File.WriteAllText(Path.Combine(flows.FullName, "t.json"), "{}");
            Assert.Equal(flows.FullName, FlowTemplates.ResolveDirectory(Configured(null), contentRoot.FullName));

            // A configured path is taken relative to the content root, even when it does not exist (so its absence is reported by name).
            Assert.Equal(Path.Combine(contentRoot.FullName, "elsewhere"), FlowTemplates.ResolveDirectory(Configured("elsewhere"), contentRoot.FullName));
            Assert.Equal(flows.FullName, FlowTemplates.ResolveDirectory(Configured(flows.FullName), contentRoot.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
