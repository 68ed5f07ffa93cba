using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Gsv.Web.Account;

/// <summary>
/// The secrets a buyer typed into a connector's form, sealed into the form itself so that "Test connection" then
/// "Save" does not make them type a token twice, while the page never carries it in clear (a password input is
/// rendered empty). A draft is bound to the buyer, the instance and the connector, and expires after
/// <see cref="Lifetime"/>; the web app keeps nothing.
/// </summary>
public sealed class ConnectorDrafts(IDataProtectionProvider provider)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>The sealed draft of <paramref name="secrets"/>, or null when there is none to keep.</summary>
    public string? Seal(string? subject, Guid instanceId, string connector, IReadOnlyDictionary<string, string> secrets) =>
        secrets.Count == 0 ? null : Protector(subject, instanceId, connector).Protect(JsonSerializer.Serialize(secrets), Lifetime);

    /// <summary>The secrets of a draft sealed for this buyer, instance and connector; empty when it is missing, forged or expired.</summary>
    public IReadOnlyDictionary<string, string> Unseal(string? subject, Guid instanceId, string connector, string? draft)
    {
        if (string.IsNullOrEmpty(draft))
        {
            return new Dictionary<string, string>();
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(Protector(subject, instanceId, connector).Unprotect(draft))
                ?? new Dictionary<string, string>();
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return new Dictionary<string, string>();
        }
    }

    private ITimeLimitedDataProtector Protector(string? subject, Guid instanceId, string connector) =>
        provider.CreateProtector("Gsv.Web.ConnectorDrafts", subject ?? "", instanceId.ToString("N"), connector).ToTimeLimitedDataProtector();
}
