using System.Security.Claims;
using System.Text.Json;
using Gsv.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gsv.Web.Authentication;

public static partial class WebAuthenticationExtensions
{
    public const string CallbackPath = "/signin-oidc";
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    /// <summary>
    /// Browser sign-in for the web front end: a cookie session established by the OpenID Connect authorization code
    /// flow with PKCE against the <c>keycloak</c> resource's realm (client <c>gsv-web</c>, confidential). Metadata,
    /// code exchange and JWKS go over the service-discovery back channel; the browser-facing endpoints are the ones
    /// the discovery document names.
    /// </summary>
    public static TBuilder AddGsvWebAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<KeycloakOptions>(builder.Configuration.GetSection(KeycloakOptions.SectionName));
        builder.Services.AddHttpClient(AuthenticationExtensions.KeycloakBackchannel);
        builder.Services.AddSingleton<AccessTokenRefresher>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = "gsv.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/account/login";
                options.Events.OnValidatePrincipal = context =>
                    context.HttpContext.RequestServices.GetRequiredService<AccessTokenRefresher>().ValidatePrincipalAsync(context);
            })
            .AddOpenIdConnect();

        builder.Services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory, IOptions<KeycloakOptions>>((options, clients, keycloak) =>
            {
                options.Authority = keycloak.Value.RealmUrl;
                options.ClientId = keycloak.Value.ClientId;
                options.ClientSecret = keycloak.Value.ClientSecret;
                options.Backchannel = clients.CreateClient(AuthenticationExtensions.KeycloakBackchannel);
                // Plain HTTP only when the AppHost says so (the local emulator); HTTPS otherwise.
                options.RequireHttpsMetadata = keycloak.Value.RequireHttpsMetadata;

                options.ResponseType = OpenIdConnectResponseType.Code;
                // The code comes back on a top-level GET, so SameSite=Lax cookies (correlation, nonce) are sent with it
                // even over plain HTTP, where SameSite=None cookies are refused by browsers.
                options.ResponseMode = OpenIdConnectResponseMode.Query;
                options.UsePkce = true;
                options.SaveTokens = true;
                options.Scope.Clear();
                options.Scope.Add(OpenIdConnectScope.OpenId);
                options.Scope.Add("profile");
                options.Scope.Add(OpenIdConnectScope.Email);
                options.CallbackPath = CallbackPath;
                options.SignedOutCallbackPath = SignedOutCallbackPath;
                options.SignedOutRedirectUri = "/";

                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = "roles";

                options.Events.OnRemoteFailure = OnRemoteFailureAsync;
                options.Events.OnTokenValidated = AddRealmRoles;

                foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
                {
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                }
            });

        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>
    /// A callback that cannot complete (forged or expired state, an error answer from Keycloak, a refused code) lands
    /// on the error page instead of an exception; nobody is signed in.
    /// </summary>
    private static Task OnRemoteFailureAsync(RemoteFailureContext context)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebAuthenticationExtensions));
        LogSignInFailed(logger, context.Failure);
        context.Response.Redirect("/error");
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The ID token carries no roles; the access token of the same sign-in (from the token endpoint, over the back
    /// channel) does. Its realm roles become <c>roles</c> claims of the session, for what pages show (the header's
    /// seller console link); every API still decides from the access token itself.
    /// </summary>
    private static Task AddRealmRoles(TokenValidatedContext context)
    {
        if (context.TokenEndpointResponse?.AccessToken is not { Length: > 0 } accessToken || context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return Task.CompletedTask;
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(new JsonWebToken(accessToken).EncodedPayload));
        if (payload.RootElement.TryGetProperty("realm_access", out var realm) && realm.ValueKind == JsonValueKind.Object
            && realm.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array)
        {
            foreach (var role in roles.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String))
            {
                identity.AddClaim(new Claim(identity.RoleClaimType, role.GetString()!));
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in failed")]
    private static partial void LogSignInFailed(ILogger logger, Exception? exception);
}
