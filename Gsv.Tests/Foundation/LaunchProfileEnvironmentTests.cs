using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gsv.Tests.Foundation;

/// <summary>
/// <c>./gsv up</c> starts the built AppHost directly (<c>Gsv.AppHost/scripts/run-built.sh</c>), with the environment
/// <c>dotnet run --launch-profile http</c> would give it. That environment is read from launchSettings.json by
/// <c>launch-profile-env.sh</c>, in awk: here it is compared with what a JSON parser reads from the same file.
/// </summary>
public sealed class LaunchProfileEnvironmentTests
{
    private static readonly string AppHostDirectory = Projects.Gsv_AppHost.ProjectPath;

    [Fact]
    public async Task The_script_gives_the_http_profile_environment_as_dotnet_run_would()
    {
        var settings = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppHostDirectory, "Properties", "launchSettings.json")))!;
        var profile = settings["profiles"]!["http"]!;
        var expected = profile["environmentVariables"]!.AsObject()
            .Select(variable => $"{variable.Key}={(string?)variable.Value}")
            .Append($"ASPNETCORE_URLS={(string?)profile["applicationUrl"]}")
            .Append("DOTNET_LAUNCH_PROFILE=http")
            .Order(StringComparer.Ordinal);

        var (exitCode, output, _) = await RunScriptAsync("http");

        Assert.Equal(0, exitCode);
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Contains("ASPIRE_ALLOW_UNSECURED_TRANSPORT=true", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_profile_is_an_error_that_names_it()
    {
        var (exitCode, _, error) = await RunScriptAsync("no-such-profile");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("no profile \"no-such-profile\"", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunScriptAsync(string profile)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppHostDirectory, "scripts", "launch-profile-env.sh"));
        start.ArgumentList.Add(profile);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
