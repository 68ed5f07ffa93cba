using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gsv.Tests.Foundation;

/// <summary>The published manifest (containers mode) is the deployment description: check what it says.</summary>
public sealed class ManifestTests : IClassFixture<ManifestTests.PublishedManifest>
{
    private readonly JsonObject resources;

    public ManifestTests(PublishedManifest manifest) => resources = manifest.Resources;

    public static TheoryData<string, string> ExpectedImages => new()
    {
        { "postgres", "postgres" },
        { "redis", "redis" },
        { "keycloak", "quay.io/keycloak/keycloak:26.5" },
        { "saleor", "ghcr.io/saleor/saleor:3.23.28" },
        { "saleor-worker", "ghcr.io/saleor/saleor:3.23.28" },
        { "saleor-dashboard", "ghcr.io/saleor/saleor-dashboard:3.23.27" },
        { "langflow", "langflowai/langflow:1.11.5" },
        { "ragflow", "infiniflow/ragflow:v0.27.0" },
        { "ragflow-mysql", "mysql:8.0.40" },
        { "ragflow-minio", "pgsty/silo:RELEASE.2026-08-06T00-00-00Z" },
        { "ragflow-es", "elasticsearch:8.11.3" },
    };

    [Theory]
    [MemberData(nameof(ExpectedImages))]
    public void Infrastructure_is_published_as_containers_with_pinned_images(string resource, string image)
    {
        var entry = Resource(resource);
        Assert.StartsWith("container.", (string?)entry["type"]);
        var published = (string?)entry["image"];
        Assert.NotNull(published);
        Assert.Contains(image, published);
        Assert.DoesNotContain(":latest", published);
    }

    [Fact]
    public void Databases_are_published_on_the_postgres_server()
    {
        foreach (var database in new[] { "controlplane", "provisioner", "saleor", "langflow" })
        {
            var entry = Resource($"{database}-db");
            Assert.Equal("value.v0", (string?)entry["type"]);
            Assert.Contains("{postgres.connectionString}", (string?)entry["connectionString"]);
            Assert.Contains($"Database={database}", (string?)entry["connectionString"]);
        }
    }

    [Theory]
    [InlineData("controlplane", "ConnectionStrings__controlplane-db", "services__keycloak__http__0")]
    [InlineData("gateway", "ConnectionStrings__redis", "services__controlplane__http__0")]
    [InlineData("gateway", "services__langflow__http__0", "Langflow__ApiKey")]
    [InlineData("provisioner", "ConnectionStrings__provisioner-db", "services__saleor__http__0")]
    [InlineData("provisioner", "Saleor__ApiUrl", "Keycloak__ClientSecret")]
    [InlineData("web", "services__controlplane__http__0", "services__gateway__http__0")]
    public void Services_are_projects_with_their_references_as_environment_variables(string service, string first, string second)
    {
        var entry = Resource(service);
        Assert.StartsWith("project.", (string?)entry["type"]);
        var env = entry["env"]!.AsObject();
        Assert.True(env.ContainsKey(first), $"{service} has no {first}");
        Assert.True(env.ContainsKey(second), $"{service} has no {second}");
    }

    [Fact]
    public void Secrets_appear_only_as_parameters()
    {
        string[] secrets =
        [
            "postgres-password", "redis-password", "keycloak-admin-password", "keycloak-web-client-secret",
            "keycloak-gateway-client-secret", "keycloak-provisioner-client-secret", "demo-buyer-password",
            "demo-admin-password", "saleor-secret-key", "saleor-rsa-private-key", "saleor-admin-password",
            "langflow-api-key", "langflow-secret-key", "ragflow-api-key", "ragflow-mysql-password",
        ];
        foreach (var name in secrets)
        {
            var parameter = Resource(name);
            Assert.Equal("parameter.v0", (string?)parameter["type"]);
            Assert.True((bool?)parameter["inputs"]?["value"]?["secret"], $"{name} is not marked secret");
            Assert.Equal($"{{{name}.inputs.value}}", (string?)parameter["value"]);
        }

        // No environment variable that carries a secret holds a literal: each is an expression.
        foreach (var (name, node) in resources)
        {
            if (node?["env"] is not JsonObject env)
            {
                continue;
            }

            foreach (var (key, value) in env)
            {
                var text = (string?)value ?? string.Empty;
                if (key.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase)
                    || key.Contains("SECRET", StringComparison.OrdinalIgnoreCase)
                    || key.EndsWith("API_KEY", StringComparison.OrdinalIgnoreCase)
                    || key.EndsWith("ApiKey", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.True(text.StartsWith('{') && text.EndsWith('}'), $"{name}.{key} is a literal");
                }
            }
        }

        Assert.DoesNotContain("buyer-dev-password", resources.ToJsonString());
    }

    [Fact]
    public void Local_only_resources_are_not_published()
    {
        Assert.DoesNotContain(resources, r => (string?)r.Value?["type"] == "executable.v0");
    }

    private JsonObject Resource(string name) =>
        resources[name]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"The manifest has no resource '{name}'.");

    /// <summary>Publishes the manifest once for the class, exactly as <c>./gsv manifest</c> does.</summary>
    public sealed class PublishedManifest : IAsyncLifetime
    {
        public JsonObject Resources { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var output = Path.Combine(Path.GetTempPath(), $"gsv-manifest-{Guid.NewGuid():N}.json");
            var appHostProject = Projects.Gsv_AppHost.ProjectPath;
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList =
                {
                    "run", "--project", appHostProject, "--no-build", "--no-launch-profile",
                    "--", "--publisher", "manifest", "--output-path", output,
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"Publishing failed ({process.ExitCode}): {await stdout}\n{await stderr}");
            try
            {
                Resources = JsonNode.Parse(await File.ReadAllTextAsync(output))!["resources"]!.AsObject();
            }
            finally
            {
                File.Delete(output);
            }
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
