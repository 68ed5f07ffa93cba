namespace Gsv.ControlPlane.Data;

/// <summary>A key that may run one instance. Only its SHA-256 is stored; the prefix lets people recognise it.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public Guid WorkspaceId { get; set; }

    public required string Name { get; set; }

    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
