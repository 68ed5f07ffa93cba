using Gsv.ControlPlane.Data;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Services;

/// <summary>The identity of an authenticated caller, as taken from their token.</summary>
public sealed record CallerIdentity(string Sub, string? Email, bool EmailVerified, string? Name);

/// <summary>
/// Users and their personal workspaces. A user is created (with a personal workspace, its wallet and an owner
/// membership) on first sight, either from a token or from an email alone (pending); a pending user is claimed by the
/// first login with the same verified email. Races between first requests end on unique indexes and are retried.
/// </summary>
public sealed partial class UserDirectory(ControlPlaneDbContext db, TimeProvider time, ILogger<UserDirectory> logger)
{
    public async Task<User> EnsureUserAsync(CallerIdentity caller, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await FindOrProvisionAsync(caller, cancellationToken);
            }
            catch (DbUpdateException exception) when (ControlPlaneDbContext.IsUniqueViolation(exception) && attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<User> FindOrProvisionAsync(CallerIdentity caller, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Sub == caller.Sub, cancellationToken);
        var email = Normalize(caller.Email);
        var now = time.GetUtcNow();
        if (user is not null)
        {
            if (user.Email != email || user.Name != caller.Name)
            {
                user.Email = email;
                user.Name = caller.Name;
                await db.SaveChangesAsync(cancellationToken);
            }

            return user;
        }

        if (caller.EmailVerified && email is not null)
        {
            var pending = await db.Users.SingleOrDefaultAsync(u => u.Sub == null && u.Email == email, cancellationToken);
            if (pending is not null)
            {
                pending.Sub = caller.Sub;
                pending.Name = caller.Name;
                pending.ClaimedAt = now;
                await db.SaveChangesAsync(cancellationToken);
                LogClaimed(logger, pending.Id, caller.Sub);
                return pending;
            }
        }

        user = new User { Id = Guid.CreateVersion7(now), Sub = caller.Sub, Email = email, Name = caller.Name, CreatedAt = now, ClaimedAt = now };
        await AddWithPersonalWorkspaceAsync(user, cancellationToken);
        LogCreated(logger, user.Id, caller.Sub);
        return user;
    }

    /// <summary>Finds a user by email, or creates a pending one with a personal workspace. Returns the personal workspace.</summary>
    public async Task<(User User, Guid WorkspaceId)> FindOrCreateByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        var normalized = Normalize(email) ?? throw new ArgumentException("An email is required.", nameof(email));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // A user who logged in already is preferred over a pending one of the same email.
                var user = await db.Users.Where(u => u.Email == normalized).OrderBy(u => u.Sub == null).ThenBy(u => u.CreatedAt)
                    .FirstOrDefaultAsync(cancellationToken);
                if (user is null)
                {
                    var now = time.GetUtcNow();
                    user = new User { Id = Guid.CreateVersion7(now), Email = normalized, CreatedAt = now };
                    await AddWithPersonalWorkspaceAsync(user, cancellationToken);
                    LogPendingCreated(logger, user.Id);
                }

                return (user, await PersonalWorkspaceIdAsync(user.Id, cancellationToken));
            }
            catch (DbUpdateException exception) when (ControlPlaneDbContext.IsUniqueViolation(exception) && attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<Guid> PersonalWorkspaceIdAsync(Guid userId, CancellationToken cancellationToken = default) =>
        await db.Workspaces.Where(w => w.PersonalOfUserId == userId).Select(w => w.Id).SingleAsync(cancellationToken);

    private async Task AddWithPersonalWorkspaceAsync(User user, CancellationToken cancellationToken)
    {
        var workspace = new Workspace
        {
            Id = Guid.CreateVersion7(user.CreatedAt),
            Name = $"{user.Name ?? user.Email ?? "Personal"}'s workspace",
            PersonalOfUserId = user.Id,
            CreatedAt = user.CreatedAt,
        };
        if (workspace.Name.Length > 200)
        {
            workspace.Name = "Personal workspace";
        }

        db.Users.Add(user);
        db.Workspaces.Add(workspace);
        db.Memberships.Add(new Membership { WorkspaceId = workspace.Id, UserId = user.Id, Role = Membership.Owner, CreatedAt = user.CreatedAt });
        db.Wallets.Add(new Wallet { WorkspaceId = workspace.Id, UpdatedAt = user.CreatedAt });
        // One SaveChanges = one transaction: the user never exists without their workspace and wallet.
        await db.SaveChangesAsync(cancellationToken);
    }

    public static string? Normalize(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Information, Message = "Created user {UserId} for {Sub} with a personal workspace")]
    private static partial void LogCreated(ILogger logger, Guid userId, string sub);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending user {UserId} claimed by {Sub}")]
    private static partial void LogClaimed(ILogger logger, Guid userId, string sub);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created pending user {UserId} with a personal workspace")]
    private static partial void LogPendingCreated(ILogger logger, Guid userId);
}
