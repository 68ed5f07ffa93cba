using System.Reflection;

namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// Where the build put the emulators' program: the AppHost references <c>Gsv.Emulators</c>, so building the AppHost
/// (or the solution) builds it, in the AppHost's configuration, into its project's <c>bin/</c>.
/// </summary>
public static class BuiltEmulators
{
    /// <summary>The emulators' project folder: the working directory <c>dotnet run</c> gave them.</summary>
    public static string ProjectDirectory { get; } = Path.GetDirectoryName(new Projects.Gsv_Emulators().ProjectPath)!;

    public static string ProgramPath(IDistributedApplicationBuilder builder)
    {
        var configuration = typeof(BuiltEmulators).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = $"net{Environment.Version.Major}.0";
        var program = Path.Combine(ProjectDirectory, "bin", configuration, framework, OperatingSystem.IsWindows() ? "Gsv.Emulators.exe" : "Gsv.Emulators");
        if (builder.ExecutionContext.IsRunMode && !File.Exists(program))
        {
            throw new DistributedApplicationException(
                $"The emulators are not built ({program} is missing). Build the AppHost or the solution first: dotnet build Gsv.sln -c {configuration}.");
        }

        return program;
    }
}
