using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Gsv.ControlPlane.Connectors;

/// <summary>
/// Encrypts a binding's secret fields with ASP.NET Data Protection (key ring in the Control Plane's database, shared by
/// its replicas). The purpose names the instance and connector, so a payload copied to another binding does not decrypt.
/// </summary>
public sealed class ConnectorSecrets(IDataProtectionProvider provider)
{
    /// <summary>Secrets shorter than this show no hint: their last 4 characters would give most of them away.</summary>
    public const int MinLengthForHint = 12;

    public string Protect(Guid instanceId, string connector, IReadOnlyDictionary<string, string> secrets) =>
        Protector(instanceId, connector).Protect(JsonSerializer.Serialize(secrets));

    public IReadOnlyDictionary<string, string> Unprotect(Guid instanceId, string connector, string payload) =>
        payload.Length == 0 ? new Dictionary<string, string>()
        : JsonSerializer.Deserialize<Dictionary<string, string>>(Protector(instanceId, connector).Unprotect(payload)) ?? [];

    /// <summary>The last 4 characters of a secret long enough to show them, else null.</summary>
    public static string? Hint(string secret) => secret.Length >= MinLengthForHint ? secret[^4..] : null;

    private IDataProtector Protector(Guid instanceId, string connector) =>
        provider.CreateProtector("Gsv.ControlPlane.Connectors", instanceId.ToString("N"), connector);
}
