namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// Where local servers keep their data. A dev run uses a stable git-ignored folder (<c>.gsv/</c> at the repository
/// root) so data survives restarts; tests pass <c>Gsv:DataPath</c> (a fresh temporary folder they delete) and
/// <c>Gsv:Ephemeral=true</c> (no durability settings).
/// </summary>
public sealed record LocalDataSettings(string Root, bool Ephemeral)
{
    public static LocalDataSettings From(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["Gsv:DataPath"];
        var root = string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".gsv"))
            : Path.GetFullPath(configured);
        var ephemeral = bool.TryParse(builder.Configuration["Gsv:Ephemeral"], out var value) && value;
        return new LocalDataSettings(root, ephemeral);
    }
}
