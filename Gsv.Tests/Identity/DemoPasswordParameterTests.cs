using System.Net;
using Gsv.Tests.Infrastructure;

namespace Gsv.Tests.Identity;

/// <summary>
/// A platform of its own, started with demo passwords other than the development defaults
/// (<c>--Parameters:demo-buyer-password=…</c>, as the README documents): the realm takes them, the defaults are refused.
/// </summary>
public sealed class DemoPasswordParameterTests(DemoPasswordParameterTests.Platform platform) : IClassFixture<DemoPasswordParameterTests.Platform>
{
    [Theory]
    [InlineData("buyer@gsv.local", "buyer-dev-password")]
    [InlineData("admin@gsv.local", "admin-dev-password")]
    public async Task Demo_user_signs_in_with_the_configured_password_and_not_the_default(string username, string defaultPassword)
    {
        var configured = platform.Passwords[username];
        Assert.NotEqual(defaultPassword, configured);

        var token = await platform.Fixture.Identity.GetUserTokenAsync(username, configured);
        Assert.False(string.IsNullOrEmpty(token));

        using var refused = await platform.Fixture.Identity.RequestTokenAsync(new()
        {
            ["grant_type"] = "password",
            ["client_id"] = IdentityClient.CliClientId,
            ["username"] = username,
            ["password"] = defaultPassword,
        });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_grant", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public sealed class Platform : IAsyncLifetime
    {
        public Dictionary<string, string> Passwords { get; } = new(StringComparer.Ordinal)
        {
            ["buyer@gsv.local"] = $"buyer-{Guid.NewGuid():N}",
            ["admin@gsv.local"] = $"admin-{Guid.NewGuid():N}",
        };

        public PlatformFixture Fixture { get; private set; } = null!;

        public Task InitializeAsync()
        {
            Fixture = PlatformFixture.On(
                Path.Combine(Path.GetTempPath(), $"gsv-demo-passwords-{Guid.NewGuid():N}"),
                $"--Parameters:demo-buyer-password={Passwords["buyer@gsv.local"]}",
                $"--Parameters:demo-admin-password={Passwords["admin@gsv.local"]}");
            return Fixture.InitializeAsync();
        }

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }
}
