using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
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
        await scope.ServiceProvider.GetRequiredService<TContext>().Database.MigrateAsync(cancellationToken);
    }
}
