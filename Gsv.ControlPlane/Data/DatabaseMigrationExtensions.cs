using Microsoft.EntityFrameworkCore;

namespace Gsv.ControlPlane.Data;

public static class DatabaseMigrationExtensions
{
    /// <summary>Applies pending EF Core migrations before the service takes traffic.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        await db.Database.MigrateAsync();
    }
}
