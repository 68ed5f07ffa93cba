namespace Gsv.ControlPlane.Data;

/// <summary>A tenant: every other object belongs to exactly one workspace.</summary>
public sealed class Workspace
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The user whose personal workspace this is (created with the user), if any.</summary>
    public Guid? PersonalOfUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
