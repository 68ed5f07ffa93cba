namespace Gsv.Tests.Foundation;

/// <summary>
/// Every AppHost parameter takes its value from configuration (<c>--Parameters:name=value</c>, user secrets,
/// <c>Parameters__name</c>) before any default. Only the resource graph is built; nothing is started.
/// </summary>
public sealed class ParameterConfigurationTests
{
    [Theory]
    [InlineData("local")]
    [InlineData("containers")]
    public async Task Every_parameter_takes_its_configured_value_before_its_default(string mode)
    {
        var names = await ParameterNamesAsync(mode);
        Assert.Contains("demo-buyer-password", names);
        Assert.Contains("demo-admin-password", names);

        var configured = names.ToDictionary(n => n, n => $"configured-{n}-{Guid.NewGuid():N}");
        var values = await ParameterValuesAsync(mode, [.. configured.Select(p => $"--Parameters:{p.Key}={p.Value}")], names);

        Assert.All(configured, expected => Assert.Equal(expected.Value, values[expected.Key]));
    }

    [Fact]
    public async Task Demo_passwords_fall_back_to_their_development_defaults()
    {
        var values = await ParameterValuesAsync("local", [], ["demo-buyer-password", "demo-admin-password"]);
        Assert.Equal("buyer-dev-password", values["demo-buyer-password"]);
        Assert.Equal("admin-dev-password", values["demo-admin-password"]);
    }

    private static async Task<List<string>> ParameterNamesAsync(string mode)
    {
        var names = new List<string>();
        await WithGraphAsync(mode, [], builder =>
        {
            names.AddRange(builder.Resources.OfType<ParameterResource>().Select(p => p.Name));
            return Task.CompletedTask;
        });
        return names;
    }

    /// <summary>The values of the named parameters as the built graph resolves them.</summary>
    private static async Task<Dictionary<string, string>> ParameterValuesAsync(string mode, string[] arguments, IEnumerable<string> names)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        await WithGraphAsync(mode, arguments, async builder =>
        {
            foreach (var name in names)
            {
                var parameter = builder.Resources.OfType<ParameterResource>().Single(p => p.Name == name);
                values[name] = await parameter.GetValueAsync(CancellationToken.None) ?? "";
            }
        });
        return values;
    }

    private static async Task WithGraphAsync(string mode, string[] arguments, Func<IDistributedApplicationTestingBuilder, Task> inspect)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"gsv-parameters-{Guid.NewGuid():N}");
        try
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gsv_AppHost>(
                [$"--Gsv:Infrastructure={mode}", $"--Gsv:DataPath={dataPath}", "--Gsv:Ephemeral=true", .. arguments]);
            await inspect(builder);
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
