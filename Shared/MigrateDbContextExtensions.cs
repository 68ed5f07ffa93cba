using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gsv.Shared;

/// <summary>
/// Compiled into each service that owns a database (the Control Plane, the Provisioner): its EF Core migrations are
/// applied before it takes traffic, in one traced span, and the ones applied are logged.
/// </summary>
internal static class MigrateDbContextExtensions
{
    private static readonly ActivitySource Source = new("Gsv.Migrations");

    public static async Task MigrateDbContextAsync<TContext>(this WebApplication app, CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateDbContextExtensions));
        using var activity = Source.StartActivity($"Migrating {typeof(TContext).Name}", ActivityKind.Client);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        logger.LogInformation("Applying {Count} migrations to {Context}: {Migrations}", pending.Count, typeof(TContext).Name, pending);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
