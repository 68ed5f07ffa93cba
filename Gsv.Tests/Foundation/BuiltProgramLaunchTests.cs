namespace Gsv.Tests.Foundation;

/// <summary>
/// Which runs start the services' built programs instead of <c>dotnet run</c> (<c>BuiltPrograms.WithBuiltProgram</c>):
/// a local run from the command line only. Under an IDE's debug session or <c>dotnet watch</c> Aspire launches the
/// projects itself, and containers mode (what the manifest publishes) is untouched. Only the resource graph is built.
/// </summary>
public sealed class BuiltProgramLaunchTests
{
    private static readonly string[] Services = ["controlplane", "gateway", "provisioner", "web"];

    [Theory]
    [InlineData("local", null, true)]
    [InlineData("local", "--DEBUG_SESSION_PORT=localhost:50123", false)]
    [InlineData("local", "--DOTNET_WATCH=true", false)]
    [InlineData("containers", null, false)]
    public async Task Services_start_as_built_programs_only_in_a_local_command_line_run(string mode, string? argument, bool built)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"gsv-launch-{Guid.NewGuid():N}");
        try
        {
            string[] arguments = [$"--Gsv:Infrastructure={mode}", $"--Gsv:DataPath={dataPath}", "--Gsv:Ephemeral=true", .. argument is null ? [] : new[] { argument }];
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gsv_AppHost>(arguments);
            foreach (var service in Services)
            {
                var project = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == service);
                var launch = project.Annotations.OfType<ExecutableAnnotation>().LastOrDefault();
                if (built)
                {
                    Assert.NotNull(launch);
                    Assert.Equal(Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath), Path.GetFileName(launch.Command));
                }
                else
                {
                    Assert.Null(launch);
                }
            }
        }
        finally
        {
            if (Directory.Exists(dataPath))
            {
                Directory.Delete(dataPath, recursive: true);
            }
        }
    }
}
