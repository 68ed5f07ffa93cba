using System.Net;
using Gsv.Tests.Infrastructure;
using Gsv.Tests.Resilience;

namespace Gsv.Tests.Identity;

/// <summary>
/// A platform started with demo passwords other than the development defaults (the second platform,
/// <see cref="ResiliencePlatform"/>): the realm takes them, the defaults are refused.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class DemoPasswordParameterTests(ResiliencePlatform platform)
{
    [Theory]
    [InlineData("buyer@gsv.local", "buyer-dev-password")]
    [InlineData("admin@gsv.local", "admin-dev-password")]
    public async Task Demo_user_signs_in_with_the_configured_password_and_not_the_default(string username, string defaultPassword)
    {
        var configured = ResiliencePlatform.DemoPasswords[username];
        Assert.NotEqual(defaultPassword, configured);

        var token = await platform.Platform.Identity.GetUserTokenAsync(username, configured);
        Assert.False(string.IsNullOrEmpty(token));

        using var refused = await platform.Platform.Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "password",
            ["client_id"] = IdentityClient.CliClientId,
            ["username"] = username,
            ["password"] = defaultPassword,
        });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_grant", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
