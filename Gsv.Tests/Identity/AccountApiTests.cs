using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Identity;

/// <summary>
/// The realm's Account API (what a signed-in user edits their profile with) honours the user profile: the e-mail is
/// read-only for users, so nobody can point their account at an address a paid order names.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountApiTests(PlatformFixture platform)
{
    private IdentityClient Identity => platform.Identity;

    [Fact]
    public async Task A_user_cannot_change_their_email_but_can_change_their_name()
    {
        var user = await Identity.CreateUserAsync("account");
        using var keycloak = Identity.CreateKeycloakClient();
        keycloak.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);

        var profile = await keycloak.GetFromJsonAsync<JsonElement>($"/realms/{IdentityClient.Realm}/account");
        Assert.Equal(user.Email, profile.GetProperty("email").GetString());

        var taken = $"guest-{Guid.NewGuid():N}@test.gsv.local";
        using var emailChange = await keycloak.PostAsJsonAsync($"/realms/{IdentityClient.Realm}/account", new { email = taken, firstName = "Test", lastName = "User" });
        Assert.Equal(HttpStatusCode.BadRequest, emailChange.StatusCode);
        var error = await emailChange.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("email", error.GetProperty("field").GetString());
        Assert.Equal("updateReadOnlyAttributesRejectedMessage", error.GetProperty("errorMessage").GetString());

        using var nameChange = await keycloak.PostAsJsonAsync($"/realms/{IdentityClient.Realm}/account", new { email = user.Email, firstName = "Renamed", lastName = "User" });
        Assert.Equal(HttpStatusCode.NoContent, nameChange.StatusCode);

        // As an administrator sees the user: the name changed, the address and its verification did not.
        using var admin = Identity.CreateKeycloakClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Identity.GetAdminTokenAsync(admin));
        var stored = await admin.GetFromJsonAsync<JsonElement>($"/admin/realms/{IdentityClient.Realm}/users/{user.Sub}");
        Assert.Equal("Renamed", stored.GetProperty("firstName").GetString());
        Assert.Equal(user.Email, stored.GetProperty("email").GetString());
        Assert.True(stored.GetProperty("emailVerified").GetBoolean());
    }
}
