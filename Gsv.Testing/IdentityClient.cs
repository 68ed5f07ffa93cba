using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gsv.Testing;

/// <summary>A user created for one test, with a fresh access token (password grant, client <c>gsv-cli</c>).</summary>
public sealed record TestUser(string Sub, string Email, string Password, string AccessToken);

/// <summary>
/// Test access to the platform's identity provider (the <c>keycloak</c> resource, emulator or container): users created
/// through the Admin REST API with the bootstrap admin, and tokens obtained exactly as clients obtain them.
/// </summary>
public sealed class IdentityClient(DistributedApplication app)
{
    public const string Realm = "gsv";
    public const string CliClientId = "gsv-cli";
    public const string BuyerRole = "gsv-buyer";
    public const string AdminUsername = "admin";

    /// <summary>The AppHost parameter holding each service client's secret.</summary>
    private static readonly Dictionary<string, string> ClientSecretParameters = new(StringComparer.Ordinal)
    {
        ["gsv-provisioner"] = "keycloak-provisioner-client-secret",
        ["gsv-gateway"] = "keycloak-gateway-client-secret",
        ["gsv-web"] = "keycloak-web-client-secret",
    };

    /// <summary>Keycloak's base address as the services see it (their tokens' issuer derives from it).</summary>
    public HttpClient CreateKeycloakClient() => app.CreateHttpClient("keycloak", "http");

    /// <summary>
    /// A fresh user of realm <c>gsv</c> (verified e-mail, first/last name, role <c>gsv-buyer</c>) and a password-grant token.
    /// </summary>
    public async Task<TestUser> CreateUserAsync(string? emailPrefix = null)
    {
        var email = $"{emailPrefix ?? "user"}-{Guid.NewGuid():N}@test.gsv.local".ToLowerInvariant();
        var password = $"Pw-{Guid.NewGuid():N}";
        using var keycloak = CreateKeycloakClient();
        keycloak.DefaultRequestHeaders.Authorization = new("Bearer", await GetAdminTokenAsync(keycloak));

        using var created = await keycloak.PostAsJsonAsync($"/admin/realms/{Realm}/users", new
        {
            username = email,
            email,
            firstName = "Test",
            lastName = "User",
            enabled = true,
            emailVerified = true,
            credentials = new[] { new { type = "password", value = password, temporary = false } },
        });
        await EnsureSuccessAsync(created, "create user");
        var location = created.Headers.Location ?? throw new InvalidOperationException("Keycloak created a user without a Location header.");
        var sub = location.Segments[^1].TrimEnd('/');

        // The Admin API ignores roles in the create body: assign gsv-buyer explicitly (a no-op when it is already a default role).
        var role = await keycloak.GetFromJsonAsync<JsonElement>($"/admin/realms/{Realm}/roles/{BuyerRole}");
        using var assigned = await keycloak.PostAsJsonAsync($"/admin/realms/{Realm}/users/{sub}/role-mappings/realm", new[]
        {
            new { id = role.GetProperty("id").GetString(), name = BuyerRole },
        });
        await EnsureSuccessAsync(assigned, "assign gsv-buyer");

        return new TestUser(sub, email, password, await GetUserTokenAsync(email, password));
    }

    /// <summary>Password grant with the public client <c>gsv-cli</c>; returns the access token.</summary>
    public async Task<string> GetUserTokenAsync(string email, string password)
    {
        using var response = await RequestTokenAsync(new()
        {
            ["grant_type"] = "password",
            ["client_id"] = CliClientId,
            ["username"] = email,
            ["password"] = password,
            ["scope"] = "openid",
        });
        return await ReadAccessTokenAsync(response, $"password grant for {email}");
    }

    /// <summary>Client-credentials token of a service client (<c>gsv-provisioner</c>, <c>gsv-gateway</c>), secret taken from the AppHost's parameters.</summary>
    public async Task<string> GetServiceTokenAsync(string clientId)
    {
        using var response = await RequestTokenAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = await GetClientSecretAsync(clientId),
        });
        return await ReadAccessTokenAsync(response, $"client credentials for {clientId}");
    }

    /// <summary>An HTTP client for a platform resource's <c>http</c> endpoint, with the bearer token when one is given.</summary>
    public HttpClient CreateClient(string resource, string? bearerToken)
    {
        var client = app.CreateHttpClient(resource, "http");
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    /// <summary>Raw token request to realm <c>gsv</c> (for tests of the token endpoint's answers).</summary>
    public async Task<HttpResponseMessage> RequestTokenAsync(Dictionary<string, string> form, string realm = Realm)
    {
        using var keycloak = CreateKeycloakClient();
        return await keycloak.PostAsync($"/realms/{realm}/protocol/openid-connect/token", new FormUrlEncodedContent(form));
    }

    public async Task<string> GetClientSecretAsync(string clientId) =>
        ClientSecretParameters.TryGetValue(clientId, out var parameter)
            ? await GetParameterAsync(parameter)
            : throw new ArgumentException($"No secret parameter is known for client '{clientId}'.", nameof(clientId));

    /// <summary>The value of an AppHost parameter as the running platform resolved it.</summary>
    public async Task<string> GetParameterAsync(string name)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().SingleOrDefault(p => p.Name == name)
            ?? throw new InvalidOperationException($"The AppHost has no parameter '{name}'.");
        return await parameter.GetValueAsync(CancellationToken.None)
            ?? throw new InvalidOperationException($"Parameter '{name}' has no value.");
    }

    /// <summary>Master-realm token of the bootstrap admin (admin-cli password grant), as provisioning tools use.</summary>
    public async Task<string> GetAdminTokenAsync(HttpClient? keycloak = null)
    {
        var password = await GetParameterAsync("keycloak-admin-password");
        using var owned = keycloak is null ? CreateKeycloakClient() : null;
        using var response = await (keycloak ?? owned!).PostAsync("/realms/master/protocol/openid-connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "admin-cli",
            ["username"] = AdminUsername,
            ["password"] = password,
        }));
        return await ReadAccessTokenAsync(response, "master admin token");
    }

    private static async Task<string> ReadAccessTokenAsync(HttpResponseMessage response, string what)
    {
        await EnsureSuccessAsync(response, what);
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return token?.AccessToken is { Length: > 0 } accessToken
            ? accessToken
            : throw new InvalidOperationException($"Keycloak answered {what} without an access token.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"Keycloak refused {what}: {(int)response.StatusCode} {body}", null, response.StatusCode);
        }
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string? AccessToken);
}
