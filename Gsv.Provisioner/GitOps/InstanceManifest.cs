using Gsv.ControlPlane.Client;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Gsv.Provisioner.GitOps;

/// <summary>
/// The desired state of one instance, a Kubernetes-style resource committed at
/// <c>instances/&lt;workspaceId&gt;/&lt;instanceId&gt;.yaml</c>:
/// <code>
/// apiVersion: gsv.dev/v1
/// kind: GsvInstance
/// metadata: { name: &lt;instanceId&gt;, namespace: &lt;workspaceId&gt;, labels: {...}, annotations: {...} }
/// spec: { workspace, offering, kind, flowTemplate, knowledge, connectors }
/// </code>
/// The content is deterministic (no timestamps), so writing the same instance twice changes nothing.
/// </summary>
public sealed class InstanceManifest
{
    public const string ApiVersionValue = "gsv.dev/v1";
    public const string KindValue = "GsvInstance";
    public const string Folder = "instances";

    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .Build();

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public string ApiVersion { get; set; } = ApiVersionValue;

    public string Kind { get; set; } = KindValue;

    public ManifestMetadata Metadata { get; set; } = new();

    public InstanceSpec Spec { get; set; } = new();

    [YamlIgnore]
    public Guid InstanceId => Guid.TryParse(Metadata.Name, out var id) ? id : Guid.Empty;

    [YamlIgnore]
    public string RelativePath => PathFor(Spec.Workspace, InstanceId);

    public static string PathFor(string workspaceId, Guid instanceId) => $"{Folder}/{workspaceId}/{instanceId}.yaml";

    public static InstanceManifest For(InstanceDto instance) => new()
    {
        Metadata = new ManifestMetadata
        {
            Name = instance.Id.ToString(),
            Namespace = instance.WorkspaceId.ToString(),
            Labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["gsv.dev/offering"] = instance.OfferingSlug,
                ["gsv.dev/kind"] = instance.Kind,
                ["gsv.dev/trial"] = instance.IsTrial ? "true" : "false",
            },
            Annotations = instance.OrderId is null ? null : new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["gsv.dev/order-id"] = instance.OrderId,
                ["gsv.dev/order-line-id"] = instance.OrderLineId ?? "",
            },
        },
        Spec = new InstanceSpec
        {
            Workspace = instance.WorkspaceId.ToString(),
            Offering = instance.OfferingSlug,
            Kind = instance.Kind,
            FlowTemplate = instance.FlowTemplate,
            Knowledge = instance.Knowledge,
            Connectors = [.. instance.Connectors.Order(StringComparer.Ordinal)],
        },
    };

    public string ToYaml() => Serializer.Serialize(this);

    /// <summary>Parses a manifest file; throws <see cref="InvalidDataException"/> for anything that is not a valid GsvInstance.</summary>
    public static InstanceManifest Parse(string yaml, string path)
    {
        InstanceManifest manifest;
        try
        {
            manifest = Deserializer.Deserialize<InstanceManifest>(yaml) ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{path} is not valid YAML: {e.Message}", e);
        }

        if (manifest.ApiVersion != ApiVersionValue || manifest.Kind != KindValue)
        {
            throw new InvalidDataException($"{path} is not a {ApiVersionValue} {KindValue}.");
        }

        if (manifest.InstanceId == Guid.Empty || string.IsNullOrEmpty(manifest.Spec.Workspace) || string.IsNullOrEmpty(manifest.Spec.Offering))
        {
            throw new InvalidDataException($"{path} lacks metadata.name (instance id), spec.workspace or spec.offering.");
        }

        return manifest;
    }
}

public sealed class ManifestMetadata
{
    public string Name { get; set; } = "";

    public string Namespace { get; set; } = "";

    public SortedDictionary<string, string>? Labels { get; set; }

    public SortedDictionary<string, string>? Annotations { get; set; }
}

public sealed class InstanceSpec
{
    public string Workspace { get; set; } = "";

    public string Offering { get; set; } = "";

    public string? Kind { get; set; }

    public string? FlowTemplate { get; set; }

    public bool Knowledge { get; set; }

    public List<string> Connectors { get; set; } = [];
}
