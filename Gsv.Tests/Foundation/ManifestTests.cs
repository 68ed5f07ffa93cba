using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gsv.Tests.Foundation;

/// <summary>The published manifest (containers mode) is the deployment description: check what it says.</summary>
public sealed class ManifestTests : IClassFixture<ManifestTests.PublishedManifest>
{
    private readonly JsonObject resources;
    private readonly PublishedManifest manifest;

    public ManifestTests(PublishedManifest manifest) => (this.manifest, resources) = (manifest, manifest.Resources);

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
        { "mail", "rnwood/smtp4dev:3.15.0" },
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
        foreach (var database in new[] { "controlplane", "provisioner", "saleor", "langflow", "keycloak", "cms" })
        {
            var entry = Resource($"{database}-db");
            Assert.Equal("value.v0", (string?)entry["type"]);
            Assert.Contains("{postgres.connectionString}", (string?)entry["connectionString"]);
            Assert.Contains($"Database={database}", (string?)entry["connectionString"]);
        }
    }

    [Theory]
    [InlineData("controlplane", "ConnectionStrings__controlplane-db", "services__keycloak__http__0")]
    [InlineData("controlplane", "Mail__Host", "Mail__Port")]
    [InlineData("gateway", "ConnectionStrings__redis", "services__controlplane__http__0")]
    [InlineData("gateway", "services__langflow__http__0", "Langflow__ApiKey")]
    [InlineData("provisioner", "ConnectionStrings__provisioner-db", "services__saleor__http__0")]
    [InlineData("provisioner", "Saleor__ApiUrl", "Keycloak__ClientSecret")]
    [InlineData("web", "services__controlplane__http__0", "services__gateway__http__0")]
    [InlineData("web", "services__cms__http__0", "services__saleor__http__0")]
    public void Services_are_projects_with_their_references_as_environment_variables(string service, string first, string second)
    {
        var entry = Resource(service);
        Assert.StartsWith("project.", (string?)entry["type"]);
        var env = entry["env"]!.AsObject();
        Assert.True(env.ContainsKey(first), $"{service} has no {first}");
        Assert.True(env.ContainsKey(second), $"{service} has no {second}");
    }

    [Fact]
    public void Cms_is_wagtail_built_from_its_dockerfile_with_its_database_on_postgres()
    {
        var cms = Resource("cms");
        Assert.StartsWith("container.", (string?)cms["type"]);
        var build = cms["build"]!.AsObject();
        Assert.EndsWith("deploy/cms/Dockerfile", ((string?)build["dockerfile"])!.Replace('\\', '/'));
        Assert.Contains("FROM python:3.12-slim", File.ReadAllText(Path.Combine(manifest.ManifestDirectory, (string)build["dockerfile"]!)));
        var env = cms["env"]!.AsObject();
        Assert.Contains("{postgres.", (string?)env["DATABASE_URL"]);
        Assert.Contains("/cms", (string?)env["DATABASE_URL"]);
        Assert.Equal("{cms-secret-key.value}", (string?)env["DJANGO_SECRET_KEY"]);
        Assert.Equal(8000, (int?)cms["bindings"]?["http"]?["targetPort"]);
    }

    [Fact]
    public void Secrets_appear_only_as_parameters()
    {
        string[] secrets =
        [
            "postgres-password", "redis-password", "keycloak-admin-password", "keycloak-web-client-secret",
            "keycloak-gateway-client-secret", "keycloak-provisioner-client-secret", "demo-buyer-password",
            "demo-admin-password", "saleor-secret-key", "saleor-rsa-private-key", "saleor-admin-password",
            "langflow-api-key", "langflow-secret-key", "ragflow-api-key", "ragflow-mysql-password", "mail-password", "cms-secret-key",
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
    public void Mail_is_smtp4dev_with_the_relay_as_parameters_pointing_at_it_by_default()
    {
        var mail = Resource("mail");
        var bindings = mail["bindings"]!.AsObject();
        Assert.Equal(80, (int?)bindings["http"]?["targetPort"]);
        Assert.Equal(25, (int?)bindings["smtp"]?["targetPort"]);

        var env = Resource("controlplane")["env"]!.AsObject();
        Assert.Equal("{mail-host.value}", (string?)env["Mail__Host"]);
        Assert.Equal("{mail-port.value}", (string?)env["Mail__Port"]);
        Assert.Equal("{mail-user.value}", (string?)env["Mail__UserName"]);
        Assert.Equal("{mail-password.value}", (string?)env["Mail__Password"]);
        Assert.Equal("mail", (string?)Resource("mail-host")["inputs"]?["value"]?["default"]?["value"]);
        Assert.Equal("25", (string?)Resource("mail-port")["inputs"]?["value"]?["default"]?["value"]);
    }

    [Fact]
    public void Local_only_resources_are_not_published()
    {
        Assert.DoesNotContain(resources, r => (string?)r.Value?["type"] == "executable.v0");
    }

    [Fact]
    public void Keycloak_runs_in_production_mode_behind_a_proxy_with_its_database()
    {
        var keycloak = Resource("keycloak");
        var args = keycloak["args"]!.AsArray().Select(a => (string?)a).ToList();
        Assert.Equal(["start", "--import-realm"], args);
        var env = keycloak["env"]!.AsObject();
        Assert.Equal("{keycloak-public-url.value}", (string?)env["KC_HOSTNAME"]);
        Assert.Equal("xforwarded", (string?)env["KC_PROXY_HEADERS"]);
        Assert.False(env.ContainsKey("KC_HOSTNAME_STRICT"), "the hostname is not to be taken from requests");
        Assert.Equal("postgres", (string?)env["KC_DB"]);
        Assert.Contains("/keycloak", (string?)env["KC_DB_URL"]);
        Assert.Equal("parameter.v0", (string?)Resource("keycloak-public-url")["type"]);
    }

    [Fact]
    public void Keycloak_imports_a_production_realm_without_demo_users()
    {
        var realm = manifest.ImportedRealm(Resource("keycloak"));
        Assert.Equal("external", (string?)realm["sslRequired"]);
        Assert.True((bool?)realm["bruteForceProtected"]);
        Assert.All(
            realm["clients"]!.AsArray().Where(c => (bool?)c!["publicClient"] == true),
            c => Assert.False((bool?)c!["directAccessGrantsEnabled"], $"{c!["clientId"]} allows the password grant"));
        var users = realm["users"]!.AsArray();
        Assert.All(users, u => Assert.NotNull((string?)u!["serviceAccountClientId"]));
        Assert.Contains(users, u => (string?)u!["serviceAccountClientId"] == "gsv-provisioner");
        Assert.False(Resource("keycloak")["env"]!.AsObject().ContainsKey("GSV_DEMO_BUYER_PASSWORD"));
    }

    [Fact]
    public void Demo_users_are_imported_in_containers_mode_only_when_asked_for()
    {
        var development = JsonNode.Parse(File.ReadAllText(Path.Combine(
            Projects.Gsv_AppHost.ProjectPath, "Realm", "gsv-realm.json")))!.AsObject();
        static List<string?> People(JsonObject realm) =>
            [.. realm["users"]!.AsArray().Where(u => u!["serviceAccountClientId"] is null).Select(u => (string?)u!["username"])];

        Assert.Empty(People(Gsv.AppHost.Infrastructure.ContainerRealm.ForProduction(development, demoUsers: false)));
        Assert.Equal(People(development), People(Gsv.AppHost.Infrastructure.ContainerRealm.ForProduction(development, demoUsers: true)));
    }

    [Theory]
    [InlineData("controlplane")]
    [InlineData("gateway")]
    [InlineData("provisioner")]
    [InlineData("web")]
    public void Services_require_https_metadata_from_keycloaks_public_url(string service)
    {
        var env = Resource(service)["env"]!.AsObject();
        Assert.Equal("true", (string?)env["Keycloak__RequireHttpsMetadata"]);
        Assert.Equal("{keycloak-public-url.value}", (string?)env["Keycloak__ServiceUrl"]);
    }

    [Theory]
    [InlineData("saleor")]
    [InlineData("saleor-worker")]
    public void Saleor_keeps_its_ip_filter_on(string resource)
    {
        var env = Resource(resource)["env"]!.AsObject();
        Assert.Equal("True", (string?)env["HTTP_IP_FILTER_ENABLED"]);
        Assert.Equal("{provisioner-public-url.value}", (string?)Resource("provisioner")["env"]!["Provisioner__PublicUrl"]);
    }

    [Fact]
    public void The_web_apps_product_webhook_targets_its_public_url_as_a_parameter()
    {
        // Saleor's IP filter refuses private targets: the Provisioner registers the Web app's webhook at its public address.
        Assert.Equal("{web-public-url.value}", (string?)Resource("provisioner")["env"]!["Provisioner__WebPublicUrl"]);
        Assert.Equal("parameter.v0", (string?)Resource("web-public-url")["type"]);
    }

    private JsonObject Resource(string name) =>
        resources[name]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"The manifest has no resource '{name}'.");

    /// <summary>Publishes the manifest once for the class, exactly as <c>./gsv manifest</c> does.</summary>
    public sealed class PublishedManifest : IAsyncLifetime
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), $"gsv-manifest-{Guid.NewGuid():N}");

        public JsonObject Resources { get; private set; } = null!;

        /// <summary>Where the manifest was written: its relative paths (build contexts, Dockerfiles) start here.</summary>
        public string ManifestDirectory => directory;

        /// <summary>The realm file in the folder a container bind-mounts as Keycloak's import directory (published with the manifest).</summary>
        public JsonObject ImportedRealm(JsonObject keycloak)
        {
            var mount = keycloak["bindMounts"]!.AsArray().Single(m => (string?)m!["target"] == "/opt/keycloak/data/import")!;
            var source = Path.GetFullPath(Path.Combine(directory, (string)mount["source"]!));
            return JsonNode.Parse(File.ReadAllText(Path.Combine(source, "gsv-realm.json")))!.AsObject();
        }

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(directory);
            var output = Path.Combine(directory, "manifest.json");
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
            Resources = JsonNode.Parse(await File.ReadAllTextAsync(output))!["resources"]!.AsObject();
        }

        public Task DisposeAsync()
        {
            Directory.Delete(directory, recursive: true);
            return Task.CompletedTask;
        }
    }
}
