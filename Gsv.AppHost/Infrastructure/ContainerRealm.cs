using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gsv.AppHost.Infrastructure;

/// <summary>
/// The realm a Keycloak container imports. <c>Realm/gsv-realm.json</c> is the development realm (what the local
/// emulator serves); containers mode, which is what gets published, imports a production variant written from it:
/// HTTPS required for external clients, brute-force protection, no password grant on public clients, and the demo
/// users only when <c>Gsv:DemoUsers=true</c>.
/// </summary>
public static class ContainerRealm
{
    public const string DemoUsersKey = "Gsv:DemoUsers";

    /// <summary>Whether the demo users are imported in containers mode (<c>--Gsv:DemoUsers=true</c>; off by default).</summary>
    public static bool DemoUsers(IDistributedApplicationBuilder builder) => bool.TryParse(builder.Configuration[DemoUsersKey], out var value) && value;

    /// <summary>Writes the production realm file and returns the folder to mount as Keycloak's import directory.</summary>
    public static string WriteImportDirectory(IDistributedApplicationBuilder builder)
    {
        var source = JsonNode.Parse(File.ReadAllText(Path.Combine(KeycloakExtensions.RealmDirectory(builder), KeycloakExtensions.RealmFileName)))!.AsObject();
        var directory = ImportDirectory(builder);
        Directory.CreateDirectory(directory);
        File.WriteAllText(
            Path.Combine(directory, KeycloakExtensions.RealmFileName),
            ForProduction(source, DemoUsers(builder)).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return directory;
    }

    /// <summary>The development realm with production settings.</summary>
    public static JsonObject ForProduction(JsonObject developmentRealm, bool demoUsers)
    {
        var realm = developmentRealm.DeepClone().AsObject();
        realm["sslRequired"] = "external";

        // Keycloak's brute-force detector: temporary lockouts, growing with repeated failures.
        realm["bruteForceProtected"] = true;
        realm["permanentLockout"] = false;
        realm["failureFactor"] = 5;
        realm["waitIncrementSeconds"] = 60;
        realm["maxFailureWaitSeconds"] = 900;
        realm["minimumQuickLoginWaitSeconds"] = 60;
        realm["quickLoginCheckMilliSeconds"] = 1000;
        realm["maxDeltaTimeSeconds"] = 43200;

        // A public client cannot keep a secret: no resource-owner password grant through it.
        foreach (var client in realm["clients"]?.AsArray() ?? [])
        {
            if (client?["publicClient"]?.GetValue<bool>() == true)
            {
                client["directAccessGrantsEnabled"] = false;
            }
        }

        if (!demoUsers && realm["users"] is JsonArray users)
        {
            foreach (var person in users.Where(u => u?["serviceAccountClientId"] is null).ToList())
            {
                users.Remove(person);
            }
        }

        return realm;
    }

    /// <summary>Beside the published manifest (it is part of the deployment), or under the data folder for a run.</summary>
    private static string ImportDirectory(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode && builder.Configuration["Pipeline:OutputPath"] is { Length: > 0 } output)
        {
            var full = Path.GetFullPath(output);
            var root = Path.HasExtension(full) ? Path.GetDirectoryName(full)! : full;
            return Path.Combine(root, "keycloak-import");
        }

        return Path.Combine(LocalDataSettings.From(builder).Root, "keycloak-import");
    }
}
