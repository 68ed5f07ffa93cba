using Gsv.Emulators.Keycloak;

namespace Gsv.Tests.Identity;

/// <summary>
/// The Keycloak emulator's data folder: what a restart must not change (user ids are the tokens' <c>sub</c>, which the
/// Control Plane's rows refer to; keys verify tokens issued before the restart).
/// </summary>
public sealed class KeycloakDataStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"gsv-keycloak-store-{Guid.NewGuid():N}");
    private readonly string realmFile = Path.Combine(FindRepositoryRoot(), "Gsv.AppHost", "Realm", "gsv-realm.json");

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Users_created_at_run_time_and_realm_keys_are_the_same_after_a_restart()
    {
        var first = Start();
        var created = new RealmUser { Username = "restart@test.gsv.local", Email = "restart@test.gsv.local", EmailVerified = true, Password = PasswordCredential.Create("Pw-1") };
        created.RealmRoles["default-roles-gsv"] = 0;
        first.Realm.Users[created.Id] = created;
        new KeycloakDataStore(directory).SaveUsers(first.Realm);

        var second = Start();
        var again = second.Realm.FindByUsername("restart@test.gsv.local");
        Assert.NotNull(again);
        Assert.Equal(created.Id, again.Id);
        Assert.True(again.Password!.Verify("Pw-1"));
        Assert.False(again.Password.Verify("Pw-2"));
        Assert.Contains("default-roles-gsv", again.RealmRoles.Keys);
        Assert.Equal(first.Keys.Signing.KeyId, second.Keys.Signing.KeyId);
        Assert.Equal(first.Keys.Stored, second.Keys.Stored);

        // The realm file's users keep the ids the file gives them (and derived ones for service accounts).
        Assert.Equal(first.Realm.FindByUsername("buyer@gsv.local")!.Id, second.Realm.FindByUsername("buyer@gsv.local")!.Id);
        Assert.Equal(
            first.Realm.FindByUsername("service-account-gsv-provisioner")!.Id,
            second.Realm.FindByUsername("service-account-gsv-provisioner")!.Id);
    }

    [Fact]
    public void Without_a_data_folder_nothing_is_kept()
    {
        var store = new KeycloakDataStore(null);
        Assert.NotEqual(store.LoadOrCreateKeys("gsv").Stored, store.LoadOrCreateKeys("gsv").Stored);
    }

    /// <summary>What the emulator does at start: import the realm file, add the stored users, load the keys.</summary>
    private (Realm Realm, KeycloakKeys Keys) Start()
    {
        var store = new KeycloakDataStore(directory);
        var realm = RealmImport.Load(realmFile, _ => "value");
        store.LoadUsers(realm);
        return (realm, store.LoadOrCreateKeys(realm.Name));
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gsv.sln")))
        {
            directory = directory.Parent;
        }

        return directory!.FullName;
    }
}
