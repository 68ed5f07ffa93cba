using System.Net;
using System.Net.Sockets;
using System.Text;
using Gsv.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gsv.Tests.Foundation;

[Collection(PlatformCollection.Name)]
public sealed class PlatformStartupTests(PlatformFixture platform)
{
    [Fact]
    public async Task Every_resource_is_running_and_healthy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var resource in PlatformFixture.Resources)
        {
            await platform.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    [Theory]
    [InlineData("controlplane")]
    [InlineData("gateway")]
    [InlineData("provisioner")]
    [InlineData("web")]
    public async Task Each_service_answers_its_health_endpoints(string service)
    {
        using var client = platform.CreateHttpClient(service);

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    /// <summary>
    /// Local mode: what services call is reached directly; what a browser opens (the Web front end, Keycloak's login
    /// pages) stays behind DCP's proxy. Every endpoint of each resource, so one added later is not missed.
    /// </summary>
    [Theory]
    [InlineData("controlplane", false)]
    [InlineData("gateway", false)]
    [InlineData("provisioner", false)]
    [InlineData("saleor", false)]
    [InlineData("langflow", false)]
    [InlineData("ragflow", false)]
    [InlineData("keycloak", true)]
    [InlineData("web", true)]
    public void Only_what_a_browser_opens_is_behind_the_dcp_proxy(string resource, bool proxied)
    {
        var model = platform.App.Services.GetRequiredService<DistributedApplicationModel>();
        var endpoints = model.Resources.OfType<IResourceWithEndpoints>().Single(r => r.Name == resource)
            .Annotations.OfType<EndpointAnnotation>().ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.Equal(proxied, endpoint.IsProxied));
    }

    /// <summary>
    /// Local mode: DCP starts each service's built program itself, not <c>dotnet run</c> on its project (which
    /// evaluates the project with MSBuild at every start and stays beside the program), and the process running is
    /// that program.
    /// </summary>
    [Theory]
    [InlineData("controlplane", "Gsv.ControlPlane")]
    [InlineData("gateway", "Gsv.Gateway")]
    [InlineData("provisioner", "Gsv.Provisioner")]
    [InlineData("web", "Gsv.Web")]
    public async Task Each_service_runs_as_its_built_program(string service, string program)
    {
        var model = platform.App.Services.GetRequiredService<DistributedApplicationModel>();
        var project = model.Resources.OfType<ProjectResource>().Single(r => r.Name == service);
        var launch = project.Annotations.OfType<ExecutableAnnotation>().Last();
        Assert.Equal(program, Path.GetFileName(launch.Command));
        Assert.True(File.Exists(launch.Command), $"{launch.Command} is not built");
        Assert.Equal(Path.GetDirectoryName(project.GetProjectMetadata().ProjectPath), launch.WorkingDirectory);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var running = await platform.App.ResourceNotifications.WaitForResourceAsync(service,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.Properties.Any(p => p.Name == "executable.pid" && p.Value is int),
            timeout.Token);
        var pid = (int)running.Snapshot.Properties.First(p => p.Name == "executable.pid").Value!;
        var commandLine = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Split('\0');
        Assert.Equal(launch.Command, commandLine[0]);
    }

    [Fact]
    public async Task Control_plane_migrations_ran_against_the_real_postgresql()
    {
        var connectionString = await platform.GetConnectionStringAsync("controlplane-db");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        await using var version = new NpgsqlCommand("SELECT version()", connection);
        Assert.StartsWith("PostgreSQL", (string?)await version.ExecuteScalarAsync());

        await using var migrations = new NpgsqlCommand(
            "SELECT count(*) FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" LIKE '%_InitialCreate'", connection);
        Assert.Equal(1L, await migrations.ExecuteScalarAsync());

        await using var table = new NpgsqlCommand("SELECT to_regclass('public.workspaces') IS NOT NULL", connection);
        Assert.True((bool)(await table.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Gateway_reaches_the_real_redis()
    {
        // The gateway's /health includes its Redis client's check: it fails when Redis is unreachable.
        using var gateway = platform.CreateHttpClient("gateway");
        using var health = await gateway.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // And the server behind the connection string is a real Redis that enforces its password.
        var connectionString = await platform.GetConnectionStringAsync("redis");
        var parts = connectionString!.Split(',');
        var port = int.Parse(parts[0].Split(':')[1]);
        var password = parts.Single(p => p.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];

        Assert.StartsWith("-NOAUTH", await RedisCommandAsync(port, "*1\r\n$4\r\nPING\r\n"));
        var info = await RedisCommandAsync(port,
            $"*2\r\n$4\r\nAUTH\r\n${password.Length}\r\n{password}\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n", until: "redis_version");
        Assert.Contains("redis_version:", info);
    }

    private static async Task<string> RedisCommandAsync(int port, string command, string? until = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        do
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        while (until is not null && !received.ToString().Contains(until, StringComparison.Ordinal));

        return received.ToString();
    }
}
