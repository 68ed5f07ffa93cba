namespace Gsv.ControlPlane.Data;

public sealed class Membership
{
    public const string Owner = "owner";
    public const string Member = "member";

    public Guid WorkspaceId { get; set; }

    public Guid UserId { get; set; }

    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
