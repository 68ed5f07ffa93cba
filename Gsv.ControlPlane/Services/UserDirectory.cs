using Gsv.ControlPlane.Data;
using Gsv.ServiceDefaults.Text;
using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Services;

/// <summary>The identity of an authenticated caller, as taken from their token.</summary>
public sealed record CallerIdentity(string Sub, string? Email, bool EmailVerified, string? Name);

/// <summary>
/// Users and their personal workspaces. A user is created (with a personal workspace, its wallet and an owner
/// membership) on first sight, either from a token or from an email alone (pending). Only a verified email is stored or
/// matched, and an email belongs to one user at most (a unique index): a sign-in with a new <c>sub</c> and a verified
/// email already known is linked to that user (a pending one is claimed, a signed-in one gets the new <c>sub</c>).
/// Races between first requests end on unique indexes and are retried.
/// </summary>
public sealed partial class UserDirectory(ControlPlaneDbContext db, TimeProvider time, ILogger<UserDirectory> logger)
{
    /// <summary>Longest display name kept (the column's size); a longer one from the identity provider is cut.</summary>
    public const int MaxNameLength = 200;

    public const int MaxEmailLength = 320;

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
        // An unverified email is no email: anyone may type any address into their profile.
        var email = caller.EmailVerified ? Normalize(caller.Email) : null;
        var name = DisplayName(caller.Name);
        var now = time.GetUtcNow();
        if (user is not null)
        {
            if (email is not null && email != user.Email
                && await db.Users.AnyAsync(u => u.Email == email && u.Id != user.Id, cancellationToken))
            {
                // The address is another user's: this user keeps no email rather than taking theirs.
                LogEmailTaken(logger, user.Id);
                email = null;
            }

            if (user.Email != email || user.Name != name)
            {
                user.Email = email;
                user.Name = name;
                await db.SaveChangesAsync(cancellationToken);
            }

            return user;
        }

        if (email is not null && await db.Users.SingleOrDefaultAsync(u => u.Email == email, cancellationToken) is { } known)
        {
            // The same verified email: a pending user is claimed; a user known under another sub (an identity provider
            // that gave the person a new id) is linked to this one, so they keep their workspace and what they bought.
            var linked = !known.Pending;
            known.Sub = caller.Sub;
            known.Name = name;
            known.ClaimedAt ??= now;
            await db.SaveChangesAsync(cancellationToken);
            if (linked)
            {
                LogLinked(logger, known.Id, caller.Sub);
            }
            else
            {
                LogClaimed(logger, known.Id, caller.Sub);
            }

            return known;
        }

        user = new User { Id = Guid.CreateVersion7(now), Sub = caller.Sub, Email = email, Name = name, CreatedAt = now, ClaimedAt = now };
        await AddWithPersonalWorkspaceAsync(user, cancellationToken);
        LogCreated(logger, user.Id, caller.Sub);
        return user;
    }

    /// <summary>The display name as kept: control characters removed, at most <see cref="MaxNameLength"/> characters.</summary>
    public static string? DisplayName(string? name) => FreeText.Clean(name, MaxNameLength) is { Length: > 0 } clean ? clean : null;

    /// <summary>Finds a user by email, or creates a pending one with a personal workspace. Returns the personal workspace.</summary>
    public async Task<(User User, Guid WorkspaceId)> FindOrCreateByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        var normalized = Normalize(email) ?? throw new ArgumentException("An email is required.", nameof(email));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Emails are unique and stored only when verified, so this is the one user who proved they own it.
                var user = await db.Users.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
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
        // Empty from the start: a wallet never funded is not "blocked until a top-up" news to anyone.
        db.Wallets.Add(new Wallet { WorkspaceId = workspace.Id, UpdatedAt = user.CreatedAt, Empty = true });
        // One SaveChanges = one transaction: the user never exists without their workspace and wallet.
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Lower-cased and trimmed; null when empty or longer than an address can be.</summary>
    public static string? Normalize(string? email) =>
        email?.Trim() is { Length: > 0 and <= MaxEmailLength } trimmed && !FreeText.HasForbidden(trimmed) ? trimmed.ToLowerInvariant() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created user {UserId} for {Sub} with a personal workspace")]
    private static partial void LogCreated(ILogger logger, Guid userId, string sub);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pending user {UserId} claimed by {Sub}")]
    private static partial void LogClaimed(ILogger logger, Guid userId, string sub);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} linked to identity {Sub} by their verified email")]
    private static partial void LogLinked(ILogger logger, Guid userId, string sub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} signed in with a verified email that belongs to another user; it is not stored")]
    private static partial void LogEmailTaken(ILogger logger, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created pending user {UserId} with a personal workspace")]
    private static partial void LogPendingCreated(ILogger logger, Guid userId);
}
