namespace Gsv.ControlPlane.Data;

/// <summary>A tenant: every other object belongs to exactly one workspace.</summary>
public sealed class Workspace
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
