using System.Globalization;
using System.Net;
using System.Text;
using Gsv.ServiceDefaults.Authentication;
using Gsv.Web.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gsv.Tests.Web;

/// <summary>The web session's access token is exchanged with its refresh token shortly before it expires.</summary>
public sealed class AccessTokenRefresherTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_token_good_for_more_than_a_minute_is_kept_without_asking_Keycloak()
    {
        var keycloak = new TokenEndpointStub(HttpStatusCode.OK, Tokens);
        var properties = Session(Now.AddMinutes(2));
        Assert.Equal(TokenRefreshOutcome.Fresh, await Refresher(keycloak).RefreshAsync(properties, CancellationToken.None));
        Assert.Empty(keycloak.Requests);
        Assert.Equal("old-access", properties.GetTokenValue("access_token"));
    }

    [Fact]
    public async Task A_token_about_to_expire_is_exchanged_with_the_refresh_token_of_the_confidential_client()
    {
        var keycloak = new TokenEndpointStub(HttpStatusCode.OK, Tokens);
        var properties = Session(Now.AddSeconds(30));
        Assert.Equal(TokenRefreshOutcome.Refreshed, await Refresher(keycloak).RefreshAsync(properties, CancellationToken.None));

        var form = Assert.Single(keycloak.Requests);
        Assert.Equal("http://keycloak.test/realms/gsv/protocol/openid-connect/token", form.Uri);
        Assert.Equal("grant_type=refresh_token&refresh_token=old-refresh&client_id=gsv-web&client_secret=s3cret", form.Body);
        Assert.Equal(("new-access", "new-refresh", "new-id"),
            (properties.GetTokenValue("access_token"), properties.GetTokenValue("refresh_token"), properties.GetTokenValue("id_token")));
        Assert.Equal(Now.AddSeconds(300), DateTimeOffset.Parse(properties.GetTokenValue("expires_at")!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_refused_refresh_ends_the_session_and_an_unreachable_Keycloak_keeps_it()
    {
        var expired = Session(Now.AddSeconds(-5));
        Assert.Equal(TokenRefreshOutcome.Refused,
            await Refresher(new TokenEndpointStub(HttpStatusCode.BadRequest, """{"error":"invalid_grant"}""")).RefreshAsync(expired, CancellationToken.None));
        Assert.Equal(TokenRefreshOutcome.Unavailable,
            await Refresher(new TokenEndpointStub(HttpStatusCode.ServiceUnavailable, "")).RefreshAsync(expired, CancellationToken.None));
        Assert.Equal("old-access", expired.GetTokenValue("access_token"));

        var noRefreshToken = new AuthenticationProperties();
        noRefreshToken.StoreTokens([new AuthenticationToken { Name = "expires_at", Value = Now.AddSeconds(-5).ToString("o", CultureInfo.InvariantCulture) }]);
        Assert.Equal(TokenRefreshOutcome.Refused, await Refresher(new TokenEndpointStub(HttpStatusCode.OK, Tokens)).RefreshAsync(noRefreshToken, CancellationToken.None));
    }

    private const string Tokens = """{"access_token":"new-access","refresh_token":"new-refresh","id_token":"new-id","expires_in":300,"token_type":"Bearer"}""";

    private static AccessTokenRefresher Refresher(TokenEndpointStub keycloak) => new(
        keycloak,
        Options.Create(new KeycloakOptions { ServiceUrl = "http://keycloak.test", ClientId = "gsv-web", ClientSecret = "s3cret" }),
        new FakeTimeProvider(Now),
        NullLogger<AccessTokenRefresher>.Instance);

    private static AuthenticationProperties Session(DateTimeOffset expiresAt)
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = "access_token", Value = "old-access" },
            new AuthenticationToken { Name = "refresh_token", Value = "old-refresh" },
            new AuthenticationToken { Name = "expires_at", Value = expiresAt.ToString("o", CultureInfo.InvariantCulture) },
        ]);
        return properties;
    }

    private sealed class TokenEndpointStub(HttpStatusCode status, string body) : HttpMessageHandler, IHttpClientFactory
    {
        public List<(string Uri, string Body)> Requests { get; } = [];

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!.ToString(), await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
