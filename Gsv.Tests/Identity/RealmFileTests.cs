using System.Text.Json.Nodes;

namespace Gsv.Tests.Identity;

/// <summary>The realm-import file both modes use: valid Keycloak import JSON with everything the platform relies on.</summary>
public sealed class RealmFileTests
{
    private static readonly JsonObject Realm = Load();

    private static JsonObject Load()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gsv.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory!.FullName, "Gsv.AppHost", "Realm", "gsv-realm.json");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    private static JsonObject Client(string clientId) =>
        Realm["clients"]!.AsArray().Single(c => (string?)c!["clientId"] == clientId)!.AsObject();

    private static JsonObject User(string username) =>
        Realm["users"]!.AsArray().Single(u => (string?)u!["username"] == username)!.AsObject();

    [Fact]
    public void Realm_is_gsv_with_its_roles_and_default_role()
    {
        Assert.Equal("gsv", (string?)Realm["realm"]);
        Assert.True((bool?)Realm["enabled"]);
        var roles = Realm["roles"]!["realm"]!.AsArray().Select(r => (string?)r!["name"]).ToList();
        Assert.Contains("gsv-buyer", roles);
        Assert.Contains("gsv-admin", roles);
        Assert.Contains("gsv-gateway", roles);
        Assert.Contains("gsv-provisioner", roles);
        Assert.DoesNotContain("gsv-service", roles);
        var defaultRole = Realm["roles"]!["realm"]!.AsArray().Single(r => (string?)r!["name"] == "default-roles-gsv")!;
        Assert.Contains("gsv-buyer", defaultRole["composites"]!["realm"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("default-roles-gsv", (string?)Realm["defaultRole"]!["name"]);
    }

    [Fact]
    public void Web_client_is_confidential_code_flow_with_pkce()
    {
        var web = Client("gsv-web");
        Assert.False((bool?)web["publicClient"]);
        Assert.Equal("${GSV_WEB_CLIENT_SECRET}", (string?)web["secret"]);
        Assert.True((bool?)web["standardFlowEnabled"]);
        Assert.False((bool?)web["directAccessGrantsEnabled"]);
        Assert.Equal("S256", (string?)web["attributes"]!["pkce.code.challenge.method"]);
        Assert.Contains("${GSV_WEB_URL}/signin-oidc", web["redirectUris"]!.AsArray().Select(u => (string?)u));
    }

    [Fact]
    public void Cli_client_is_public_with_direct_access_grants()
    {
        var cli = Client("gsv-cli");
        Assert.True((bool?)cli["publicClient"]);
        Assert.True((bool?)cli["directAccessGrantsEnabled"]);
    }

    [Theory]
    [InlineData("gsv-provisioner", "${GSV_PROVISIONER_CLIENT_SECRET}")]
    [InlineData("gsv-gateway", "${GSV_GATEWAY_CLIENT_SECRET}")]
    public void Service_clients_are_confidential_service_accounts_each_with_its_own_role(string clientId, string secret)
    {
        var client = Client(clientId);
        Assert.False((bool?)client["publicClient"]);
        Assert.Equal(secret, (string?)client["secret"]);
        Assert.True((bool?)client["serviceAccountsEnabled"]);
        var account = User($"service-account-{clientId}");
        Assert.Equal(clientId, (string?)account["serviceAccountClientId"]);
        // Its own role only: the Gateway's account cannot do the Provisioner's work (grants) and the reverse.
        Assert.Equal([clientId], account["realmRoles"]!.AsArray().Select(r => (string?)r));
    }

    [Theory]
    [InlineData("gsv-web")]
    [InlineData("gsv-cli")]
    [InlineData("gsv-provisioner")]
    [InlineData("gsv-gateway")]
    public void Every_platform_client_puts_gsv_api_in_the_audience(string clientId)
    {
        var mapper = Client(clientId)["protocolMappers"]!.AsArray().Single(m => (string?)m!["protocolMapper"] == "oidc-audience-mapper")!;
        Assert.Equal("gsv-api", (string?)mapper["config"]!["included.custom.audience"]);
        Assert.Equal("true", (string?)mapper["config"]!["access.token.claim"]);
    }

    [Theory]
    [InlineData("buyer@gsv.local", "${GSV_DEMO_BUYER_PASSWORD}", false)]
    [InlineData("admin@gsv.local", "${GSV_DEMO_ADMIN_PASSWORD}", true)]
    public void Demo_users_are_complete_and_take_passwords_from_the_environment(string username, string password, bool admin)
    {
        var user = User(username);
        Assert.Equal(username, (string?)user["email"]);
        Assert.False(string.IsNullOrEmpty((string?)user["firstName"]));
        Assert.False(string.IsNullOrEmpty((string?)user["lastName"]));
        Assert.True((bool?)user["emailVerified"]);
        Assert.True((bool?)user["enabled"]);
        var credential = user["credentials"]!.AsArray().Single()!;
        Assert.Equal("password", (string?)credential["type"]);
        Assert.Equal(password, (string?)credential["value"]);
        var roles = user["realmRoles"]!.AsArray().Select(r => (string?)r).ToList();
        Assert.Contains("default-roles-gsv", roles);
        Assert.Equal(admin, roles.Contains("gsv-admin"));
    }

    [Fact]
    public void User_profile_declares_the_attributes_tokens_carry()
    {
        var component = Realm["components"]!["org.keycloak.userprofile.UserProfileProvider"]!.AsArray().Single()!;
        Assert.Equal("declarative-user-profile", (string?)component["providerId"]);
        var profile = JsonNode.Parse((string)component["config"]!["kc.user.profile.config"]!.AsArray().Single()!)!;
        var names = profile["attributes"]!.AsArray().Select(a => (string?)a!["name"]).ToList();
        Assert.Equal(["username", "email", "firstName", "lastName"], names);
    }

    [Fact]
    public void Email_is_read_only_for_users_and_editable_by_administrators()
    {
        var component = Realm["components"]!["org.keycloak.userprofile.UserProfileProvider"]!.AsArray().Single()!;
        var profile = JsonNode.Parse((string)component["config"]!["kc.user.profile.config"]!.AsArray().Single()!)!;
        var email = profile["attributes"]!.AsArray().Single(a => (string?)a!["name"] == "email")!;
        Assert.Equal(["admin"], email["permissions"]!["edit"]!.AsArray().Select(r => (string?)r));
        Assert.Contains("user", email["permissions"]!["view"]!.AsArray().Select(r => (string?)r));
    }

    [Theory]
    [InlineData("buyer@gsv.local")]
    [InlineData("admin@gsv.local")]
    public void Demo_users_have_fixed_ids(string username)
    {
        // Keycloak imports them with these ids, and the emulator re-imports them at every start: the tokens' sub never changes.
        Assert.True(Guid.TryParse((string?)User(username)["id"], out _));
    }
}
