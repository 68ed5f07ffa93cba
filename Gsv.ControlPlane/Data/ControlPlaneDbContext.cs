using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Data;

/// <summary>The Control Plane's own database: the platform's source of truth.</summary>
public sealed class ControlPlaneDbContext(DbContextOptions<ControlPlaneDbContext> options) : DbContext(options)
{
    public DbSet<Workspace> Workspaces => Set<Workspace>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Workspace>(workspace =>
        {
            workspace.ToTable("workspaces");
            workspace.HasKey(w => w.Id);
            workspace.Property(w => w.Name).HasMaxLength(200).IsRequired();
        });
    }
}
