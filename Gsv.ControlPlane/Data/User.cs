namespace Gsv.ControlPlane.Data;

/// <summary>
/// A person, keyed by Keycloak's <c>sub</c>. A user known only by email (an order before the first login) has no
/// <see cref="Sub"/> yet: pending until they log in with the same verified email.
/// </summary>
public sealed class User
{
    public Guid Id { get; set; }

    public string? Sub { get; set; }

    /// <summary>Lower-cased, verified by the identity provider (an unverified one is not kept), unique among users.</summary>
    public string? Email { get; set; }

    public string? Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }

    public bool Pending => Sub is null;
}
