using System.Security.Claims;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.ControlPlane.Services;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Apis;

/// <summary>
/// The user behind a public API request and the workspaces they belong to. Every public query goes through
/// <see cref="WorkspaceIds"/>, so another workspace's objects are simply not found.
/// </summary>
public sealed class Caller
{
    public User User { get; private set; } = null!;

    public Guid PersonalWorkspaceId { get; private set; }

    public IReadOnlyDictionary<Guid, string> Roles { get; private set; } = new Dictionary<Guid, string>();

    public List<Guid> WorkspaceIds { get; private set; } = [];

    /// <summary>The workspace named by the request (must be the caller's, else 404), or the personal one.</summary>
    public Guid Workspace(Guid? requested) =>
        requested is not { } id ? PersonalWorkspaceId
        : Roles.ContainsKey(id) ? id
        : throw ControlPlaneException.NotFound($"Workspace {id}");

    /// <summary>An instance of one of the caller's workspaces, or null (another workspace's instance is not found).</summary>
    public Task<Instance?> FindInstanceAsync(ControlPlaneDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id && WorkspaceIds.Contains(i.WorkspaceId), cancellationToken);

    /// <summary>Endpoint filter for <c>/api/v1</c>: provisions the user on their first request and fills the <see cref="Caller"/>.</summary>
    public static async ValueTask<object?> ResolveAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var principal = http.User;
        var sub = principal.FindFirstValue("sub");
        if (string.IsNullOrEmpty(sub) || sub.Length > 200)
        {
            return Results.Unauthorized();
        }

        var identity = new CallerIdentity(
            sub,
            principal.FindFirstValue("email"),
            string.Equals(principal.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase),
            principal.FindFirstValue("name") ?? principal.FindFirstValue("preferred_username"));
        var users = http.RequestServices.GetRequiredService<UserDirectory>();
        var user = await users.EnsureUserAsync(identity, http.RequestAborted);

        var db = http.RequestServices.GetRequiredService<ControlPlaneDbContext>();
        var caller = http.RequestServices.GetRequiredService<Caller>();
        caller.User = user;
        // One query: the memberships, each with whether it is the user's personal workspace (always one of them).
        var memberships = await db.Memberships.AsNoTracking().Where(m => m.UserId == user.Id)
            .Join(db.Workspaces, m => m.WorkspaceId, w => w.Id, (m, w) => new { m.WorkspaceId, m.Role, Personal = w.PersonalOfUserId == user.Id })
            .ToListAsync(http.RequestAborted);
        caller.Roles = memberships.ToDictionary(m => m.WorkspaceId, m => m.Role);
        caller.WorkspaceIds = [.. caller.Roles.Keys];
        caller.PersonalWorkspaceId = memberships.Single(m => m.Personal).WorkspaceId;
        return await next(context);
    }
}
