using Gsv.ControlPlane.Data;
using Gsv.Provisioner.Data;
using Microsoft.EntityFrameworkCore;

namespace Gsv.Tests.Foundation;

/// <summary>
/// Each database's model matches its last migration. The services apply migrations only when one is pending
/// (<c>MigrateDbContextExtensions</c>), so EF Core's own check at <c>Migrate</c> runs here instead: a change to an
/// entity without <c>dotnet ef migrations add</c> fails this test rather than a deployment.
/// </summary>
public sealed class MigrationModelTests
{
    [Fact]
    public void The_control_plane_model_has_no_change_without_a_migration()
    {
        using var context = new ControlPlaneDbContext(Options<ControlPlaneDbContext>());
        Assert.NotEmpty(context.Database.GetMigrations());
        Assert.False(context.Database.HasPendingModelChanges(), "ControlPlaneDbContext changed without a migration: run dotnet ef migrations add.");
    }

    [Fact]
    public void The_provisioner_model_has_no_change_without_a_migration()
    {
        using var context = new ProvisionerDbContext(Options<ProvisionerDbContext>());
        Assert.NotEmpty(context.Database.GetMigrations());
        Assert.False(context.Database.HasPendingModelChanges(), "ProvisionerDbContext changed without a migration: run dotnet ef migrations add.");
    }

    // The model and the migrations need the provider, not a server: nothing connects.
    private static DbContextOptions<TContext> Options<TContext>()
        where TContext : DbContext =>
        new DbContextOptionsBuilder<TContext>().UseNpgsql("Host=unused").Options;
}
