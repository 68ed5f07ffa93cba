using System.Reflection;

namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// The programs the build put in each project's <c>bin/</c>: the AppHost references the services and the emulators,
/// so building the AppHost (or the solution) builds them, in the AppHost's configuration.
/// </summary>
/// <remarks>
/// DCP starts a .NET project with <c>dotnet run --no-build</c>, which evaluates the project file with MSBuild before
/// the program starts and then stays beside it for its whole life: 1 to 3 s of CPU at each start on the 2-core
/// machine, and one more process for each (see docs/benchmarks.md, platform start). A local run starts the built
/// program itself instead, from the project's folder as <c>dotnet run</c> does.
/// </remarks>
public static class BuiltPrograms
{
    private static readonly string Configuration =
        typeof(BuiltPrograms).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The project's folder: the working directory <c>dotnet run</c> gives its program.</summary>
    public static string ProjectDirectory(IProjectMetadata project) => Path.GetDirectoryName(project.ProjectPath)!;

    /// <summary>The built program (its native launcher) of <paramref name="project"/>.</summary>
    public static string ProgramPath(IDistributedApplicationBuilder builder, IProjectMetadata project)
    {
        var name = Path.GetFileNameWithoutExtension(project.ProjectPath);
        var framework = $"net{Environment.Version.Major}.0";
        var program = Path.Combine(ProjectDirectory(project), "bin", Configuration, framework, OperatingSystem.IsWindows() ? $"{name}.exe" : name);
        if (builder.ExecutionContext.IsRunMode && !File.Exists(program))
        {
            throw new DistributedApplicationException(
                $"{name} is not built ({program} is missing). Build the AppHost or the solution first: dotnet build Gsv.sln -c {Configuration}.");
        }

        return program;
    }

    /// <summary>
    /// In a local run from the command line, DCP starts the service's built program rather than <c>dotnet run</c> on
    /// its project. It stays a project resource (its launch profile, endpoints and telemetry settings, and what the
    /// manifest publishes): Aspire launches a project whose <see cref="ExecutableAnnotation"/> names a command with
    /// that command and the project's arguments, without <c>run --project</c>. Under an IDE's debug session, or
    /// <c>dotnet watch</c>, Aspire launches the project as usual, so breakpoints and hot reload work.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBuiltProgram(this IResourceBuilder<ProjectResource> service, InfrastructureMode mode)
    {
        var configuration = service.ApplicationBuilder.Configuration;
        if (mode != InfrastructureMode.Local || !service.ApplicationBuilder.ExecutionContext.IsRunMode
            || !string.IsNullOrEmpty(configuration["DEBUG_SESSION_PORT"]) || string.Equals(configuration["DOTNET_WATCH"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return service;
        }

        var project = service.Resource.GetProjectMetadata();
        return service.WithAnnotation(
            new ExecutableAnnotation { Command = ProgramPath(service.ApplicationBuilder, project), WorkingDirectory = ProjectDirectory(project) },
            ResourceAnnotationMutationBehavior.Replace);
    }
}
