using System.Net.Http.Json;
using System.Text.Json;

namespace Gsv.Tests.Infrastructure;

/// <summary>Realm users with exactly the profile a test needs (an unverified email, a very long name…), through the Admin REST API.</summary>
public static class IdentityUsers
{
    /// <summary>Creates the user (role <c>gsv-buyer</c>) and returns their <c>sub</c> and a password-grant access token.</summary>
    public static async Task<(string Sub, string Token)> CreateUserWithProfileAsync(
        this IdentityClient identity, string email, bool emailVerified, string firstName = "Test", string lastName = "User")
    {
        var password = $"Pw-{Guid.NewGuid():N}";
        using var keycloak = await AdminClientAsync(identity);
        using var created = await keycloak.PostAsJsonAsync($"/admin/realms/{IdentityClient.Realm}/users", new
        {
            username = email, email, firstName, lastName, enabled = true, emailVerified,
            credentials = new[] { new { type = "password", value = password, temporary = false } },
        });
        Assert.True(created.IsSuccessStatusCode, $"create user: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        var sub = created.Headers.Location!.Segments[^1].TrimEnd('/');
        var role = await keycloak.GetFromJsonAsync<JsonElement>($"/admin/realms/{IdentityClient.Realm}/roles/{IdentityClient.BuyerRole}");
        using var assigned = await keycloak.PostAsJsonAsync($"/admin/realms/{IdentityClient.Realm}/users/{sub}/role-mappings/realm",
            new[] { new { id = role.GetProperty("id").GetString(), name = IdentityClient.BuyerRole } });
        assigned.EnsureSuccessStatusCode();
        return (sub, await identity.GetUserTokenAsync(email, password));
    }

    public static async Task DeleteUserAsync(this IdentityClient identity, string sub)
    {
        using var keycloak = await AdminClientAsync(identity);
        (await keycloak.DeleteAsync($"/admin/realms/{IdentityClient.Realm}/users/{sub}")).EnsureSuccessStatusCode();
    }

    private static async Task<HttpClient> AdminClientAsync(IdentityClient identity)
    {
        var keycloak = identity.CreateKeycloakClient();
        keycloak.DefaultRequestHeaders.Authorization = new("Bearer", await identity.GetAdminTokenAsync(keycloak));
        return keycloak;
    }
}
