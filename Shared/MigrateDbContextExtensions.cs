using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Gsv.Shared;

/// <summary>
/// Compiled into each service that owns a database (the Control Plane, the Provisioner): its EF Core migrations are
/// applied before it takes traffic, in one traced span (EF Core logs each migration it applies).
/// </summary>
internal static class MigrateDbContextExtensions
{
    private static readonly ActivitySource Source = new("Gsv.Migrations");

    public static async Task MigrateDbContextAsync<TContext>(this WebApplication app, CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        await using var scope = app.Services.CreateAsyncScope();
        using var activity = Source.StartActivity($"Migrating {typeof(TContext).Name}");
        var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
        // MigrateAsync also compares the model with the last migration's snapshot, a model diff that costs about 0.4 s
        // of CPU at every start: only called when there is a migration to apply. Gsv.Tests' MigrationModelTests make
        // that comparison once, so a model change without its migration fails the build's tests instead.
        // On a new database the history table is created first: EF Core's MigrateAsync reads it before creating it, and
        // logs that failed command as an error (twice) before treating it as "nothing applied".
        await database.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        var pending = (await database.GetPendingMigrationsAsync(cancellationToken)).Count();
        activity?.SetTag("gsv.migrations.pending", pending);
        if (pending > 0)
        {
            await database.MigrateAsync(cancellationToken);
        }
    }
}
