namespace Gsv.ControlPlane.Data;

/// <summary>
/// A connector bound to an instance with the buyer's credentials. Secrets are one Data Protection payload
/// (<see cref="ProtectedSecrets"/>, a JSON object by field name, encrypted with the key ring kept in this database);
/// only their last 4 characters are kept in clear, to show which secret is set. Revoking deletes the row.
/// </summary>
public sealed class ConnectorBinding
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public Guid WorkspaceId { get; set; }

    public required string ConnectorKey { get; set; }

    /// <summary>Non-secret fields (settings such as a repository or a base URL), by field name.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    public required string ProtectedSecrets { get; set; }

    /// <summary>The stored secret fields, by name, each with its last 4 characters ("" for a secret too short to show them).</summary>
    public Dictionary<string, string> SecretHints { get; set; } = [];

    /// <summary>The tools (MCP names) the instance's runs may call.</summary>
    public List<string> AllowedTools { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
