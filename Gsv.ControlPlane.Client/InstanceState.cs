using System.Text.Json.Serialization;

namespace Gsv.ControlPlane.Client;

/// <summary>Lifecycle of an instance; serialized as the upper-case names of the API contract.</summary>
[JsonConverter(typeof(WireEnumConverter<InstanceState>))]
public enum InstanceState
{
    [JsonStringEnumMemberName("PENDING")] Pending,
    [JsonStringEnumMemberName("PROVISIONING")] Provisioning,
    [JsonStringEnumMemberName("ACTIVE")] Active,
    [JsonStringEnumMemberName("SUSPENDED")] Suspended,
    [JsonStringEnumMemberName("TERMINATED")] Terminated,
    [JsonStringEnumMemberName("FAILED")] Failed,
}
